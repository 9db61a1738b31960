"""What the search index holds: each activity and document of an organization as a search record.

Shared by the search service (which queries and rebuilds) and the index queue (`indexing.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.store.models import Activity, Customer, Deal, Document, User


@dataclass(frozen=True)
class SearchDoc:
    """One searchable record: an activity (follow-up, call, visit...) or a document."""

    org_id: int
    record_id: str
    kind: str
    text: str
    customer_id: str | None
    deal_id: str | None
    rep_id: str | None
    at: datetime


def org_search_docs(session: Session, org_id: int) -> list[SearchDoc]:
    """Every activity and document of the organization, as search records."""
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.org_id == org_id))}
    users = {u.id: u.external_id for u in session.scalars(select(User).where(User.org_id == org_id))}
    deals = {d.id: d for d in session.scalars(select(Deal).where(Deal.org_id == org_id))}
    docs = [
        activity_doc(a, customers[a.customer_id].external_id, deals.get(a.deal_id or -1), users)
        for a in session.scalars(select(Activity).where(Activity.org_id == org_id)).unique()
    ]
    docs.extend(
        document_doc(d, deals, customers, users)
        for d in session.scalars(select(Document).where(Document.org_id == org_id))
    )
    return [doc for doc in docs if doc.text.strip()]


def document_doc(
    document: Document, deals: Mapping[int, Deal], customers: Mapping[int, Customer], users: Mapping[int, str]
) -> SearchDoc:
    """A document as a search record: its customer and rep come from its deal."""
    deal = deals.get(document.deal_id or -1)
    customer = customers.get(deal.customer_id) if deal else None
    return SearchDoc(
        org_id=document.org_id,
        record_id=document.external_id,
        kind=f"document:{document.kind}",
        text=document.text,
        customer_id=customer.external_id if customer else None,
        deal_id=deal.external_id if deal else None,
        rep_id=users.get(customer.owner_id or -1) if customer else None,
        at=document.at,
    )


def activity_doc(activity: Activity, customer_id: str, deal: Deal | None, users: dict[int, str]) -> SearchDoc:
    return SearchDoc(
        org_id=activity.org_id,
        record_id=activity.external_id,
        kind=activity.kind,
        text=activity.text,
        customer_id=customer_id,
        deal_id=deal.external_id if deal else None,
        rep_id=users.get(activity.actor_id or -1),
        at=activity.at,
    )
