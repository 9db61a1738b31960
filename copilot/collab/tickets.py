"""Cross-role tickets (协作工单): a rep asks solution, legal or delivery for something by a deadline.

A ticket is assigned to one person of the role, or to the role (anyone of it may answer). The
deadline defaults to 48 hours after asking. An answer at or before the deadline earns the
requester and the answerer `POINTS` (2) collaboration points each; a late answer earns none.
Status: `open` (unanswered, not yet due), `overdue` (unanswered past due), `answered`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from copilot.access import Principal, scope_customers
from copilot.collab import clean_text, iso, person, user_by_ext, users_by_id
from copilot.errors import Conflict, Forbidden, InvalidInput
from copilot.store.models import Customer, Deal, Ticket, User

ASSIGNEE_ROLES: tuple[str, ...] = ("solution", "legal", "delivery")
STATUSES: tuple[str, ...] = ("open", "overdue", "answered")
DEFAULT_WITHIN = timedelta(hours=48)
MAX_WITHIN = timedelta(days=90)
POINTS = 2


def check_role(role: str) -> str:
    if role not in ASSIGNEE_ROLES:
        raise InvalidInput(f"tickets go to {', '.join(ASSIGNEE_ROLES)}; {role!r} is not one of them")
    return role


def check_status(status: str | None) -> str | None:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown ticket status {status!r}; use one of {', '.join(STATUSES)}")
    return status


def in_time(ticket: Ticket) -> bool:
    """Answered at or before the deadline."""
    return ticket.answered_at is not None and ticket.answered_at <= ticket.due_at


def status_of(ticket: Ticket, now: datetime) -> str:
    if ticket.answered_at is not None:
        return "answered"
    return "overdue" if now > ticket.due_at else "open"


def create_ticket(
    session: Session,
    customer: Customer,
    *,
    assignee_role: str,
    title: str,
    request: str,
    now: datetime,
    requester_id: int | None,
    deal: Deal | None = None,
    assignee_ext: str | None = None,
    due_at: datetime | None = None,
    due_in_hours: float | None = None,
    external_id: str | None = None,
) -> Ticket:
    check_role(assignee_role)
    assignee_id = None
    if assignee_ext is not None:
        user = user_by_ext(session, customer.org_id, assignee_ext, what="assignee")
        if user.role != assignee_role:
            raise InvalidInput(
                f"user {assignee_ext!r} is {user.role}, not {assignee_role}; assign the ticket to the role "
                "or to someone who has it"
            )
        assignee_id = user.id
    if due_at is not None and due_in_hours is not None:
        raise InvalidInput("give due_at or due_in_hours, not both")
    if due_in_hours is not None:
        if not 0 < due_in_hours <= MAX_WITHIN.total_seconds() / 3600:
            raise InvalidInput(f"due_in_hours must be over 0 and at most {MAX_WITHIN.days * 24}")
        due_at = now + timedelta(hours=due_in_hours)
    if due_at is None:
        due_at = now + DEFAULT_WITHIN
    if due_at.tzinfo is None:
        raise InvalidInput("due_at needs a time zone")
    if due_at <= now:
        raise InvalidInput(f"due_at {due_at.isoformat()} is not in the future")
    if due_at - now > MAX_WITHIN:
        raise InvalidInput(f"due_at is more than {MAX_WITHIN.days} days away")
    ext_id = external_id or f"tkt_{secrets.token_hex(8)}"
    taken = session.scalar(
        select(Ticket.id).where(Ticket.org_id == customer.org_id, Ticket.external_id == ext_id)
    )
    if taken is not None:
        raise Conflict(f"ticket id {ext_id!r} already exists")
    ticket = Ticket(
        org_id=customer.org_id,
        external_id=ext_id,
        customer_id=customer.id,
        deal_id=deal.id if deal is not None else None,
        requester_id=requester_id,
        assignee_role=assignee_role,
        assignee_id=assignee_id,
        title=clean_text(title, "the ticket title", max_chars=300),
        request=clean_text(request, "the request"),
        due_at=due_at,
        created_at=now,
    )
    session.add(ticket)
    session.flush()
    return ticket


def may_answer(ticket: Ticket, principal: Principal, job_role: str | None) -> bool:
    if principal.user_id is None:
        return False
    if ticket.assignee_id is not None:
        return ticket.assignee_id == principal.user_id
    return job_role == ticket.assignee_role


def answer_ticket(
    ticket: Ticket,
    answer: str,
    *,
    principal: Principal,
    job_role: str | None,
    now: datetime,
    users: dict[int, User],
) -> Ticket:
    """The assignee's answer (anyone of the role when unassigned); a second answer is a conflict."""
    if ticket.answered_at is not None:
        raise Conflict(
            f"ticket {ticket.external_id!r} was already answered at {ticket.answered_at.isoformat()}"
        )
    if not may_answer(ticket, principal, job_role):
        assignee = person(users, ticket.assignee_id)
        who = assignee["id"] if assignee else f"any {ticket.assignee_role} user"
        raise Forbidden(f"ticket {ticket.external_id!r} is for {who}; only they may answer it")
    ticket.answer = clean_text(answer, "the answer")
    ticket.answered_at = now
    ticket.answered_by_id = principal.user_id
    return ticket


def assigned_to(user_id: int, job_role: str | None) -> ColumnElement[bool]:
    """Tickets a person is to answer: assigned to them, or to their role and nobody in particular."""
    to_role = (
        and_(Ticket.assignee_id.is_(None), Ticket.assignee_role == job_role)
        if job_role in ASSIGNEE_ROLES
        else false()
    )
    return or_(Ticket.assignee_id == user_id, to_role)


def visible_tickets(principal: Principal, job_role: str | None) -> ColumnElement[bool]:
    """Tickets on a customer the principal sees, or naming the principal."""
    seen = Ticket.customer_id.in_(scope_customers(select(Customer.id), principal))
    if principal.user_id is None:
        return seen
    uid = principal.user_id
    return or_(
        seen,
        Ticket.requester_id == uid,
        Ticket.answered_by_id == uid,
        assigned_to(uid, job_role),
    )


def status_filter(status: str | None, now: datetime) -> ColumnElement[bool] | None:
    if status == "answered":
        return Ticket.answered_at.is_not(None)
    if status == "open":
        return and_(Ticket.answered_at.is_(None), Ticket.due_at >= now)
    if status == "overdue":
        return and_(Ticket.answered_at.is_(None), Ticket.due_at < now)
    return None


def ticket_view(
    ticket: Ticket, *, now: datetime, users: dict[int, User], customer_ext: str, deal_ext: str | None
) -> dict[str, Any]:
    state = status_of(ticket, now)
    earned = POINTS if in_time(ticket) else 0
    return {
        "id": ticket.external_id,
        "customer_id": customer_ext,
        "deal_id": deal_ext,
        "title": ticket.title,
        "request": ticket.request,
        "assignee_role": ticket.assignee_role,
        "assignee": person(users, ticket.assignee_id),
        "requester": person(users, ticket.requester_id),
        "created_at": iso(ticket.created_at),
        "due_at": iso(ticket.due_at),
        "status": state,
        "overdue": state == "overdue" or (state == "answered" and not in_time(ticket)),
        "answered_at": iso(ticket.answered_at),
        "answered_by": person(users, ticket.answered_by_id),
        "answer": ticket.answer,
        "in_time": in_time(ticket) if ticket.answered_at is not None else None,
        "points": {"requester": earned, "answerer": earned},
    }


def compact_tickets(session: Session, customer: Customer, now: datetime) -> list[dict[str, Any]]:
    """The customer's tickets for its file, newest first."""
    rows = session.scalars(
        select(Ticket)
        .where(Ticket.org_id == customer.org_id, Ticket.customer_id == customer.id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    ).all()
    return [
        {
            "id": t.external_id,
            "title": t.title,
            "assignee_role": t.assignee_role,
            "status": status_of(t, now),
            "due_at": iso(t.due_at),
            "overdue": status_of(t, now) == "overdue" or (t.answered_at is not None and not in_time(t)),
        }
        for t in rows
    ]


def load_users_for(session: Session, tickets: list[Ticket]) -> dict[int, User]:
    return users_by_id(
        session, [i for t in tickets for i in (t.requester_id, t.assignee_id, t.answered_by_id)]
    )
