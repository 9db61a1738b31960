"""Kick-off preparation (项目启动准备) after a deal is won.

Within `PREPARE_WITHIN` (7 days) of the deal's `won` stage entry, its owner records the
participant list, the agreed goals and the first deliverables. A deal can be won by any path
(an import, a follow-up, a stage PATCH), so rather than hooking each one, `sync_kickoffs` creates
the missing rows: the collaboration reads call it, and the daily job can too. The preparation is
complete when all three parts are filled; complete at or before `due_at` is on time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copilot.collab import clean_text, iso, person
from copilot.errors import InvalidInput
from copilot.store.models import Customer, Deal, Kickoff, StageChange, User

PREPARE_WITHIN = timedelta(days=7)
PARTS: tuple[str, ...] = ("participants", "goals", "deliverables")
MAX_PARTICIPANTS = 100


def sync_kickoffs(
    session: Session, org_id: int, now: datetime, *, customer_ids: Collection[int] | None = None
) -> list[Kickoff]:
    """Create the kick-off row of every won deal that has none (optionally only these customers'):
    won_at is its latest `won` stage entry, due 7 days later, owned by the customer's owner.
    Returns the rows created; the caller commits."""
    won = (
        select(StageChange.deal_id, func.max(StageChange.at).label("won_at"))
        .where(StageChange.org_id == org_id, StageChange.stage == "won")
        .group_by(StageChange.deal_id)
        .subquery()
    )
    stmt = (
        select(Deal.id, Deal.customer_id, Customer.owner_id, won.c.won_at, Deal.stage_entered_at)
        .join(Customer, Customer.id == Deal.customer_id)
        .outerjoin(won, won.c.deal_id == Deal.id)
        .where(
            Deal.org_id == org_id,
            Deal.stage == "won",
            ~exists().where(Kickoff.org_id == org_id, Kickoff.deal_id == Deal.id),
        )
        .order_by(Deal.id)
    )
    if customer_ids is not None:
        stmt = stmt.where(Deal.customer_id.in_(list(customer_ids)))
    missing = session.execute(stmt).all()

    def row(
        deal_id: int,
        customer_id: int,
        owner_id: int | None,
        won_at: datetime | None,
        entered: datetime | None,
    ) -> Kickoff:
        at = won_at or entered or now
        return Kickoff(
            org_id=org_id,
            deal_id=deal_id,
            customer_id=customer_id,
            owner_id=owner_id,
            won_at=at,
            due_at=at + PREPARE_WITHIN,
            participants=[],
            goals=None,
            deliverables=None,
            completed_at=None,
            created_at=now,
        )

    if not missing:
        return []
    created = [row(*m) for m in missing]
    try:
        with session.begin_nested():
            session.add_all(created)
        return created
    except IntegrityError:  # a concurrent request created some of them first: keep the others
        kept = []
        for m in missing:
            one = row(*m)
            try:
                with session.begin_nested():
                    session.add(one)
                kept.append(one)
            except IntegrityError:
                continue
        return kept


def missing_parts(kickoff: Kickoff) -> list[str]:
    out = []
    if not kickoff.participants:
        out.append("participants")
    if not kickoff.goals:
        out.append("goals")
    if not kickoff.deliverables:
        out.append("deliverables")
    return out


def status_of(kickoff: Kickoff, now: datetime) -> str:
    """completed, pending (not complete, not yet due) or overdue (not complete past due)."""
    if kickoff.completed_at is not None:
        return "completed"
    return "overdue" if now > kickoff.due_at else "pending"


def on_time(kickoff: Kickoff) -> bool | None:
    """Completed at or before the deadline; None while not complete."""
    if kickoff.completed_at is None:
        return None
    return kickoff.completed_at <= kickoff.due_at


def update_kickoff(
    kickoff: Kickoff,
    *,
    now: datetime,
    participants: Sequence[str] | None = None,
    goals: str | None = None,
    deliverables: str | None = None,
) -> Kickoff:
    """Fill any of the three parts; the first time all three are filled is the completion time."""
    if participants is None and goals is None and deliverables is None:
        raise InvalidInput("give at least one of participants, goals, deliverables")
    if participants is not None:
        names = [clean_text(p, "a participant", max_chars=200) for p in participants]
        if not names:
            raise InvalidInput("participants is empty; list who takes part in the kick-off")
        if len(names) > MAX_PARTICIPANTS:
            raise InvalidInput(f"{len(names)} participants; the limit is {MAX_PARTICIPANTS}")
        kickoff.participants = list(dict.fromkeys(names))
    if goals is not None:
        kickoff.goals = clean_text(goals, "the goals")
    if deliverables is not None:
        kickoff.deliverables = clean_text(deliverables, "the first deliverables")
    if kickoff.completed_at is None and not missing_parts(kickoff):
        kickoff.completed_at = now
    return kickoff


def kickoff_view(
    kickoff: Kickoff,
    *,
    now: datetime,
    users: dict[int, User],
    customer_ext: str,
    deal_ext: str,
    deal_name: str,
) -> dict[str, Any]:
    state = status_of(kickoff, now)
    return {
        "deal_id": deal_ext,
        "deal": deal_name,
        "customer_id": customer_ext,
        "owner": person(users, kickoff.owner_id),
        "won_at": iso(kickoff.won_at),
        "due_at": iso(kickoff.due_at),
        "participants": list(kickoff.participants),
        "goals": kickoff.goals,
        "deliverables": kickoff.deliverables,
        "missing": missing_parts(kickoff),
        "status": state,
        "overdue": state == "overdue" or on_time(kickoff) is False,
        "completed_at": iso(kickoff.completed_at),
        "on_time": on_time(kickoff),
    }


def compact_kickoffs(session: Session, customer: Customer, now: datetime) -> list[dict[str, Any]]:
    """The customer's kick-offs for its file, most recently won first."""
    rows = session.execute(
        select(Kickoff, Deal.external_id, Deal.name)
        .join(Deal, Deal.id == Kickoff.deal_id)
        .where(Kickoff.org_id == customer.org_id, Kickoff.customer_id == customer.id)
        .order_by(Kickoff.won_at.desc(), Kickoff.id.desc())
    ).all()
    return [
        {
            "deal_id": deal_ext,
            "title": deal_name,
            "status": status_of(k, now),
            "due_at": iso(k.due_at),
            "overdue": status_of(k, now) == "overdue" or on_time(k) is False,
            "missing": missing_parts(k),
        }
        for k, deal_ext, deal_name in rows
    ]
