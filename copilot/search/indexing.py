"""Search index work kept in the database, so that it survives the process that queued it.

`copilot import` stores the rows, compares what is searchable before and after, and queues the
records whose searchable form changed (`queue`); a background indexer (the service's, or
`copilot index run`) claims them a batch at a time (`claim`), indexes them and marks them done or
failed. Progress is counted from the same rows (`status`): pending, done and failed records of the
current run; when an organization has nothing pending any more its done rows are removed.
Every function takes the organization explicitly; no query crosses organizations except the
service-wide totals of `status(None)`, which name none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from copilot.search.docs import SearchDoc, activity_doc, document_doc, org_search_docs
from copilot.store.models import Activity, Customer, Deal, Document, SearchIndexPending, User

PENDING, DONE, FAILED = "pending", "done", "failed"
# Written with a follow-up in the same transaction while the service that stored it indexes it from
# memory (`finish_live` removes the row then). A live row outliving that service (a crash, a full
# in-memory queue) is turned back into pending work by `revive`, so nothing stored stays unsearchable.
LIVE = "live"
# indexed by the fast embedders only (searchable), waiting for the others (see SearchService.drain)
PARTIAL = "partial"
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class IndexStatus:
    """Search index work of one organization (or of all, service-wide)."""

    pending: int  # not yet fully indexed (including `partial`)
    indexed: int
    failed: int
    partial: int = 0  # of `pending`: already searchable by the fast embedders

    @property
    def searchable(self) -> int:
        return self.indexed + self.partial

    @property
    def total(self) -> int:
        return self.pending + self.indexed + self.failed

    @property
    def complete(self) -> bool:
        """Nothing left to index (failed records are reported, not waited for)."""
        return self.pending == 0

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "pending": self.pending,
            "searchable": self.searchable,
            "indexed": self.indexed,
            "failed": self.failed,
            "total": self.total,
            "complete": self.complete,
        }


Fingerprint = tuple[object, ...]


def fingerprints(session: Session, org_id: int) -> dict[str, Fingerprint]:
    """What the index holds for each searchable record of the org, to compare before and after."""
    return {
        d.record_id: (d.kind, d.text, d.customer_id, d.deal_id, d.rep_id, d.at)
        for d in org_search_docs(session, org_id)
    }


def changed(before: dict[str, Fingerprint], after: dict[str, Fingerprint]) -> list[str]:
    """Records added, changed or no longer searchable between two fingerprints."""
    gone = [rid for rid in before if rid not in after]
    return sorted(rid for rid, fp in after.items() if before.get(rid) != fp) + sorted(gone)


def queue(session: Session, org_id: int, record_ids: Iterable[str], now: datetime) -> int:
    """Mark records of the org for (re)indexing; a record already queued is queued once."""
    ids = sorted(set(record_ids))
    if not ids:
        return 0
    existing: set[str] = set()
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        existing.update(
            session.scalars(
                select(SearchIndexPending.record_id).where(
                    SearchIndexPending.org_id == org_id, SearchIndexPending.record_id.in_(part)
                )
            )
        )
        session.execute(
            update(SearchIndexPending)
            .where(SearchIndexPending.org_id == org_id, SearchIndexPending.record_id.in_(part))
            .values(state=PENDING, attempts=0, last_error=None, queued_at=now, done_at=None)
        )
    fresh = [
        {"org_id": org_id, "record_id": rid, "state": PENDING, "attempts": 0, "queued_at": now}
        for rid in ids
        if rid not in existing
    ]
    if fresh:
        session.execute(insert(SearchIndexPending), fresh)
    return len(ids)


def queue_live(session: Session, org_id: int, record_id: str, now: datetime, *, inline: bool) -> None:
    """Queue one freshly stored record: `live` when this process indexes it from memory (`inline`),
    else pending for the indexing process."""
    state = LIVE if inline else PENDING
    found = session.execute(
        update(SearchIndexPending)
        .where(SearchIndexPending.org_id == org_id, SearchIndexPending.record_id == record_id)
        .values(state=state, attempts=0, last_error=None, queued_at=now, done_at=None)
    )
    if not getattr(found, "rowcount", 0):
        session.add(
            SearchIndexPending(org_id=org_id, record_id=record_id, state=state, attempts=0, queued_at=now)
        )


def finish_live(session: Session, docs: Sequence[SearchDoc]) -> None:
    """The in-memory queue indexed these records: their live rows are done."""
    by_org: dict[int, list[str]] = {}
    for doc in docs:
        by_org.setdefault(doc.org_id, []).append(doc.record_id)
    for org_id, ids in by_org.items():
        session.execute(
            delete(SearchIndexPending).where(
                SearchIndexPending.org_id == org_id,
                SearchIndexPending.state == LIVE,
                SearchIndexPending.record_id.in_(ids),
            )
        )


def revive(session: Session, queued_before: datetime) -> int:
    """Live rows queued before `queued_before` become pending work (their process is gone, or its
    in-memory queue dropped them); returns how many."""
    result = session.execute(
        update(SearchIndexPending)
        .where(SearchIndexPending.state == LIVE, SearchIndexPending.queued_at < queued_before)
        .values(state=PENDING)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def last_queued(session: Session, org_id: int) -> int | None:
    """The newest queue row of the org (None: nothing queued): a rebuild covers up to it."""
    return session.scalar(select(func.max(SearchIndexPending.id)).where(SearchIndexPending.org_id == org_id))


def clear(session: Session, org_id: int, up_to: int) -> None:
    """Remove the org's queue rows up to `up_to`, which a rebuild of its index has covered."""
    session.execute(
        delete(SearchIndexPending).where(SearchIndexPending.org_id == org_id, SearchIndexPending.id <= up_to)
    )


def status(session: Session, org_id: int | None) -> IndexStatus:
    """Counts of the org's queued work (`None`: every organization's, added up)."""
    stmt = select(SearchIndexPending.state, func.count()).group_by(SearchIndexPending.state)
    if org_id is not None:
        stmt = stmt.where(SearchIndexPending.org_id == org_id)
    counts = {str(row[0]): int(row[1]) for row in session.execute(stmt)}
    waiting = counts.get(PENDING, 0) + counts.get(LIVE, 0) + counts.get(PARTIAL, 0)
    return IndexStatus(waiting, counts.get(DONE, 0), counts.get(FAILED, 0), counts.get(PARTIAL, 0))


def pending_count(session: Session, org_id: int) -> int:
    """The org's records still waiting (the cheap check a search makes)."""
    stmt = select(func.count()).where(
        SearchIndexPending.org_id == org_id, SearchIndexPending.state.in_((PENDING, LIVE, PARTIAL))
    )
    return int(session.scalar(stmt) or 0)


def claim(
    session: Session, limit: int, org_id: int | None = None, state: str = PENDING
) -> tuple[int, list[str]] | None:
    """Up to `limit` record ids in `state` (pending) of one organization (the one queued first, or
    `org_id`), oldest first; None when there is none."""
    first = select(SearchIndexPending.org_id).where(SearchIndexPending.state == state)
    if org_id is not None:
        first = first.where(SearchIndexPending.org_id == org_id)
    org = session.scalar(first.order_by(SearchIndexPending.id).limit(1))
    if org is None:
        return None
    ids = list(
        session.scalars(
            select(SearchIndexPending.record_id)
            .where(SearchIndexPending.org_id == org, SearchIndexPending.state == state)
            .order_by(SearchIndexPending.id)
            .limit(limit)
        )
    )
    return org, ids


def docs_for(session: Session, org_id: int, record_ids: Sequence[str]) -> list[SearchDoc]:
    """The searchable form of the given records of the org (records gone or without text are left
    out: their index entries are to be removed)."""
    ids = list(record_ids)
    if not ids:
        return []
    activities = list(
        session.scalars(
            select(Activity).where(Activity.org_id == org_id, Activity.external_id.in_(ids))
        ).unique()
    )
    documents = list(
        session.scalars(select(Document).where(Document.org_id == org_id, Document.external_id.in_(ids)))
    )
    deal_ids = {a.deal_id for a in activities if a.deal_id} | {d.deal_id for d in documents if d.deal_id}
    deals = {
        d.id: d for d in session.scalars(select(Deal).where(Deal.org_id == org_id, Deal.id.in_(deal_ids)))
    }
    customer_ids = {a.customer_id for a in activities} | {d.customer_id for d in deals.values()}
    customers = {
        c.id: c
        for c in session.scalars(
            select(Customer).where(Customer.org_id == org_id, Customer.id.in_(customer_ids))
        )
    }
    user_ids = {a.actor_id for a in activities if a.actor_id} | {
        c.owner_id for c in customers.values() if c.owner_id
    }
    users: dict[int, str] = {
        int(row[0]): str(row[1])
        for row in session.execute(
            select(User.id, User.external_id).where(User.org_id == org_id, User.id.in_(user_ids))
        )
    }
    docs = [
        activity_doc(a, customers[a.customer_id].external_id, deals.get(a.deal_id or -1), users)
        for a in activities
    ]
    docs.extend(document_doc(d, deals, customers, users) for d in documents)
    return [doc for doc in docs if doc.text.strip()]


def mark_done(session: Session, org_id: int, record_ids: Sequence[str], now: datetime) -> None:
    """Record indexed; when the org has nothing pending any more, its finished run is cleared."""
    session.execute(
        update(SearchIndexPending)
        .where(SearchIndexPending.org_id == org_id, SearchIndexPending.record_id.in_(list(record_ids)))
        .values(state=DONE, done_at=now, last_error=None)
    )
    if pending_count(session, org_id) == 0:
        session.execute(
            delete(SearchIndexPending).where(
                SearchIndexPending.org_id == org_id, SearchIndexPending.state == DONE
            )
        )


def mark_partial(session: Session, org_id: int, record_ids: Sequence[str]) -> None:
    """Indexed by the fast embedders (searchable); the others follow."""
    session.execute(
        update(SearchIndexPending)
        .where(SearchIndexPending.org_id == org_id, SearchIndexPending.record_id.in_(list(record_ids)))
        .values(state=PARTIAL, attempts=0, last_error=None)
    )


def mark_failed(session: Session, org_id: int, record_ids: Sequence[str], error: str) -> None:
    """One more failed attempt; after `MAX_ATTEMPTS` the records are left as failed."""
    ids = list(record_ids)
    session.execute(
        update(SearchIndexPending)
        .where(SearchIndexPending.org_id == org_id, SearchIndexPending.record_id.in_(ids))
        .values(attempts=SearchIndexPending.attempts + 1, last_error=error[:2000])
    )
    session.execute(
        update(SearchIndexPending)
        .where(
            SearchIndexPending.org_id == org_id,
            SearchIndexPending.record_id.in_(ids),
            SearchIndexPending.attempts >= MAX_ATTEMPTS,
        )
        .values(state=FAILED)
    )


def retry_failed(session: Session, org_id: int | None) -> int:
    """Put failed records back in the queue; returns how many."""
    stmt = update(SearchIndexPending).where(SearchIndexPending.state == FAILED)
    if org_id is not None:
        stmt = stmt.where(SearchIndexPending.org_id == org_id)
    result = session.execute(stmt.values(state=PENDING, attempts=0))
    return int(getattr(result, "rowcount", 0) or 0)
