"""Semantic search over a team's notes, chats and documents, always within the caller's scope.

The search backend (embedders, vector store) lives outside the domain package and is passed in;
this module decides what is indexed and who may see which results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import Principal, scope_customers
from copilot.errors import InvalidInput, NotFound
from copilot.store.models import Activity, Customer, Deal, Document, User

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class SearchDoc:
    """One searchable record: an activity (follow-up, call, visit...) or a document."""

    org_id: int
    record_id: str
    kind: str
    text: str
    customer_id: str | None
    deal_id: str | None
    rep_id: str | None
    at: datetime


@dataclass(frozen=True)
class SearchFilter:
    """Optional narrowing of a search; the organization is NOT here: it is a required argument."""

    customer_id: str | None = None
    deal_id: str | None = None
    rep_id: str | None = None
    kinds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    # only these records: set by SearchService for a time window holding few records (looked up
    # in the database), whose chunks the store then fetches and scores exactly
    record_ids: frozenset[str] | None = None

    def matches(self, meta: dict[str, object]) -> bool:
        """Whether a stored chunk's metadata passes every filter (used where the store's own
        filtering is not)."""
        if self.record_ids is not None and meta.get("record_id") not in self.record_ids:
            return False
        for key in ("customer_id", "deal_id", "rep_id"):
            want = getattr(self, key)
            if want is not None and meta.get(key) != want:
                return False
        if self.kinds and meta.get("kind") not in self.kinds:
            return False
        at = meta.get("at")
        if not isinstance(at, int):
            return self.since is None and self.until is None
        if self.since is not None and at < int(self.since.timestamp()):
            return False
        return not (self.until is not None and at > int(self.until.timestamp()))


# a time window holding at most this many records is searched by their ids (exact and fast)
# rather than by a nearest-first scan that must find enough of them among the whole index
NARROW_WINDOW_RECORDS = 1000


@dataclass(frozen=True)
class BackendHit:
    record_id: str
    score: float
    text: str
    meta: dict[str, object] = field(default_factory=dict)


Progress = Callable[[int, int], None]


class SearchBackend(Protocol):
    """Indexes and searches SearchDocs; implementations keep each organization's index apart."""

    def submit(self, docs: Sequence[SearchDoc]) -> None:
        """Index in the background; returns at once."""
        ...

    def search(self, org_id: int, query: str, filters: SearchFilter, limit: int) -> list[BackendHit]:
        """The organization's records best answering `query`."""
        ...

    def reindex(self, org_id: int, docs: Sequence[SearchDoc], progress: Progress | None = None) -> int:
        """Rebuild the organization's index from `docs`; returns the chunks stored."""
        ...


@dataclass(frozen=True)
class SearchResult:
    record_id: str
    record_type: str  # activity or document
    kind: str
    customer_id: str | None
    deal_id: str | None
    rep_id: str | None
    at: datetime | None
    score: float
    text: str


def org_search_docs(session: Session, org_id: int) -> list[SearchDoc]:
    """Every activity and document of the organization, as search records."""
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.org_id == org_id))}
    users = {u.id: u.external_id for u in session.scalars(select(User).where(User.org_id == org_id))}
    deals = {d.id: d for d in session.scalars(select(Deal).where(Deal.org_id == org_id))}
    docs = [
        activity_doc(a, customers[a.customer_id].external_id, deals.get(a.deal_id or -1), users)
        for a in session.scalars(select(Activity).where(Activity.org_id == org_id)).unique()
    ]
    for d in session.scalars(select(Document).where(Document.org_id == org_id)):
        deal = deals.get(d.deal_id or -1)
        customer = customers.get(deal.customer_id) if deal else None
        docs.append(
            SearchDoc(
                org_id=org_id,
                record_id=d.external_id,
                kind=f"document:{d.kind}",
                text=d.text,
                customer_id=customer.external_id if customer else None,
                deal_id=deal.external_id if deal else None,
                rep_id=users.get(customer.owner_id or -1) if customer else None,
                at=d.at,
            )
        )
    return [doc for doc in docs if doc.text.strip()]


def activity_doc(activity: Activity, customer_id: str, deal: Deal | None, users: dict[int, str]) -> SearchDoc:
    return SearchDoc(
        org_id=activity.org_id,
        record_id=activity.external_id,
        kind=activity.kind,
        text=activity.text,
        customer_id=customer_id,
        deal_id=deal.external_id if deal else None,
        rep_id=users.get(activity.actor_id or -1),
        at=activity.at,
    )


def _records_in_window(
    session: Session, org_id: int, since: datetime | None, until: datetime | None
) -> frozenset[str] | None:
    """The ids of the org's activities and documents in the window, or None when there are more
    than `NARROW_WINDOW_RECORDS` (a broad window is filtered inside the search instead)."""
    ids: list[str] = []
    for model in (Activity, Document):
        stmt = select(model.external_id).where(model.org_id == org_id)
        if since is not None:
            stmt = stmt.where(model.at >= since)
        if until is not None:
            stmt = stmt.where(model.at <= until)
        ids.extend(session.scalars(stmt.limit(NARROW_WINDOW_RECORDS + 1 - len(ids))))
        if len(ids) > NARROW_WINDOW_RECORDS:
            return None
    return frozenset(ids)


class SearchService:
    def __init__(self, sessions: sessionmaker[Session], backend: SearchBackend, tz: tzinfo = UTC) -> None:
        self.sessions = sessions
        self.backend = backend
        self.tz = tz  # the team's time zone: what a `since`/`until` without an offset means

    def search(
        self, principal: Principal, query: str, filters: SearchFilter, limit: int = 10
    ) -> list[SearchResult]:
        """Records answering `query` that the principal may see, best first."""
        query = query.strip()
        if not query:
            raise InvalidInput("the search query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(f"the search query is longer than {MAX_QUERY_CHARS} characters")
        since, until = (
            None if t is None else t if t.tzinfo is not None else t.replace(tzinfo=self.tz)
            for t in (filters.since, filters.until)
        )
        if since is not None and until is not None and since > until:
            raise InvalidInput(f"since ({since.isoformat()}) is after until ({until.isoformat()})")
        filters = replace(filters, since=since, until=until)
        with self.sessions() as session:
            visible: set[str] | None = None
            if not principal.sees_everything:
                stmt = scope_customers(select(Customer.external_id), principal)
                visible = set(session.scalars(stmt))
                if filters.customer_id is not None and filters.customer_id not in visible:
                    raise NotFound(f"no customer {filters.customer_id!r}")
            if (since is not None or until is not None) and filters.customer_id is None:
                in_window = _records_in_window(session, principal.org_id, since, until)
                if in_window is not None:
                    if not in_window:
                        return []
                    filters = replace(filters, record_ids=in_window)
        # over-fetch when results must be narrowed to the caller's customers afterwards
        fetch = limit if visible is None else limit * 5
        hits = [
            h
            for h in self.backend.search(principal.org_id, query, filters, fetch)
            if visible is None or h.meta.get("customer_id") in visible
        ][:limit]
        with self.sessions() as session:  # which of the hits are documents (the rest are activities)
            documents = set(
                session.scalars(
                    select(Document.external_id).where(
                        Document.org_id == principal.org_id,
                        Document.external_id.in_([h.record_id for h in hits]),
                    )
                )
            )
        results = []
        for h in hits:
            customer = h.meta.get("customer_id")
            at = h.meta.get("at")
            results.append(
                SearchResult(
                    record_id=h.record_id,
                    record_type="document" if h.record_id in documents else "activity",
                    kind=str(h.meta.get("kind", "")),
                    customer_id=customer if isinstance(customer, str) else None,
                    deal_id=_str(h.meta.get("deal_id")),
                    rep_id=_str(h.meta.get("rep_id")),
                    at=datetime.fromtimestamp(at, tz=UTC) if isinstance(at, int) else None,
                    score=round(h.score, 6),
                    text=h.text,
                )
            )
        return results

    def reindex(self, org_id: int, progress: Progress | None = None) -> int:
        """Rebuild an organization's index from the database."""
        with self.sessions() as session:
            docs = org_search_docs(session, org_id)
        return self.backend.reindex(org_id, docs, progress)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
