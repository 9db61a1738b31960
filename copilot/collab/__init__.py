"""Collaboration records and the rep capability radar.

Three-party meeting minutes (三方纪要), cross-role tickets (协作工单), kick-off preparation after a
deal is won, a customer's activity timeline by role, and a monthly radar of six capabilities.
The tables are `MeetingMinutes`, `MinutesBlock`, `Ticket` and `Kickoff`; none of them feeds the
pipeline snapshot, so writing them leaves the organization's data version alone.

Who sees a collaboration record: whoever sees its customer (the scope of every read), and the
people named on it, so that a solution engineer can fill the block or answer the ticket they
own without seeing the rest of the sales rep's book.

This module holds the small helpers the others share; it imports no other module of the package.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.access import AccessRole, Principal, scope_customers
from copilot.errors import InvalidInput, NotFound
from copilot.store.models import Customer, Deal, User

# the roles a customer's timeline is laid out by; activities name them as `actor_role`
ROLES: tuple[str, ...] = ("sales", "solution", "legal", "delivery", "finance", "manager")
# a user's job role (users.role) -> the timeline role; a rep is "sales"
_ROLE_OF_JOB = {"rep": "sales", "sales": "sales", "manager": "manager", "supervisor": "manager"}

MAX_TEXT = 20_000


def timeline_role(job_role: str | None) -> str:
    """The timeline role of a job role (unknown or missing: sales, who owns the relationship)."""
    if job_role is None:
        return "sales"
    role = _ROLE_OF_JOB.get(job_role, job_role)
    return role if role in ROLES else "sales"


def iso(value: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC (stored times come back in UTC; fresh ones keep their zone)."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def clean_text(value: str | None, what: str, *, max_chars: int = MAX_TEXT) -> str:
    """`value` stripped; empty or too long is a clear InvalidInput naming `what`."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{what} is empty; write it out (内容不能为空)")
    if len(text) > max_chars:
        raise InvalidInput(f"{what} is {len(text):,} characters; the limit is {max_chars:,}")
    return text


def users_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def person(users: dict[int, User], user_id: int | None) -> dict[str, Any] | None:
    """A user as the API shows one: id (external), name, job role."""
    user = users.get(user_id) if user_id is not None else None
    if user is None:
        return None
    return {"id": user.external_id, "name": user.name, "role": user.role}


def user_by_ext(session: Session, org_id: int, external_id: str, *, what: str = "user") -> User:
    user = session.scalar(select(User).where(User.org_id == org_id, User.external_id == external_id))
    if user is None:
        raise NotFound(f"no {what} {external_id!r}")
    return user


def job_role_of(session: Session, principal: Principal) -> str | None:
    """The caller's job role (solution, legal, delivery, rep...): from the key, else from the user row."""
    if principal.job_role is not None or principal.user_id is None:
        return principal.job_role
    return session.scalar(select(User.role).where(User.id == principal.user_id))


def customer_visible(session: Session, principal: Principal, customer_id: int) -> bool:
    stmt = scope_customers(select(Customer.id), principal).where(Customer.id == customer_id)
    return session.scalar(stmt) is not None


def is_manager(principal: Principal) -> bool:
    """Admins and supervisors may act on behalf of the people named on a record."""
    return principal.role in (AccessRole.ADMIN, AccessRole.SUPERVISOR)


def deal_of_customer(session: Session, customer: Customer, deal_id: str | None) -> Deal | None:
    """The customer's deal `deal_id` (None when not given); another customer's deal is a 404."""
    if deal_id is None:
        return None
    deal = session.scalar(
        select(Deal).where(
            Deal.org_id == customer.org_id, Deal.external_id == deal_id, Deal.customer_id == customer.id
        )
    )
    if deal is None:
        raise NotFound(f"no deal {deal_id!r} for customer {customer.external_id!r}")
    return deal
