"""Confirmation letters arriving as text, a PDF or a photo: read, checked for the three elements,
stored on the deal (with the original file), logged as an activity and made searchable."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import Principal
from copilot.clock import Clock
from copilot.documents.ocr import OcrEngine
from copilot.documents.reading import ReadDocument, read_document
from copilot.errors import InputTooLarge, InvalidInput
from copilot.files import FileStore
from copilot.followups.service import new_id
from copilot.letters.elements import LABELS, LetterReading, read_letter
from copilot.pipeline.deals import get_deal, letter_readings
from copilot.policies import load_policy
from copilot.search.docs import SearchDoc
from copilot.store.models import Activity, Customer, Deal, Document, User

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
# the company roles activities carry (FORMAT.md actor_role), from the uploader's job role
_ACTOR_ROLES = {
    "rep": "sales",
    "sales": "sales",
    "solution": "solution",
    "legal": "legal",
    "delivery": "delivery",
    "finance": "finance",
    "manager": "manager",
}


@dataclass(frozen=True)
class LetterLimits:
    max_bytes: int = 20_000_000
    max_pages: int = 20


def letter_view(doc: Document, reading: LetterReading, deal: Deal) -> dict[str, Any]:
    """A stored letter with the elements it states (quoted) and what it lacks."""
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in doc.text[:200]) else "en"
    return {
        "id": doc.external_id,
        "deal_id": deal.external_id,
        "at": doc.at.isoformat(),
        "source": doc.source or "import",
        "filename": doc.filename,
        "content_type": doc.content_type,
        "complete": reading.complete,
        "missing": reading.missing,
        "missing_labels": [LABELS[lang][m] for m in reading.missing],
        "deferred": list(reading.deferred),
        "elements": {
            name: {"label": LABELS[lang][name], "quote": e.quote, "start": e.start, "end": e.end}
            for name, e in reading.found.items()
        },
        "reading": doc.reading,
        "text": doc.text,
    }


class LetterService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        files: FileStore,
        ocr: OcrEngine | None,
        limits: LetterLimits = LetterLimits(),
        index: Callable[[Sequence[SearchDoc]], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.files = files
        self.ocr = ocr
        self.limits = limits
        self.index = index

    def read(self, *, text: str | None, data: bytes | None) -> ReadDocument:
        """The letter's text from exactly one of `text` or a file's bytes (PDF, JPEG, PNG)."""
        if (text is None) == (data is None):
            raise InvalidInput("send the letter either as a file (PDF, JPEG or PNG) or as text, not both")
        if text is not None:
            if len(text) > MAX_TEXT_CHARS:
                raise InputTooLarge(
                    f"the letter is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
                )
            if not text.strip():
                raise InvalidInput("the letter text is empty")
            return ReadDocument(text.strip(), "text", "text/plain", 1)
        assert data is not None
        read = read_document(data, self.ocr, max_bytes=self.limits.max_bytes, max_pages=self.limits.max_pages)
        if not read.text.strip():
            raise InvalidInput("no text could be read from the letter; send a clearer photo or the text")
        return read

    def add(
        self,
        principal: Principal,
        deal_id: str,
        *,
        text: str | None = None,
        data: bytes | None = None,
        filename: str | None = None,
    ) -> dict[str, Any]:
        """Read and store a letter on the deal; the elements found (with quotes) and the gate's state.

        Nothing is stored unless the letter could be read: a bad file changes nothing. Idempotent:
        the same file (or text) sent again to the same deal returns the letter stored the first
        time, marked `duplicate`, and stores nothing."""
        with self.sessions() as session:
            deal = get_deal(session, principal, deal_id)  # 404 before any slow reading
            if data is not None:
                same = Document.file_sha256 == hashlib.sha256(data).hexdigest()
            else:
                same = Document.file_sha256.is_(None) & (Document.text == (text or "").strip())
            stored = session.scalar(
                select(Document)
                .where(Document.deal_id == deal.id, Document.kind == "confirmation_letter", same)
                .order_by(Document.id.desc())
                .limit(1)
            )
            if stored is not None:
                readings = letter_readings(session, deal)
                reading = next((r for doc, r in readings if doc.id == stored.id), None)
                if reading is not None:
                    view = letter_view(stored, reading, deal)
                    view["gate"] = self._gate(session, deal, readings)
                    return {**view, "duplicate": True}
        read = self.read(text=text, data=data)
        reading = read_letter(read.text)
        now = self.clock.now()
        sha = self.files.put(principal.org_id, data) if data is not None else None
        with self.sessions.begin() as session:
            deal = get_deal(session, principal, deal_id)
            customer = session.get(Customer, deal.customer_id)
            assert customer is not None
            doc = Document(
                org_id=principal.org_id,
                external_id=new_id("cl"),
                deal_id=deal.id,
                kind="confirmation_letter",
                at=now,
                text=read.text,
                filename=(filename or None) and filename[:300],
                source=read.source,
                content_type=read.content_type,
                file_sha256=sha,
                elements=reading.as_dict(),
                reading=read.reading or None,
                uploaded_by_id=principal.user_id,
                created_at=now,
            )
            session.add(doc)
            state = "complete" if reading.complete else "lacks " + ", ".join(reading.missing)
            session.add(
                Activity(
                    org_id=principal.org_id,
                    external_id=new_id("act"),
                    customer_id=customer.id,
                    deal_id=deal.id,
                    actor_id=principal.user_id,
                    actor_role=_ACTOR_ROLES.get(principal.job_role or ""),
                    at=now,
                    kind="document",
                    text=f"客户确认函已上传 / confirmation letter received ({read.source}, {state})",
                    raw_input={"document_id": doc.external_id},
                    status="recorded",
                    created_at=now,
                )
            )
            if customer.last_activity_at is None or now > customer.last_activity_at:
                customer.last_activity_at = now
            session.flush()
            owner = session.get(User, customer.owner_id) if customer.owner_id else None
            view = letter_view(doc, reading, deal)
            view["gate"] = self._gate(session, deal, letter_readings(session, deal))
            search_doc = SearchDoc(
                org_id=principal.org_id,
                record_id=doc.external_id,
                kind="document:confirmation_letter",
                text=doc.text,
                customer_id=customer.external_id,
                deal_id=deal.external_id,
                rep_id=owner.external_id if owner else None,
                at=now,
            )
        self._submit(search_doc)
        return {**view, "duplicate": False}

    def list(self, principal: Principal, deal_id: str) -> dict[str, Any]:
        """Every confirmation letter on the deal (uploaded or imported), each with its elements."""
        with self.sessions() as session:
            deal = get_deal(session, principal, deal_id)
            readings = letter_readings(session, deal)
            letters = [letter_view(doc, reading, deal) for doc, reading in readings]
            return {
                "deal_id": deal.external_id,
                "letters": letters,
                "gate": self._gate(session, deal, readings),
            }

    def _gate(
        self, session: Session, deal: Deal, readings: Sequence[tuple[Document, LetterReading]]
    ) -> dict[str, Any]:
        enabled = load_policy(session, deal.org_id).negotiation_gate.enabled
        complete = [doc.external_id for doc, reading in readings if reading.complete]
        return {"enabled": enabled, "open": (not enabled) or bool(complete), "complete_letters": complete}

    def _submit(self, doc: SearchDoc) -> None:
        if self.index is None:
            return
        try:
            self.index([doc])
        except Exception:  # indexing never fails an upload; `copilot reindex` repairs the index
            log.exception("could not queue a confirmation letter for search", extra={"record": doc.record_id})
