"""Three-party meeting minutes (三方纪要): one record per customer meeting, three fixed blocks.

- `objections` (客户异议): the customer's objections, owned by sales (the customer's owner);
- `constraints` (技术约束): technical constraints, owned by solution (the deal's solution owner,
  else the organization's first solution user);
- `resource_gaps` (资源缺口): resource gaps, owned by delivery (the first delivery user).

Owners can also be named explicitly; each must have the block's job role. Only a block's owner
(or a supervisor or admin) fills it; a block without an owner may be filled by anyone of its
job role. A block still empty `FILL_WITHIN` (2 hours) after the meeting is overdue: strictly
after `meeting_at + 2h`; a block filled at exactly that moment is in time.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from copilot.access import Principal
from copilot.collab import clean_text, is_manager, iso, person, user_by_ext, users_by_id
from copilot.errors import Conflict, Forbidden, InvalidInput
from copilot.store.models import Activity, Customer, Deal, MeetingMinutes, MinutesBlock, User

FILL_WITHIN = timedelta(hours=2)
# block -> the role that owns it
BLOCKS: dict[str, str] = {"objections": "sales", "constraints": "solution", "resource_gaps": "delivery"}
# owner role -> the users.role a person needs to own such a block
JOB_ROLES: dict[str, str] = {"sales": "rep", "solution": "solution", "delivery": "delivery"}
TITLES: dict[str, tuple[str, str]] = {
    "objections": ("客户异议", "customer objections"),
    "constraints": ("技术约束", "technical constraints"),
    "resource_gaps": ("资源缺口", "resource gaps"),
}


def check_block(block: str) -> str:
    if block not in BLOCKS:
        raise InvalidInput(f"unknown block {block!r}; the blocks are {', '.join(BLOCKS)}")
    return block


def due_at(minutes: MeetingMinutes) -> datetime:
    return minutes.meeting_at + FILL_WITHIN


def block_status(row: MinutesBlock, due: datetime, now: datetime) -> str:
    """filled (in time), filled_late, pending (empty, not yet due) or overdue (empty past due)."""
    if row.filled_at is not None:
        return "filled" if row.filled_at <= due else "filled_late"
    return "overdue" if now > due else "pending"


def _first_user(session: Session, org_id: int, job_role: str) -> int | None:
    return session.scalar(
        select(User.id).where(User.org_id == org_id, User.role == job_role).order_by(User.id).limit(1)
    )


def default_owners(session: Session, customer: Customer, deal: Deal | None) -> dict[str, int | None]:
    """Sales: the customer's owner; solution: the deal's solution owner, else the first solution
    user; delivery: the first delivery user. None where the organization has nobody."""
    solution = deal.solution_owner_id if deal is not None else None
    return {
        "objections": customer.owner_id,
        "constraints": solution or _first_user(session, customer.org_id, "solution"),
        "resource_gaps": _first_user(session, customer.org_id, "delivery"),
    }


def create_minutes(
    session: Session,
    customer: Customer,
    *,
    title: str,
    meeting_at: datetime,
    now: datetime,
    deal: Deal | None = None,
    owners: Mapping[str, str] | None = None,
    created_by_id: int | None = None,
    external_id: str | None = None,
) -> MeetingMinutes:
    """A minutes record with its three empty blocks; `owners` maps block -> a user's external id."""
    if meeting_at.tzinfo is None:
        raise InvalidInput("meeting_at needs a time zone (or is read in the team's zone by the caller)")
    chosen = default_owners(session, customer, deal)
    for block, ext in (owners or {}).items():
        check_block(block)
        user = user_by_ext(session, customer.org_id, ext, what=f"user {block} owner")
        wanted = JOB_ROLES[BLOCKS[block]]
        if user.role != wanted:
            raise InvalidInput(
                f"block {block!r} is owned by {BLOCKS[block]}: user {ext!r} is {user.role}, not {wanted}"
            )
        chosen[block] = user.id
    ext_id = external_id or f"min_{secrets.token_hex(8)}"
    taken = session.scalar(
        select(MeetingMinutes.id).where(
            MeetingMinutes.org_id == customer.org_id, MeetingMinutes.external_id == ext_id
        )
    )
    if taken is not None:
        raise Conflict(f"minutes id {ext_id!r} already exists")
    minutes = MeetingMinutes(
        org_id=customer.org_id,
        external_id=ext_id,
        customer_id=customer.id,
        deal_id=deal.id if deal is not None else None,
        title=clean_text(title, "the minutes title", max_chars=300),
        meeting_at=meeting_at,
        created_by_id=created_by_id,
        created_at=now,
        blocks=[
            MinutesBlock(org_id=customer.org_id, block=b, owner_role=role, owner_id=chosen[b])
            for b, role in BLOCKS.items()
        ],
    )
    session.add(minutes)
    session.flush()
    return minutes


def minutes_for_meeting(
    session: Session, activity: Activity, customer: Customer, deal: Deal | None, *, now: datetime
) -> MeetingMinutes:
    """The minutes a follow-up of kind `meeting` opens, with the default owners (the follow-up hook)."""
    return create_minutes(
        session,
        customer,
        title=f"客户会议纪要 {activity.at:%Y-%m-%d %H:%M} (follow-up {activity.external_id})"[:300],
        meeting_at=activity.at,
        now=now,
        deal=deal,
        created_by_id=activity.actor_id,
    )


def fill_block(
    minutes: MeetingMinutes,
    block: str,
    text: str,
    *,
    principal: Principal,
    job_role: str | None,
    now: datetime,
    users: dict[int, User],
) -> MinutesBlock:
    """Write a block: its owner, a supervisor or an admin (an unowned block: anyone of its job role).
    The first filling time is kept, so editing a block filled in time never makes it late."""
    check_block(block)
    row = next(b for b in minutes.blocks if b.block == block)
    body = clean_text(text, f"the {block} block")
    own = principal.user_id is not None and (
        row.owner_id == principal.user_id or (row.owner_id is None and job_role == JOB_ROLES[row.owner_role])
    )
    if not (own or is_manager(principal)):
        owner = person(users, row.owner_id)
        who = f"{owner['id']} ({row.owner_role})" if owner else f"any {JOB_ROLES[row.owner_role]} user"
        raise Forbidden(
            f"block {block!r} of minutes {minutes.external_id!r} belongs to {who}; only its owner, "
            "a supervisor or an admin may fill it"
        )
    row.text = body
    row.filled_by_id = principal.user_id
    if row.filled_at is None:
        row.filled_at = now
    return row


def minutes_view(
    minutes: MeetingMinutes,
    *,
    now: datetime,
    users: dict[int, User],
    customer_ext: str,
    deal_ext: str | None,
) -> dict[str, Any]:
    due = due_at(minutes)
    blocks = []
    for row in minutes.blocks:
        state = block_status(row, due, now)
        blocks.append(
            {
                "block": row.block,
                "title": TITLES[row.block][0],
                "title_en": TITLES[row.block][1],
                "owner_role": row.owner_role,
                "owner": person(users, row.owner_id),
                "text": row.text,
                "filled_at": iso(row.filled_at),
                "filled_by": person(users, row.filled_by_id),
                "due_at": iso(due),
                "status": state,
                "overdue": state in ("overdue", "filled_late"),
                "flagged_at": iso(row.flagged_at),
            }
        )
    return {
        "id": minutes.external_id,
        "customer_id": customer_ext,
        "deal_id": deal_ext,
        "title": minutes.title,
        "meeting_at": iso(minutes.meeting_at),
        "due_at": iso(due),
        "status": _overall(blocks),
        "created_by": person(users, minutes.created_by_id),
        "created_at": iso(minutes.created_at),
        "blocks": blocks,
    }


def _overall(blocks: list[dict[str, Any]]) -> str:
    states = {b["status"] for b in blocks}
    if states <= {"filled", "filled_late"}:
        return "complete"
    return "overdue" if "overdue" in states else "pending"


def compact_minutes(session: Session, customer: Customer, now: datetime) -> list[dict[str, Any]]:
    """The customer's minutes for its file: id, title, status and which blocks are open, newest first."""
    rows = session.scalars(
        select(MeetingMinutes)
        .where(MeetingMinutes.org_id == customer.org_id, MeetingMinutes.customer_id == customer.id)
        .order_by(MeetingMinutes.meeting_at.desc(), MeetingMinutes.id.desc())
    ).all()
    out = []
    for m in rows:
        due = due_at(m)
        states = {b.block: block_status(b, due, now) for b in m.blocks}
        out.append(
            {
                "id": m.external_id,
                "title": m.title,
                "meeting_at": iso(m.meeting_at),
                "due_at": iso(due),
                "status": _overall([{"status": s} for s in states.values()]),
                "overdue": "overdue" in states.values(),
                "open_blocks": [b for b, s in states.items() if s in ("pending", "overdue")],
            }
        )
    return out


def overdue_minutes_blocks(
    session: Session, org_id: int, now: datetime, *, within: timedelta = FILL_WITHIN
) -> list[dict[str, Any]]:
    """Every block still empty more than `within` (2 hours) after its meeting, oldest first, with
    its owner.

    For the daily jobs: plain data, and `flagged_at` is set the first time a block is reported
    (`newly_flagged` tells which ones are new). The caller commits.
    """
    owner = aliased(User)
    rows = session.execute(
        select(MinutesBlock, MeetingMinutes, Customer.external_id, Customer.name, owner)
        .join(MeetingMinutes, MeetingMinutes.id == MinutesBlock.minutes_id)
        .join(Customer, Customer.id == MeetingMinutes.customer_id)
        .outerjoin(owner, owner.id == MinutesBlock.owner_id)
        .where(
            MinutesBlock.org_id == org_id,
            MinutesBlock.filled_at.is_(None),
            MeetingMinutes.meeting_at < now - within,
        )
        .order_by(MeetingMinutes.meeting_at, MeetingMinutes.id, MinutesBlock.id)
    ).all()
    out = []
    for block, minutes, customer_ext, customer_name, user in rows:
        new = block.flagged_at is None
        if new:
            block.flagged_at = now
        due = minutes.meeting_at + within
        out.append(
            {
                "minutes_id": minutes.external_id,
                "title": minutes.title,
                "customer_id": customer_ext,
                "customer": customer_name,
                "block": block.block,
                "owner_role": block.owner_role,
                "owner_id": user.external_id if user is not None else None,
                "owner": user.name if user is not None else None,
                "meeting_at": iso(minutes.meeting_at),
                "due_at": iso(due),
                "overdue_hours": round((now - due).total_seconds() / 3600, 1),
                "hours_since_meeting": round((now - minutes.meeting_at).total_seconds() / 3600, 1),
                "flagged_at": iso(block.flagged_at),
                "newly_flagged": new,
            }
        )
    session.flush()
    return out


def load_users_for(session: Session, minutes: MeetingMinutes) -> dict[int, User]:
    ids: list[int | None] = [minutes.created_by_id]
    for b in minutes.blocks:
        ids += [b.owner_id, b.filled_by_id]
    return users_by_id(session, ids)
