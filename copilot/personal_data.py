"""Personal-data requests: give out everything held about a customer (or one of its contacts), and
erase a customer with every record about it.

What belongs to a customer is decided once (`_customer_rows`), so that an export shows exactly what
an erasure removes: the customer row, its contacts, deals with their stage history, requirements,
confirmations, contracts and their differences, documents and kick-offs, its activities with their
extractions, meeting minutes with their blocks, tickets, news items, and the undelivered or
delivered webhook messages whose text names it. Stored originals (letter photos and scans) are
listed by content hash. A document attached to no deal names no customer and is not included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from copilot import audit
from copilot.access import Principal
from copilot.errors import NotFound
from copilot.files import FileStore
from copilot.search import indexing
from copilot.store.models import (
    Activity,
    Base,
    Contact,
    Contract,
    ContractDiff,
    Correction,
    Customer,
    CustomerNews,
    Deal,
    Document,
    Extraction,
    Kickoff,
    MeetingMinutes,
    MinutesBlock,
    Organization,
    OutboxMessage,
    RequirementConfirmation,
    RequirementVersion,
    ShareFeedback,
    ShareLink,
    StageChange,
    Ticket,
)

EXPORT_FORMAT = "copilot.customer-export/1"

# children before parents: the order rows are deleted in, so that no delete waits on a cascade
ERASURE_ORDER: tuple[type[Base], ...] = (
    ShareFeedback,
    ShareLink,
    Correction,
    ContractDiff,
    Contract,
    RequirementConfirmation,
    RequirementVersion,
    Kickoff,
    StageChange,
    Extraction,
    MinutesBlock,
    MeetingMinutes,
    Ticket,
    CustomerNews,
    OutboxMessage,
    Document,
    Activity,
    Deal,
    Contact,
    Customer,
)


def _table(model: type[Base]) -> str:
    return str(model.__tablename__)


def _value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Base) -> dict[str, Any]:
    """Every column of a row, JSON-ready."""
    return {attr.key: _value(getattr(obj, attr.key)) for attr in inspect(type(obj)).column_attrs}


def get_customer(session: Session, org_id: int, customer_external_id: str) -> Customer:
    """The organization's customer by its public id; NotFound for an unknown id or another org's."""
    customer = session.scalar(
        select(Customer).where(Customer.org_id == org_id, Customer.external_id == customer_external_id)
    )
    if customer is None:
        raise NotFound(f"no customer {customer_external_id!r}")
    return customer


def _names_customer(payload: object, name: str) -> bool:
    """Whether a message's text names the customer (its full name, as briefs and alerts print it)."""
    return len(name) >= 2 and name in json.dumps(payload, ensure_ascii=False)


# rows of many tables, read through their common columns (id, org_id)
Rows = dict[type[Base], list[Any]]


def _column(model: type[Base], name: str) -> Any:
    return model.__table__.c[name]


def _customer_rows(session: Session, customer: Customer) -> Rows:
    """Every row about the customer, by table (every query is held to the customer's organization)."""
    org = customer.org_id

    def rows(model: type[Base], *where: Any) -> list[Any]:
        stmt = select(model).where(_column(model, "org_id") == org, *where).order_by(_column(model, "id"))
        return list(session.scalars(stmt).unique())

    deals = rows(Deal, Deal.customer_id == customer.id)
    deal_ids = [d.id for d in deals]
    activities = rows(Activity, Activity.customer_id == customer.id)
    contracts = rows(Contract, Contract.deal_id.in_(deal_ids))
    minutes = rows(MeetingMinutes, MeetingMinutes.customer_id == customer.id)
    links = rows(ShareLink, ShareLink.deal_id.in_(deal_ids))
    outbox = [m for m in rows(OutboxMessage) if _names_customer(m.payload, customer.name)]
    return {
        Customer: [customer],
        Contact: rows(Contact, Contact.customer_id == customer.id),
        Deal: deals,
        StageChange: rows(StageChange, StageChange.deal_id.in_(deal_ids)),
        RequirementVersion: rows(RequirementVersion, RequirementVersion.deal_id.in_(deal_ids)),
        RequirementConfirmation: rows(RequirementConfirmation, RequirementConfirmation.deal_id.in_(deal_ids)),
        Contract: contracts,
        ContractDiff: rows(ContractDiff, ContractDiff.contract_id.in_([c.id for c in contracts])),
        Document: rows(Document, Document.deal_id.in_(deal_ids)),
        Kickoff: rows(Kickoff, (Kickoff.customer_id == customer.id) | Kickoff.deal_id.in_(deal_ids)),
        Activity: activities,
        Extraction: rows(Extraction, Extraction.activity_id.in_([a.id for a in activities])),
        MeetingMinutes: minutes,
        MinutesBlock: rows(MinutesBlock, MinutesBlock.minutes_id.in_([m.id for m in minutes])),
        Ticket: rows(Ticket, Ticket.customer_id == customer.id),
        CustomerNews: rows(CustomerNews, CustomerNews.customer_id == customer.id),
        OutboxMessage: outbox,
        Correction: rows(Correction, Correction.activity_id.in_([a.id for a in activities])),
        ShareLink: links,
        ShareFeedback: rows(ShareFeedback, ShareFeedback.link_id.in_([link.id for link in links])),
    }


def _stored_files(
    files: FileStore | None, org_id: int, documents: Sequence[Document]
) -> list[dict[str, Any]]:
    """The stored originals behind the documents: hash, which document, and whether it is on disk."""
    listed = []
    for doc in documents:
        if not doc.file_sha256:
            continue
        size: int | None = None
        if files is not None:
            try:
                size = len(files.get(org_id, doc.file_sha256))
            except NotFound:
                size = None
        listed.append(
            {
                "sha256": doc.file_sha256,
                "document_id": doc.external_id,
                "filename": doc.filename,
                "content_type": doc.content_type,
                "stored": size is not None,
                "bytes": size,
            }
        )
    return listed


def export_customer(
    session: Session, org_id: int, customer_external_id: str, *, now: datetime, files: FileStore | None = None
) -> dict[str, Any]:
    """Everything held about one customer, as a JSON-serialisable document keyed by table."""
    customer = get_customer(session, org_id, customer_external_id)
    found = _customer_rows(session, customer)
    org = session.get(Organization, org_id)
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "organization": org.slug if org else None,
        "customer_id": customer.external_id,
    }
    for model in reversed(ERASURE_ORDER):  # parents first reads naturally
        document[_table(model)] = [_row(obj) for obj in found[model]]
    document["files"] = _stored_files(files, org_id, found[Document])
    return document


def export_contact(
    session: Session, org_id: int, customer_external_id: str, contact_name: str, *, now: datetime
) -> dict[str, Any]:
    """What is held about one contact person of a customer: their contact row(s) and every record of
    the customer whose text names them (activities with their extractions, documents, minutes
    blocks, tickets, kick-offs). Contacts are kept by name only, so a name in the text is the one
    link the records have to a person; the customer's other records are not theirs and are left out.
    """
    customer = get_customer(session, org_id, customer_external_id)
    name = contact_name.strip()
    contacts = [c for c in customer.contacts if c.name == name]
    if not name or not contacts:
        raise NotFound(f"no contact {contact_name!r} of customer {customer_external_id!r}")
    found = _customer_rows(session, customer)

    def names(obj: Base) -> bool:
        return name in json.dumps(_row(obj), ensure_ascii=False)

    activities = [a for a in found[Activity] if names(a)]
    activity_ids = {a.id for a in activities}
    extractions = [e for e in found[Extraction] if e.activity_id in activity_ids]
    blocks = [b for b in found[MinutesBlock] if names(b)]
    minute_ids = {b.minutes_id for b in blocks}
    return {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "customer_id": customer.external_id,
        "contact": name,
        "contacts": [_row(c) for c in contacts],
        "activities": [_row(a) for a in activities],
        "extractions": [_row(e) for e in extractions],
        "documents": [_row(d) for d in found[Document] if names(d)],
        "meeting_minutes": [_row(m) for m in found[MeetingMinutes] if m.id in minute_ids or names(m)],
        "minutes_blocks": [_row(b) for b in blocks],
        "tickets": [_row(t) for t in found[Ticket] if names(t)],
        "kickoffs": [_row(k) for k in found[Kickoff] if names(k)],
    }


@dataclass
class ErasureReport:
    """What an erasure removed; names no person (it is shown and logged)."""

    customer_id: str
    rows: dict[str, int]
    index_records: list[str]  # activity and document ids queued for removal from the search index
    files_removed: int = 0
    files_left: list[str] = field(default_factory=list)  # hashes that could not be removed (retry)

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "rows": self.rows,
            "index_records": len(self.index_records),
            "files_removed": self.files_removed,
            "files_left": self.files_left,
        }


def erase_customer(
    sessions: sessionmaker[Session],
    org_id: int,
    customer_external_id: str,
    *,
    files: FileStore,
    now: datetime,
    principal: Principal | None = None,
) -> ErasureReport:
    """Erase a customer and every record about it.

    The database part is one transaction: the rows (deleted explicitly, children first, rather than
    left to cascades), the search index removals and the audit entry commit together or not at all.
    Index removal is queued in the persistent index queue (`search_index_pending`) inside that
    transaction: the records no longer exist, so the indexer (the service's background indexer, or
    `copilot index run`) drops their chunks, retrying until it succeeds, and a crash after the
    commit loses nothing. Stored files are deleted after the commit (a file still used by another
    document of the organization is kept); any that cannot be deleted are reported in
    `files_left`, and `remove_files` can be called again with them.
    """
    with sessions.begin() as session:
        customer = get_customer(session, org_id, customer_external_id)
        found = _customer_rows(session, customer)
        record_ids = sorted(
            {a.external_id for a in found[Activity]} | {d.external_id for d in found[Document]}
        )
        hashes = {d.file_sha256 for d in found[Document] if d.file_sha256}
        counts: dict[str, int] = {}
        for model in ERASURE_ORDER:
            ids = [obj.id for obj in found[model]]
            counts[_table(model)] = len(ids)
            for start in range(0, len(ids), 500):
                session.execute(
                    delete(model).where(_column(model, "id").in_(ids[start : start + 500])),
                    execution_options={"synchronize_session": False},
                )
        session.expunge_all()
        still_used = set(
            session.scalars(
                select(Document.file_sha256).where(
                    Document.org_id == org_id, Document.file_sha256.in_(sorted(hashes))
                )
            )
        )
        to_remove = sorted(hashes - still_used)
        indexing.queue(session, org_id, record_ids, now)
        # bulk deletes bypass the flush hook that bumps the data version: read models must rebuild
        session.execute(
            update(Organization)
            .where(Organization.id == org_id)
            .values(data_version=Organization.data_version + 1)
        )
        audit.record(
            session,
            org_id,
            principal,
            "customer.erased",
            "customer",
            customer_external_id,
            now=now,
            detail={"rows": counts, "index_records": len(record_ids), "files": len(to_remove)},
        )
    report = ErasureReport(customer_external_id, counts, record_ids)
    report.files_removed, report.files_left = remove_files(files, org_id, to_remove)
    return report


def remove_files(files: FileStore, org_id: int, hashes: Sequence[str]) -> tuple[int, list[str]]:
    """Delete stored files by hash; (how many were removed, the hashes that could not be)."""
    removed, left = 0, []
    for sha in hashes:
        try:
            files.delete(org_id, sha)
        except OSError:
            left.append(sha)
        else:
            removed += 1
    return removed, left
