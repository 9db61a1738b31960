"""Reading customers within the caller's scope, and the customer's digital file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from copilot.access import Principal, scope_customers
from copilot.collab.kickoffs import compact_kickoffs, sync_kickoffs
from copilot.collab.minutes import compact_minutes
from copilot.collab.tickets import compact_tickets
from copilot.errors import NotFound
from copilot.pipeline.views import customer_file
from copilot.schemas import CustomerFile
from copilot.store.models import Activity, Customer


def read_customer_file(
    sessions: sessionmaker[Session], principal: Principal, customer_id: str, *, now: datetime
) -> CustomerFile:
    """The customer's digital file, if the principal may see the customer."""
    with sessions() as session:
        customer = get_customer(session, principal, customer_id)
        if sync_kickoffs(session, principal.org_id, now, customer_ids=[customer.id]):
            session.commit()  # a won deal's kick-off preparation, created on first sight
        out = customer_file(session, principal, customer, now=now)
        out.minutes = compact_minutes(session, customer, now)
        out.tickets = compact_tickets(session, customer, now)
        out.kickoffs = compact_kickoffs(session, customer, now)
        return out


def get_customer(
    session: Session, principal: Principal, customer_id: str, *, with_deals: bool = False
) -> Customer:
    """A customer the principal may see; NotFound otherwise (existence is not leaked)."""
    stmt = scope_customers(select(Customer), principal).where(Customer.external_id == customer_id)
    if with_deals:
        stmt = stmt.options(joinedload(Customer.deals))
    customer = session.scalars(stmt).unique().one_or_none()
    if customer is None:
        raise NotFound(f"no customer {customer_id!r}")
    return customer


def get_activity(
    session: Session, principal: Principal, activity_id: str, *, what: str = "follow-up"
) -> Activity:
    """An activity (a follow-up, a call) of a customer the principal may see; NotFound otherwise."""
    activity = session.scalar(
        select(Activity).where(Activity.org_id == principal.org_id, Activity.external_id == activity_id)
    )
    if activity is None or not is_visible(session, principal, activity.customer):
        raise NotFound(f"no {what} {activity_id!r}")
    return activity


def is_visible(session: Session, principal: Principal, customer: Customer) -> bool:
    """Whether the principal may see this customer."""
    stmt = scope_customers(select(Customer.id), principal).where(Customer.id == customer.id)
    return session.scalar(stmt) is not None
