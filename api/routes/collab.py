"""Collaboration: three-party minutes, cross-role tickets, kick-off preparation, a customer's
timeline by role, and the rep capability radar."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.clock import in_zone

router = APIRouter(prefix="/v1", tags=["collaboration"], dependencies=[scoped("collab")])

TicketStatus = Literal["open", "overdue", "answered"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MinutesCreate(_Body):
    id: str | None = Field(
        None, min_length=1, max_length=64, description="Client-chosen id; generated when omitted."
    )
    title: str = Field(min_length=1, max_length=300)
    meeting_at: datetime | None = Field(
        None,
        description="When the meeting took place (without an offset: the team's time zone). Default: now.",
    )
    deal_id: str | None = Field(None, max_length=64)
    owners: dict[str, str] | None = Field(
        None,
        description="Block -> user id, overriding the defaults (objections: the customer's owner; "
        "constraints: the deal's solution owner or the first solution user; resource_gaps: the first "
        "delivery user).",
    )


class BlockFill(_Body):
    text: str = Field(max_length=20_000)


class TicketCreate(_Body):
    id: str | None = Field(None, min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    request: str = Field(min_length=1, max_length=20_000)
    assignee_role: Literal["solution", "legal", "delivery"]
    assignee_id: str | None = Field(
        None, description="One person of that role; else anyone of the role answers."
    )
    due_at: datetime | None = Field(None, description="The deadline; default 48 hours from now.")
    due_in_hours: float | None = Field(
        None, gt=0, description="The deadline in hours from now, instead of due_at."
    )
    deal_id: str | None = Field(None, max_length=64)


class TicketAnswer(_Body):
    answer: str = Field(max_length=20_000)


class KickoffUpdate(_Body):
    participants: list[str] | None = Field(None, description="Who takes part in the kick-off.")
    goals: str | None = Field(None, max_length=20_000, description="The goals agreed with the customer.")
    deliverables: str | None = Field(None, max_length=20_000, description="The first deliverables.")


# -- minutes -------------------------------------------------------------------------------------


@router.post("/customers/{customer_id}/minutes", status_code=status.HTTP_201_CREATED)
def create_minutes(
    customer_id: str, body: MinutesCreate, principal: PrincipalDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Minutes of a customer meeting with three blocks: objections (sales), constraints (solution),
    resource gaps (delivery); each is due 2 hours after the meeting."""
    return runtime.collab.create_minutes(
        principal,
        customer_id,
        title=body.title,
        meeting_at=in_zone(body.meeting_at, runtime.settings.tz),
        deal_id=body.deal_id,
        owners=body.owners,
        minutes_id=body.id,
    )


@router.get("/customers/{customer_id}/minutes")
def list_minutes(customer_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The customer's meeting minutes, newest first, each block with its owner and status."""
    return runtime.collab.list_minutes(principal, customer_id)


@router.get("/minutes/{minutes_id}")
def get_minutes(minutes_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    return runtime.collab.get_minutes(principal, minutes_id)


@router.put("/minutes/{minutes_id}/blocks/{block}")
def fill_block(
    minutes_id: str, block: str, body: BlockFill, principal: PrincipalDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Fill one block (objections, constraints or resource_gaps): its owner, a supervisor or an admin."""
    return runtime.collab.fill_block(principal, minutes_id, block, body.text)


# -- tickets -------------------------------------------------------------------------------------


@router.post("/customers/{customer_id}/tickets", status_code=status.HTTP_201_CREATED)
def create_ticket(
    customer_id: str, body: TicketCreate, principal: PrincipalDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Ask solution, legal or delivery for something (a feasibility report...) by a deadline."""
    tz = runtime.settings.tz
    return runtime.collab.create_ticket(
        principal,
        customer_id,
        assignee_role=body.assignee_role,
        title=body.title,
        request=body.request,
        assignee_id=body.assignee_id,
        due_at=in_zone(body.due_at, tz),
        due_in_hours=body.due_in_hours,
        deal_id=body.deal_id,
        ticket_id=body.id,
    )


@router.get("/customers/{customer_id}/tickets")
def list_customer_tickets(
    customer_id: str, principal: PrincipalDep, runtime: RuntimeDep, status: TicketStatus | None = None
) -> dict[str, Any]:
    return runtime.collab.list_customer_tickets(principal, customer_id, status=status)


@router.get("/tickets")
def list_tickets(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    assignee: Annotated[
        str | None, Query(description="`me` or a user's id: the tickets that person is to answer.")
    ] = None,
    requester: Annotated[
        str | None, Query(description="`me` or a user's id: the tickets they asked.")
    ] = None,
    status: TicketStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Tickets within reach (the caller's customers, or naming the caller), soonest due first."""
    return runtime.collab.list_tickets(
        principal, assignee=assignee, requester=requester, status=status, limit=limit, offset=offset
    )


@router.get("/tickets/{ticket_id}")
def get_ticket(ticket_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    return runtime.collab.get_ticket(principal, ticket_id)


@router.post("/tickets/{ticket_id}/answer")
def answer_ticket(
    ticket_id: str, body: TicketAnswer, principal: PrincipalDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """The assignee's answer; at or before the deadline it earns requester and answerer 2 points each."""
    return runtime.collab.answer_ticket(principal, ticket_id, body.answer)


# -- kick-offs -----------------------------------------------------------------------------------


@router.get("/customers/{customer_id}/kickoffs")
def list_kickoffs(customer_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Kick-off preparation of the customer's won deals: due 7 days after the win."""
    return runtime.collab.list_kickoffs(principal, customer_id)


@router.get("/deals/{deal_id}/kickoff")
def get_kickoff(deal_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    return runtime.collab.get_kickoff(principal, deal_id)


@router.put("/deals/{deal_id}/kickoff")
def update_kickoff(
    deal_id: str, body: KickoffUpdate, principal: PrincipalDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Record participants, goals or first deliverables; complete when all three are filled (409 for a
    deal that is not won)."""
    return runtime.collab.update_kickoff(
        principal, deal_id, participants=body.participants, goals=body.goals, deliverables=body.deliverables
    )


# -- the timeline and the radar ------------------------------------------------------------------


@router.get("/customers/{customer_id}/timeline")
def customer_timeline(
    customer_id: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> dict[str, Any]:
    """The customer's last `days` days by role (sales, solution, legal, delivery, finance, manager):
    per day and role, the count and the records behind it."""
    return runtime.collab.timeline(principal, customer_id, days=days)


@router.get("/reps/{rep_id}/radar")
def rep_radar(
    rep_id: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    month: Annotated[
        str | None, Query(description="YYYY-MM in the team's time zone; default this month.")
    ] = None,
) -> dict[str, Any]:
    """Six capability scores (0-100) for the month, each with the inputs and formula behind it."""
    return runtime.collab.radar(principal, rep_id, month=month)
