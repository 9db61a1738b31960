"""An organization's whole pipeline in memory: the read model behind risks, scores and questions.

Loaded once per organization and data version (`copilot.store.versioning`), then shared: a risk
scan or a question over 10,000 deals and 300,000 activities touches arrays, not the database.
Everything is kept with its history, so any question can be answered as of an earlier time:
a deal's stage as of a time is its last stage entry at or before it, and an activity or document
exists from its own time on.
"""

from __future__ import annotations

import gc
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from copilot.domain import Stage, lost_reason_category
from copilot.letters.elements import read_letter
from copilot.store.models import (
    Activity,
    Contact,
    Contract,
    ContractDiff,
    Customer,
    Deal,
    Document,
    RequirementConfirmation,
    StageChange,
    User,
)
from copilot.store.versioning import data_version

ACTOR_ROLES: tuple[str, ...] = ("sales", "solution", "legal", "delivery", "finance", "manager")
ACTIVITY_KINDS: tuple[str, ...] = ("call", "visit", "chat", "email", "meeting", "note", "quote", "document")


def to_epoch(at: datetime) -> int:
    return int(at.timestamp())


def from_epoch(seconds: int | float) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC)


@dataclass(frozen=True)
class UserRow:
    id: int
    ext: str
    name: str
    team: str | None
    role: str


@dataclass(frozen=True)
class ContactRow:
    name: str
    title: str | None
    role: str | None


@dataclass
class CustomerRow:
    idx: int
    id: int
    ext: str
    name: str
    industry: str | None
    relationship_years: float | None
    owner_id: int | None
    source_channel: str | None
    first_contact_at: datetime | None
    contacts: list[ContactRow] = field(default_factory=list)
    deals: list[int] = field(default_factory=list)  # deal indexes
    has_decision_maker: bool = False  # set once the contacts are loaded


@dataclass
class DealRow:
    idx: int
    id: int
    ext: str
    customer: int  # customer index
    name: str
    amount: float | None
    budget: float | None
    stage: Stage
    expected_close: date | None
    lost_reason: str | None
    created_at: datetime
    history: list[tuple[Stage, datetime]] = field(default_factory=list)  # oldest first
    _times: list[datetime] = field(default_factory=list)
    # the last lookup, as one tuple (assigned atomically): a request asks about one as_of many times
    _memo: tuple[datetime | None, int] = (None, -1)

    def _entry(self, as_of: datetime) -> int:
        """Index of the last history entry at or before `as_of` (-1: the deal does not exist yet)."""
        memo = self._memo
        if memo[0] is as_of:
            return memo[1]
        times = self._times
        index = len(times) - 1 if times and as_of >= times[-1] else bisect_right(times, as_of) - 1
        self._memo = (as_of, index)
        return index

    def exists(self, as_of: datetime) -> bool:
        return self._entry(as_of) >= 0

    def changes_after(self, at: datetime) -> bool:
        """Whether the deal's stage history has an entry after `at` (else its stage is settled)."""
        return bool(self._times) and self._times[-1] > at

    def stage_at(self, as_of: datetime) -> Stage | None:
        i = self._entry(as_of)
        return self.history[i][0] if i >= 0 else None

    def entered_at(self, as_of: datetime) -> datetime | None:
        """When the deal entered the stage it is in as of `as_of`."""
        i = self._entry(as_of)
        return self.history[i][1] if i >= 0 else None

    def opened_at(self) -> datetime:
        return self.history[0][1] if self.history else self.created_at

    def entries(self, stage: Stage, as_of: datetime) -> list[datetime]:
        """Every time the deal entered `stage`, up to `as_of`."""
        return [at for s, at in self.history[: self._entry(as_of) + 1] if s is stage]

    def furthest_rank(self, as_of: datetime) -> int:
        """How far along the funnel the deal got by `as_of` (won counts as past negotiation; a lost
        deal keeps the furthest open stage it reached)."""
        ranks = [
            4 if s is Stage.WON else s.rank
            for s, _ in self.history[: self._entry(as_of) + 1]
            if s is not Stage.LOST
        ]
        return max(ranks, default=-1)


@dataclass(frozen=True)
class LetterRow:
    ext: str
    deal: int
    at: datetime
    complete: bool
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ConfirmationRow:
    id: int
    deal: int
    requested_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class DiffRow:
    deal: int
    contract_ext: str
    field: str
    reason: str
    since: datetime
    status: str
    acknowledged_at: datetime | None

    def open_at(self, as_of: datetime) -> bool:
        if self.since > as_of:
            return False
        return self.status == "open" or (self.acknowledged_at is not None and self.acknowledged_at > as_of)


@dataclass
class Activities:
    """Every activity as parallel arrays, sorted by time (epoch seconds)."""

    at: np.ndarray  # int64
    customer: np.ndarray  # int32 customer index
    deal: np.ndarray  # int32 deal index, -1 when none
    actor: np.ndarray  # int64 user id, -1 when none
    role: np.ndarray  # int8 index into ACTOR_ROLES, -1 when none
    kind: np.ndarray  # int8 index into ACTIVITY_KINDS, -1 when other
    ext: list[str]

    def __len__(self) -> int:
        return len(self.ext)

    def span(self, start: datetime | None, end: datetime) -> slice:
        """The activities with start <= at <= end (start None: from the first)."""
        lo = 0 if start is None else int(np.searchsorted(self.at, to_epoch(start), side="left"))
        hi = int(np.searchsorted(self.at, to_epoch(end), side="right"))
        return slice(lo, hi)


@dataclass
class PipelineSnapshot:
    org_id: int
    version: int
    users: dict[int, UserRow]
    customers: list[CustomerRow]
    deals: list[DealRow]
    letters: list[LetterRow]
    confirmations: list[ConfirmationRow]
    diffs: list[DiffRow]
    activities: Activities
    customer_by_ext: dict[str, int] = field(default_factory=dict)
    deal_by_ext: dict[str, int] = field(default_factory=dict)
    user_by_ext: dict[str, int] = field(default_factory=dict)
    letters_by_deal: dict[int, list[LetterRow]] = field(default_factory=dict)
    deals_by_owner: dict[int | None, list[int]] = field(default_factory=dict)
    _last_index: np.ndarray | None = None  # each customer's latest activity, all time
    _last_memo: tuple[datetime, np.ndarray] | None = None
    _open_memo: tuple[datetime, list[tuple[int, Stage]]] | None = None
    _exist_memo: tuple[datetime, list[int]] | None = None
    _lost: list[str] | None = None

    def __post_init__(self) -> None:
        self.customer_by_ext = {c.ext: c.idx for c in self.customers}
        self.deal_by_ext = {d.ext: d.idx for d in self.deals}
        self.user_by_ext = {u.ext: u.id for u in self.users.values()}
        for deal in self.deals:
            self.deals_by_owner.setdefault(self.customers[deal.customer].owner_id, []).append(deal.idx)
        for letter in self.letters:
            self.letters_by_deal.setdefault(letter.deal, []).append(letter)
        self._last_index = _last_index(self.activities, len(self.customers), len(self.activities))

    # -- who --------------------------------------------------------------------------------

    def owner(self, customer: int) -> UserRow | None:
        owner_id = self.customers[customer].owner_id
        return self.users.get(owner_id) if owner_id is not None else None

    def reps(self) -> list[UserRow]:
        """The sales reps (job role rep), in id order."""
        return sorted((u for u in self.users.values() if u.role == "rep"), key=lambda u: u.id)

    # -- as of a time -----------------------------------------------------------------------

    def last_index(self, as_of: datetime) -> np.ndarray:
        """Each customer's latest activity at or before `as_of`, as an index into `activities`
        (-1 for none). Activities are in time order, so the highest index is the latest."""
        acts = self.activities
        assert self._last_index is not None
        if not len(acts) or to_epoch(as_of) >= int(acts.at[-1]):
            return self._last_index
        return _last_index(acts, len(self.customers), acts.span(None, as_of).stop)

    def last_activity(self, as_of: datetime) -> np.ndarray:
        """Each customer's latest activity time at or before `as_of` (epoch seconds; -1 for none)."""
        memo = self._last_memo
        if memo is not None and memo[0] == as_of:
            return memo[1]
        index = self.last_index(as_of)
        last = (
            np.where(index >= 0, self.activities.at[np.maximum(index, 0)], -1)
            if len(self.activities)
            else index
        )
        self._last_memo = (as_of, last)
        return last

    @property
    def lost_categories(self) -> list[str]:
        """The organization's lost-reason categories ("竞品", "预算冻结"), from its lost deals."""
        if self._lost is None:
            self._lost = sorted({lost_reason_category(d.lost_reason) for d in self.deals if d.lost_reason})
        return self._lost

    def existing_deals(self, as_of: datetime) -> list[int]:
        """Every deal that exists as of `as_of` (its first stage entry is at or before it)."""
        memo = self._exist_memo
        if memo is not None and memo[0] == as_of:
            return memo[1]
        found = [d.idx for d in self.deals if d.exists(as_of)]
        self._exist_memo = (as_of, found)
        return found

    def open_deals(self, as_of: datetime) -> list[tuple[int, Stage]]:
        """Every deal open as of `as_of`, with its stage then (computed once per as_of)."""
        memo = self._open_memo
        if memo is not None and memo[0] == as_of:
            return memo[1]
        found = [(d.idx, s) for d in self.deals if (s := d.stage_at(as_of)) is not None and s.is_open]
        self._open_memo = (as_of, found)
        return found

    def complete_letter(self, deal: int, as_of: datetime) -> LetterRow | None:
        """The deal's first complete confirmation letter dated at or before `as_of`."""
        return next((x for x in self.letters_by_deal.get(deal, []) if x.complete and x.at <= as_of), None)


def _last_index(acts: Activities, customers: int, end: int) -> np.ndarray:
    last = np.full(customers, -1, dtype=np.int64)
    if end:
        np.maximum.at(last, acts.customer[:end], np.arange(end, dtype=np.int64))
    return last


def _epoch(column: Any, dialect: str) -> ColumnElement[int]:
    """A UTC timestamp column as epoch seconds, computed by the database (far cheaper than
    building 300,000 datetimes in Python)."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.extract("epoch", column), Integer)


def _by_org(model: type, org_id: int) -> ColumnElement[bool]:
    return model.org_id == org_id  # type: ignore[attr-defined, no-any-return]


def load_snapshot(
    session: Session,
    org_id: int,
    *,
    letter_cache: dict[tuple[int, int], tuple[bool, tuple[str, ...]]] | None = None,
) -> PipelineSnapshot:
    """Read the organization's pipeline into memory (one query per table)."""
    # The tables are read one statement after another while the service writes, so a row may name a
    # parent written after the parent's table was read; such rows are left out. The version is read
    # first: anything left out belongs to a later version, which the next request loads.
    version = data_version(session, org_id)
    dialect = session.get_bind().dialect.name
    users = {
        row.id: UserRow(row.id, row.external_id, row.name, row.team, row.role)
        for row in session.execute(
            select(User.id, User.external_id, User.name, User.team, User.role).where(_by_org(User, org_id))
        )
    }
    customers: list[CustomerRow] = []
    by_id: dict[int, int] = {}
    for row in session.execute(
        select(
            Customer.id,
            Customer.external_id,
            Customer.name,
            Customer.industry,
            Customer.relationship_years,
            Customer.owner_id,
            Customer.source_channel,
            Customer.first_contact_at,
        )
        .where(_by_org(Customer, org_id))
        .order_by(Customer.id)
    ):
        by_id[row.id] = len(customers)
        customers.append(
            CustomerRow(
                len(customers),
                row.id,
                row.external_id,
                row.name,
                row.industry,
                row.relationship_years,
                row.owner_id,
                row.source_channel,
                row.first_contact_at,
            )
        )
    for ct in session.execute(
        select(Contact.customer_id, Contact.name, Contact.title, Contact.role)
        .where(_by_org(Contact, org_id))
        .order_by(Contact.id)
    ):
        if ct.customer_id not in by_id:  # written after the customers were read (see above)
            continue
        holder = customers[by_id[ct.customer_id]]
        holder.contacts.append(ContactRow(ct.name, ct.title, ct.role))
        holder.has_decision_maker = holder.has_decision_maker or ct.role == "decision_maker"
    deals: list[DealRow] = []
    deal_by_id: dict[int, int] = {}
    for dl in session.execute(
        select(
            Deal.id,
            Deal.external_id,
            Deal.customer_id,
            Deal.name,
            Deal.amount,
            Deal.budget,
            Deal.stage,
            Deal.expected_close,
            Deal.lost_reason,
            Deal.created_at,
        )
        .where(_by_org(Deal, org_id))
        .order_by(Deal.id)
    ):
        if dl.customer_id not in by_id:
            continue
        deal_by_id[dl.id] = len(deals)
        customer = by_id[dl.customer_id]
        customers[customer].deals.append(len(deals))
        deals.append(
            DealRow(
                len(deals),
                dl.id,
                dl.external_id,
                customer,
                dl.name,
                dl.amount,
                dl.budget,
                Stage(dl.stage),
                dl.expected_close,
                dl.lost_reason,
                dl.created_at,
            )
        )
    for h in session.execute(
        select(StageChange.deal_id, StageChange.stage, StageChange.at)
        .where(_by_org(StageChange, org_id))
        .order_by(StageChange.deal_id, StageChange.at, StageChange.id)
    ):
        if h.deal_id not in deal_by_id:
            continue
        deal = deals[deal_by_id[h.deal_id]]
        deal.history.append((Stage(h.stage), h.at))
        deal._times.append(h.at)
    cache = letter_cache if letter_cache is not None else {}
    letters: list[LetterRow] = []
    for doc in session.execute(
        select(Document.id, Document.external_id, Document.deal_id, Document.at, Document.text)
        .where(
            _by_org(Document, org_id), Document.kind == "confirmation_letter", Document.deal_id.is_not(None)
        )
        .order_by(Document.at, Document.id)
    ):
        if doc.deal_id not in deal_by_id:
            continue
        key = (doc.id, hash(doc.text))
        if key not in cache:
            reading = read_letter(doc.text)
            cache[key] = (reading.complete, tuple(reading.missing))
        complete, missing = cache[key]
        letters.append(LetterRow(doc.external_id, deal_by_id[doc.deal_id], doc.at, complete, missing))
    confirmations = [
        ConfirmationRow(cf.id, deal_by_id[cf.deal_id], cf.requested_at, cf.answered_at)
        for cf in session.execute(
            select(
                RequirementConfirmation.id,
                RequirementConfirmation.deal_id,
                RequirementConfirmation.requested_at,
                RequirementConfirmation.answered_at,
            ).where(_by_org(RequirementConfirmation, org_id))
        )
        if cf.deal_id in deal_by_id
    ]
    diffs = _latest_contract_diffs(session, org_id, deal_by_id)
    activities = _load_activities(session, org_id, dialect, by_id, deal_by_id)
    return PipelineSnapshot(
        org_id, version, users, customers, deals, letters, confirmations, diffs, activities
    )


def _latest_contract_diffs(session: Session, org_id: int, deal_by_id: dict[int, int]) -> list[DiffRow]:
    latest: dict[int, int] = {}
    for cid, deal_id in session.execute(
        select(Contract.id, Contract.deal_id).where(_by_org(Contract, org_id)).order_by(Contract.id)
    ):
        latest[deal_id] = cid
    if not latest:
        return []
    rows = session.execute(
        select(
            Contract.deal_id,
            Contract.external_id,
            Contract.created_at,
            ContractDiff.field,
            ContractDiff.reason,
            ContractDiff.status,
            ContractDiff.acknowledged_at,
        )
        .join(Contract, Contract.id == ContractDiff.contract_id)
        .where(ContractDiff.contract_id.in_(list(latest.values())))
        .order_by(ContractDiff.id)
    )
    return [
        DiffRow(
            deal_by_id[r.deal_id], r.external_id, r.field, r.reason, r.created_at, r.status, r.acknowledged_at
        )
        for r in rows
        if r.deal_id in deal_by_id
    ]


def _codes(values: Iterable[str | None], names: tuple[str, ...]) -> np.ndarray:
    index = {name: i for i, name in enumerate(names)}
    return np.fromiter((index.get(v or "", -1) for v in values), dtype=np.int8)


def _load_activities(
    session: Session, org_id: int, dialect: str, by_id: dict[int, int], deal_by_id: dict[int, int]
) -> Activities:
    rows = session.execute(
        select(
            _epoch(Activity.at, dialect),
            Activity.customer_id,
            Activity.deal_id,
            Activity.actor_id,
            Activity.actor_role,
            Activity.kind,
            Activity.external_id,
        )
        .where(_by_org(Activity, org_id))
        .order_by(Activity.at, Activity.id)
    ).all()
    rows = [r for r in rows if r[1] in by_id]
    n = len(rows)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return Activities(
            empty,
            empty.astype(np.int32),
            empty.astype(np.int32),
            empty,
            empty.astype(np.int8),
            empty.astype(np.int8),
            [],
        )
    at, customer_id, deal_id, actor_id, role, kind, ext = zip(*rows, strict=True)
    return Activities(
        at=np.fromiter(at, dtype=np.int64, count=n),
        customer=np.fromiter((by_id[c] for c in customer_id), dtype=np.int32, count=n),
        deal=np.fromiter(
            (deal_by_id.get(d, -1) if d is not None else -1 for d in deal_id), dtype=np.int32, count=n
        ),
        actor=np.fromiter((a if a is not None else -1 for a in actor_id), dtype=np.int64, count=n),
        role=_codes(role, ACTOR_ROLES),
        kind=_codes(kind, ACTIVITY_KINDS),
        ext=list(ext),
    )


class SnapshotCache:
    """One snapshot per organization, rebuilt when its data version moves on."""

    def __init__(self) -> None:
        self._snapshots: dict[int, PipelineSnapshot] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()
        self._letters: dict[tuple[int, int], tuple[bool, tuple[str, ...]]] = {}

    def get(self, session: Session, org_id: int) -> PipelineSnapshot:
        """The organization's current snapshot (loaded at most once per version, even under load)."""
        version = data_version(session, org_id)
        current = self._snapshots.get(org_id)
        if current is not None and current.version == version:
            return current
        with self._guard:
            lock = self._locks.setdefault(org_id, threading.Lock())
        with lock:
            current = self._snapshots.get(org_id)
            if current is not None and current.version == data_version(session, org_id):
                return current
            snapshot = load_snapshot(session, org_id, letter_cache=self._letters)
            self._snapshots[org_id] = snapshot
            # Hundreds of thousands of long-lived objects: leave them out of the cyclic garbage
            # collector's full passes, which otherwise add 100+ ms pauses to requests at random.
            gc.collect()
            gc.freeze()
            return snapshot
