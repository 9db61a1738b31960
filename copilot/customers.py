"""Reading customers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from copilot.access import Principal
from copilot.followups import get_customer
from copilot.schemas import CustomerFile
from copilot.views import customer_file


def read_customer_file(
    sessions: sessionmaker[Session], principal: Principal, customer_id: str, *, now: datetime
) -> CustomerFile:
    """The customer's digital file, if the principal may see the customer."""
    with sessions() as session:
        return customer_file(session, principal, get_customer(session, principal, customer_id), now=now)
