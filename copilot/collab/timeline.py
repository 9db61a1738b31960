"""A customer's activity timeline by role: per day (in the team's time zone) and per role (sales,
solution, legal, delivery, finance, manager), how many records and which, so that every cell of
the grid opens its records.

What counts: activities (by their actor's role), minutes blocks when filled (by the block's
role), tickets when asked (the requester's role) and when answered (the ticket's role), and
kick-off preparations when completed (the owner's role).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from copilot.collab import ROLES, iso, person, timeline_role, users_by_id
from copilot.errors import InvalidInput
from copilot.store.models import Activity, Customer, Deal, Kickoff, MeetingMinutes, MinutesBlock, Ticket, User

MAX_DAYS = 366
_SNIPPET = 120


def _window(now: datetime, tz: tzinfo, days: int) -> tuple[date, date, datetime, datetime]:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days must be between 1 and {MAX_DAYS}; got {days}")
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(today + timedelta(days=1), time(), tz)
    return first, today, start, end


def customer_timeline(
    session: Session, customer: Customer, *, now: datetime, tz: tzinfo, days: int = 30
) -> dict[str, Any]:
    first, today, start, end = _window(now, tz, days)
    org = customer.org_id
    records: list[tuple[datetime, str, dict[str, Any]]] = []  # (at, role, record)

    actor = aliased(User)
    for a, deal_ext, actor_user in session.execute(
        select(Activity, Deal.external_id, actor)
        .outerjoin(Deal, Deal.id == Activity.deal_id)
        .outerjoin(actor, actor.id == Activity.actor_id)
        .where(
            Activity.org_id == org,
            Activity.customer_id == customer.id,
            Activity.at >= start,
            Activity.at < end,
        )
    ).all():
        role = (
            a.actor_role if a.actor_role in ROLES else timeline_role(actor_user.role if actor_user else None)
        )
        by = (
            {"id": actor_user.external_id, "name": actor_user.name, "role": actor_user.role}
            if actor_user
            else None
        )
        records.append(
            (
                a.at,
                role,
                {
                    "type": "activity",
                    "id": a.external_id,
                    "at": iso(a.at),
                    "kind": a.kind,
                    "deal_id": deal_ext,
                    "title": a.text[:_SNIPPET],
                    "by": by,
                },
            )
        )

    blocks = session.execute(
        select(MinutesBlock, MeetingMinutes.external_id, MeetingMinutes.title)
        .join(MeetingMinutes, MeetingMinutes.id == MinutesBlock.minutes_id)
        .where(
            MeetingMinutes.org_id == org,
            MeetingMinutes.customer_id == customer.id,
            MinutesBlock.filled_at >= start,
            MinutesBlock.filled_at < end,
        )
    ).all()
    tickets = session.scalars(
        select(Ticket).where(Ticket.org_id == org, Ticket.customer_id == customer.id)
    ).all()
    kickoffs = session.execute(
        select(Kickoff, Deal.external_id, Deal.name)
        .join(Deal, Deal.id == Kickoff.deal_id)
        .where(
            Kickoff.org_id == org,
            Kickoff.customer_id == customer.id,
            Kickoff.completed_at >= start,
            Kickoff.completed_at < end,
        )
    ).all()
    users = users_by_id(
        session,
        [b.filled_by_id for b, _, _ in blocks]
        + [i for t in tickets for i in (t.requester_id, t.answered_by_id)]
        + [k.owner_id for k, _, _ in kickoffs],
    )

    for b, minutes_ext, minutes_title in blocks:
        assert b.filled_at is not None
        records.append(
            (
                b.filled_at,
                b.owner_role if b.owner_role in ROLES else "sales",
                {
                    "type": "minutes_block",
                    "id": minutes_ext,
                    "at": iso(b.filled_at),
                    "block": b.block,
                    "title": f"{minutes_title} · {b.block}",
                    "by": person(users, b.filled_by_id),
                },
            )
        )
    for t in tickets:
        if start <= t.created_at < end:
            requester = users.get(t.requester_id) if t.requester_id is not None else None
            records.append(
                (
                    t.created_at,
                    timeline_role(requester.role if requester else None),
                    {
                        "type": "ticket_asked",
                        "id": t.external_id,
                        "at": iso(t.created_at),
                        "title": t.title,
                        "assignee_role": t.assignee_role,
                        "by": person(users, t.requester_id),
                    },
                )
            )
        if t.answered_at is not None and start <= t.answered_at < end:
            records.append(
                (
                    t.answered_at,
                    t.assignee_role,
                    {
                        "type": "ticket_answered",
                        "id": t.external_id,
                        "at": iso(t.answered_at),
                        "title": t.title,
                        "in_time": t.answered_at <= t.due_at,
                        "by": person(users, t.answered_by_id),
                    },
                )
            )
    for k, deal_ext, deal_name in kickoffs:
        assert k.completed_at is not None
        owner = users.get(k.owner_id) if k.owner_id is not None else None
        records.append(
            (
                k.completed_at,
                timeline_role(owner.role if owner else None),
                {
                    "type": "kickoff_completed",
                    "id": deal_ext,
                    "at": iso(k.completed_at),
                    "title": f"项目启动准备 {deal_name}",
                    "on_time": k.completed_at <= k.due_at,
                    "by": person(users, k.owner_id),
                },
            )
        )

    grid: dict[date, dict[str, list[dict[str, Any]]]] = {
        first + timedelta(days=n): {role: [] for role in ROLES} for n in range(days)
    }
    for at, role, record in sorted(records, key=lambda r: (r[0], r[2]["type"], r[2]["id"])):
        grid[at.astimezone(tz).date()][role].append(record)
    totals = {role: sum(len(cells[role]) for cells in grid.values()) for role in ROLES}
    return {
        "customer_id": customer.external_id,
        "from": first.isoformat(),
        "to": today.isoformat(),
        "days": days,
        "roles": list(ROLES),
        "totals": totals,
        "total": sum(totals.values()),
        "grid": [
            {
                "date": day.isoformat(),
                "total": sum(len(v) for v in cells.values()),
                "cells": {role: {"count": len(recs), "records": recs} for role, recs in cells.items()},
            }
            for day, cells in grid.items()
        ],
    }
