"""Contract upload, the diff against the deal's requirements, and acknowledgements that unlock `won`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, sessionmaker

from copilot import audit
from copilot.access import AccessRole, Principal
from copilot.clock import Clock
from copilot.contracts.diff import diff_contract, finding_of
from copilot.contracts.fields import ContractExtractor, ContractFields
from copilot.contracts.locate import searched_for
from copilot.contracts.pdf import ContractDocument, read_pdf
from copilot.errors import Forbidden, InvalidInput, NotFound
from copilot.pipeline.deals import get_deal, latest_contract
from copilot.pipeline.requirements import current_requirements
from copilot.store.models import Contract, ContractDiff, Deal, Document, User

Decision = Literal["accepted", "renegotiate"]


@dataclass(frozen=True)
class ContractLimits:
    max_pages: int
    max_bytes: int


class PdfReader(Protocol):
    """Bytes of a contract PDF -> its text: the text layer, or a scan read by OCR (`copilot.documents`)."""

    def __call__(
        self, data: bytes, /, *, max_pages: int, max_bytes: int, name: str | None
    ) -> ContractDocument: ...


def extract_document(
    data: bytes,
    filename: str | None,
    extractor: ContractExtractor,
    limits: ContractLimits,
    reader: PdfReader = read_pdf,
) -> tuple[ContractDocument, ContractFields]:
    """Parse a PDF and extract its 12 fields; bad PDFs raise clear InvalidInput errors."""
    document = reader(data, max_pages=limits.max_pages, max_bytes=limits.max_bytes, name=filename)
    return document, extractor.extract(document)


def _evidence_json(fields: ContractFields) -> dict[str, Any]:
    return {k: [e.model_dump(mode="json") for e in v] for k, v in fields.evidence.items()}


def contract_view(contract: Contract, deal: Deal, users: dict[int, str] | None = None) -> dict[str, Any]:
    """A stored contract with its fields, evidence and differences (for the API and the digital file).
    Each difference says whether the contract states the field otherwise (`finding: different`) or not at
    all (`not_found`, with the clauses that were `searched`)."""
    users = users or {}
    searched = _searched(contract, [d.field for d in contract.diffs if d.contract_value is None])
    return {
        "id": contract.external_id,
        "deal_id": deal.external_id,
        "filename": contract.filename,
        "pages": contract.pages,
        "engine": {"name": contract.engine, "version": contract.engine_version},
        "uploaded_at": contract.created_at,
        "requirement_version": contract.requirement_version,
        "fields": contract.fields,
        "evidence": contract.evidence,
        "warnings": contract.warnings,
        "differences": [
            {
                "field": d.field,
                "finding": finding_of(d.contract_value),
                "searched": searched.get(d.field, []),
                "reason": d.reason,
                "severity": d.severity,
                "required": d.required,
                "contract": d.contract_value,
                "contract_evidence": d.contract_evidence,
                "requirement_evidence": d.requirement_evidence,
                "status": d.status,
                "acknowledged_by": users.get(d.acknowledged_by_id or -1),
                "acknowledged_role": d.acknowledged_role,
                "acknowledged_at": d.acknowledged_at,
                "note": d.note,
            }
            for d in contract.diffs
        ],
        "locked": any(d.status == "open" for d in contract.diffs),
    }


def _searched(contract: Contract, fields: list[str]) -> dict[str, list[str]]:
    """Where the stored contract's text was searched for each field it does not state."""
    if not fields or contract.document_id is None:
        return {}
    session = object_session(contract)
    document = session.get(Document, contract.document_id) if session is not None else None
    if document is None or not document.text:
        return {}
    return searched_for(ContractDocument.from_text(document.text), fields)


class ContractService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        extractor: ContractExtractor,
        clock: Clock,
        limits: ContractLimits,
        reader: PdfReader = read_pdf,
    ) -> None:
        self.sessions = sessions
        self.extractor = extractor
        self.clock = clock
        self.limits = limits
        self.reader = reader

    def upload(self, principal: Principal, deal_id: str, data: bytes, filename: str | None) -> dict[str, Any]:
        """Parse, extract and diff a contract for the deal; a bad file changes nothing stored.

        Idempotent: the same file uploaded again to the same deal (a client retrying after a lost
        response) returns the contract stored the first time, marked `duplicate`, and stores nothing."""
        sha = hashlib.sha256(data).hexdigest()
        with self.sessions() as session:
            deal = get_deal(session, principal, deal_id)  # scope check before any parsing work
            stored = session.scalar(
                select(Contract)
                .join(Document, Document.id == Contract.document_id)
                .where(Contract.deal_id == deal.id, Document.file_sha256 == sha)
                .order_by(Contract.id.desc())
                .limit(1)
            )
            if stored is not None:
                return {**contract_view(stored, deal, _users(session, deal)), "duplicate": True}
        document, fields = extract_document(data, filename, self.extractor, self.limits, self.reader)
        now = self.clock.now()
        with self.sessions.begin() as session:
            deal = get_deal(session, principal, deal_id)
            requirements = current_requirements(session, deal)
            diffs = diff_contract(fields, requirements.values if requirements else None, document)
            doc = Document(
                org_id=deal.org_id,
                external_id=f"doc_{secrets.token_hex(8)}",
                deal_id=deal.id,
                kind="contract",
                at=now,
                text=document.text,
                filename=filename,
                source="scanned_pdf" if document.reading else "pdf",
                content_type="application/pdf",
                file_sha256=sha,
                reading=document.reading,
                created_at=now,
            )
            session.add(doc)
            session.flush()
            contract = Contract(
                org_id=deal.org_id,
                external_id=f"ct_{secrets.token_hex(8)}",
                deal_id=deal.id,
                document_id=doc.id,
                filename=filename,
                pages=document.page_count,
                engine=fields.engine,
                engine_version=fields.engine_version,
                fields=fields.normalised(),
                evidence=_evidence_json(fields),
                warnings=list(document.warnings),
                requirement_version=requirements.version if requirements else None,
                uploaded_by_id=principal.user_id,
                created_at=now,
            )
            contract.diffs = [
                ContractDiff(
                    org_id=deal.org_id,
                    field=d.field,
                    required=d.required,
                    contract_value=d.contract,
                    reason=d.reason,
                    severity=d.severity,
                    contract_evidence=[e.model_dump(mode="json") for e in d.contract_evidence],
                    requirement_evidence=d.requirement_evidence,
                    status="open",
                )
                for d in diffs
            ]
            session.add(contract)
            session.flush()
            return {**contract_view(contract, deal), "duplicate": False}

    def current(self, principal: Principal, deal_id: str) -> dict[str, Any]:
        """The deal's latest contract with its differences."""
        with self.sessions() as session:
            deal = get_deal(session, principal, deal_id)
            contract = latest_contract(session, deal)
            if contract is None:
                raise NotFound(
                    f"deal {deal_id!r} has no contract yet; upload one to POST /v1/deals/{deal_id}/contracts"
                )
            return contract_view(contract, deal, _users(session, deal))

    def acknowledge(
        self,
        principal: Principal,
        deal_id: str,
        field: str,
        decision: Decision,
        note: str | None,
    ) -> dict[str, Any]:
        """Record a supervisor's or the solution owner's acceptance or renegotiation of a difference."""
        with self.sessions.begin() as session:
            deal = get_deal(session, principal, deal_id)
            if not _may_acknowledge(principal, deal):
                raise Forbidden(
                    "only a supervisor, an admin or the deal's solution owner acknowledges differences"
                )
            contract = latest_contract(session, deal)
            if contract is None:
                raise NotFound(f"deal {deal_id!r} has no contract")
            diff = next((d for d in contract.diffs if d.field == field), None)
            if diff is None:
                raise NotFound(f"the contract has no difference on {field!r}")
            if diff.status != "open":
                raise InvalidInput(f"the difference on {field!r} was already acknowledged ({diff.status})")
            diff.status = decision
            diff.acknowledged_by_id = principal.user_id
            diff.acknowledged_role = principal.role.value
            now = self.clock.now()
            diff.acknowledged_at = now
            diff.note = note
            audit.record(
                session,
                deal.org_id,
                principal,
                "contract_diff.acknowledged",
                "deal",
                deal.external_id,
                now=now,
                detail={"contract_id": contract.external_id, "field": field, "decision": decision},
            )
            session.flush()
            return contract_view(contract, deal, _users(session, deal))


def _may_acknowledge(principal: Principal, deal: Deal) -> bool:
    if principal.role in (AccessRole.SUPERVISOR, AccessRole.ADMIN):
        return True
    if deal.solution_owner_id is not None:
        return principal.user_id == deal.solution_owner_id
    return principal.job_role == "solution"


def _users(session: Session, deal: Deal) -> dict[int, str]:
    return {u.id: u.external_id for u in session.scalars(select(User).where(User.org_id == deal.org_id))}
