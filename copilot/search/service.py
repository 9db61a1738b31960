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
from copilot.search import indexing
from copilot.search.docs import SearchDoc, org_search_docs
from copilot.search.indexing import IndexStatus
from copilot.store.models import Activity, Customer, Document

MAX_QUERY_CHARS = 500
# a drain that indexed at least this many records of an org ends by refreshing index-wide statistics
SETTLE_AFTER = 500


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

    def index_now(
        self, org_id: int, docs: Sequence[SearchDoc], removed: Sequence[str], phase: str = "all"
    ) -> int:
        """Index `docs` and drop the entries of `removed` record ids, before returning (the
        background indexer's step); returns the chunks stored. `phase`: `all`, or `first` (the
        fast embedders only: searchable at once) then `rest` (the others), see `two_phase`."""
        ...

    @property
    def two_phase(self) -> bool:
        """Whether queued records are indexed in two passes (`index_now(phase=...)`)."""
        ...

    def settle(self, org_id: int) -> None:
        """After a large batch of `index_now`: bring index-wide statistics up to date."""
        ...

    def queued(self, org_id: int) -> int:
        """Records of the organization submitted but not yet indexed (in memory)."""
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
            elif filters.customer_id is not None:
                known = session.scalar(
                    select(Customer.id).where(
                        Customer.org_id == principal.org_id, Customer.external_id == filters.customer_id
                    )
                )
                if known is None:  # the same answer whoever asks (another org's id included)
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
        ids = [h.record_id for h in hits]
        with self.sessions() as session:  # which hits are documents, which activities, which gone
            documents = set(
                session.scalars(
                    select(Document.external_id).where(
                        Document.org_id == principal.org_id, Document.external_id.in_(ids)
                    )
                )
            )
            activities = set(
                session.scalars(
                    select(Activity.external_id).where(
                        Activity.org_id == principal.org_id, Activity.external_id.in_(ids)
                    )
                )
            )
        results = []
        for h in hits:
            if h.record_id not in documents and h.record_id not in activities:
                continue  # erased or deleted since it was indexed; its index entry goes with the queue

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
        """Rebuild an organization's index from the database; the org's queued index work, which
        the rebuild covers, is cleared."""
        with self.sessions() as session:
            queued = indexing.last_queued(session, org_id)
            docs = org_search_docs(session, org_id)
        stored = self.backend.reindex(org_id, docs, progress)
        if queued is not None:
            with self.sessions.begin() as session:
                indexing.clear(session, org_id, up_to=queued)
        return stored

    # ---- background indexing of queued records (copilot/search/indexing.py) ----------------

    def index_status(self, org_id: int | None) -> IndexStatus:
        """The org's queued index work (`None`: all organizations', added up, naming none),
        including records submitted to the in-memory queue of this process."""
        with self.sessions() as session:
            found = indexing.status(session, org_id)
        live = self.backend.queued(org_id if org_id is not None else -1)
        return indexing.IndexStatus(found.pending + live, found.indexed, found.failed, found.partial)

    def index_complete(self, org_id: int) -> IndexStatus | None:
        """None when nothing of the org waits to be indexed (one cheap count), else its status."""
        with self.sessions() as session:
            waiting = indexing.pending_count(session, org_id)
        if waiting == 0 and self.backend.queued(org_id) == 0:
            return None
        return self.index_status(org_id)

    def finish_live(self, docs: Sequence[SearchDoc]) -> None:
        """Records the in-memory queue has indexed: their live queue rows are removed."""
        with self.sessions.begin() as session:
            indexing.finish_live(session, docs)

    def revive(self, queued_before: datetime) -> int:
        """Live queue rows older than `queued_before` become pending (see `indexing.revive`)."""
        with self.sessions.begin() as session:
            return indexing.revive(session, queued_before)

    def drain(
        self,
        batch_size: int = 256,
        org_id: int | None = None,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> int:
        """Index queued records a batch at a time until none is pending (or `should_stop()`);
        returns the records processed. `progress(done, total)` after each batch, for the org being
        drained. A batch that fails is retried on the next pass, and left failed after
        `indexing.MAX_ATTEMPTS` attempts."""
        now = clock or (lambda: datetime.now(UTC))
        done = 0
        bulk: dict[int, int] = {}
        # With two passes, every pending record is first made searchable by the fast embedders
        # (state `partial`), and only when none is pending do the slow ones follow.
        two_phase = self.backend.two_phase
        while should_stop is None or not should_stop():
            with self.sessions.begin() as session:
                phase = "first" if two_phase else "all"
                claimed = indexing.claim(session, batch_size, org_id)
                if claimed is None and two_phase:
                    phase = "rest"
                    claimed = indexing.claim(session, batch_size, org_id, state=indexing.PARTIAL)
                if claimed is None:
                    break
                org, ids = claimed
                docs = indexing.docs_for(session, org, ids)
            removed = sorted(set(ids) - {d.record_id for d in docs})
            try:
                self.backend.index_now(org, docs, removed, phase=phase)
            # the embedders and the store raise many unrelated types; the record is marked and the
            # drain goes on with the next batch, never stuck on one
            except Exception as exc:
                with self.sessions.begin() as session:
                    indexing.mark_failed(session, org, ids, repr(exc))
                continue
            with self.sessions.begin() as session:
                if phase == "first":
                    indexing.mark_partial(session, org, ids)
                    continue
                indexing.mark_done(session, org, ids, now())
                state = indexing.status(session, org)
            done += len(ids)
            bulk[org] = bulk.get(org, 0) + len(ids)
            if progress:
                progress(state.indexed, state.total)
            if state.complete and bulk.get(org, 0) >= SETTLE_AFTER:
                self.backend.settle(org)
                bulk.pop(org)
        return done


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
