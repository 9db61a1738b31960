"""`copilot import`: load a FORMAT.md pipeline file into an organization, idempotently.

Records are matched by their external ids; a second import of the same file finds every record
unchanged and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.domain import Channel, Stage
from copilot.errors import InvalidInput
from copilot.pipeline.requirements import record_requirements
from copilot.store.models import Activity, Contact, Customer, Deal, Document, StageChange, User

Industry = Literal[
    "finance", "manufacturing", "saas", "retail", "healthcare", "education", "energy", "construction", "other"
]
ContactRole = Literal["decision_maker", "influencer", "user", "procurement", "finance", "legal", "technical"]
ActorRole = Literal["sales", "solution", "legal", "delivery", "finance", "manager"]
ActivityKind = Literal["call", "visit", "chat", "email", "meeting", "note", "quote", "document"]
DocumentKind = Literal["confirmation_letter", "quote", "contract", "minutes", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class RepIn(_Strict):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    team: str | None = None
    role: str = "rep"


class ContactIn(_Strict):
    name: str = Field(min_length=1)
    title: str | None = None
    role: ContactRole | None = None


class CustomerIn(_Strict):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    industry: Industry | None = None
    relationship_years: float | None = Field(None, ge=0)
    owner: str | None = None
    source_channel: Channel | None = None
    first_contact_at: AwareDatetime | None = None
    contacts: list[ContactIn] = []


class StageEntryIn(_Strict):
    stage: Stage
    at: AwareDatetime


class DealIn(_Strict):
    id: str = Field(min_length=1, max_length=64)
    customer_id: str
    name: str = Field(min_length=1)
    amount: float | None = Field(None, ge=0)
    budget: float | None = Field(None, ge=0)
    stage: Stage
    stage_history: list[StageEntryIn] = []
    expected_close: date | None = None
    lost_reason: str | None = None
    requirements: dict[str, Any] | None = None  # the customer's original requirements (FORMAT.md forms)


class ActivityIn(_Strict):
    id: str = Field(min_length=1, max_length=64)
    customer_id: str
    deal_id: str | None = None
    actor_id: str | None = None
    actor_role: ActorRole | None = None
    at: AwareDatetime
    kind: ActivityKind
    text: str


class DocumentIn(_Strict):
    id: str = Field(min_length=1, max_length=64)
    deal_id: str | None = None
    kind: DocumentKind
    at: AwareDatetime
    text: str


class PipelineFile(_Strict):
    reps: list[RepIn] = []
    customers: list[CustomerIn] = []
    deals: list[DealIn] = []
    activities: list[ActivityIn] = []
    documents: list[DocumentIn] = []


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def parse_pipeline(data: Any) -> PipelineFile:
    """Validate a pipeline document, with errors that name the record and field at fault."""
    try:
        pipeline = PipelineFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"pipeline file is invalid at {where}: {first['msg']}",
            detail=exc.errors(include_url=False, include_context=False),
        ) from exc
    _check_references(pipeline)
    return pipeline


def _check_references(p: PipelineFile) -> None:
    for kind, ids in (
        ("reps", [r.id for r in p.reps]),
        ("customers", [c.id for c in p.customers]),
        ("deals", [d.id for d in p.deals]),
        ("activities", [a.id for a in p.activities]),
        ("documents", [d.id for d in p.documents]),
    ):
        if len(ids) != len(set(ids)):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            raise InvalidInput(f"pipeline file repeats {kind} ids: {dupes[:5]}")


def _apply(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


class _Upserter:
    def __init__(self, session: Session, org_id: int, now: datetime, report: ImportReport) -> None:
        self.session, self.org_id, self.now, self.report = session, org_id, now, report

    def existing(self, model: Any) -> dict[str, Any]:
        rows = self.session.scalars(select(model).where(model.org_id == self.org_id)).unique()
        return {r.external_id: r for r in rows}

    def upsert(
        self, kind: str, model: Any, known: dict[str, Any], ext_id: str, values: dict[str, Any]
    ) -> Any:
        row = known.get(ext_id)
        if row is None:
            extra = {"created_at": self.now} if hasattr(model, "created_at") else {}
            if hasattr(model, "updated_at"):
                extra["updated_at"] = self.now
            row = model(org_id=self.org_id, external_id=ext_id, **values, **extra)
            self.session.add(row)
            known[ext_id] = row
            self.report.count(kind, "created")
        elif _apply(row, values):
            if hasattr(row, "updated_at"):
                row.updated_at = self.now
            self.report.count(kind, "updated")
        else:
            self.report.count(kind, "unchanged")
        return row


def import_pipeline(session: Session, org_id: int, data: Any, *, now: datetime) -> ImportReport:
    """Load `data` (a parsed pipeline JSON) into the organization; safe to repeat."""
    p = parse_pipeline(data)
    report = ImportReport()
    up = _Upserter(session, org_id, now, report)

    users = up.existing(User)
    for r in p.reps:
        up.upsert("reps", User, users, r.id, {"name": r.name, "team": r.team, "role": r.role})
    session.flush()

    customers = up.existing(Customer)
    for c in p.customers:
        owner = users.get(c.owner) if c.owner else None
        if c.owner and owner is None:
            raise InvalidInput(f"customer {c.id!r} names an unknown owner {c.owner!r}")
        first_contact_date = c.first_contact_at.date() if c.first_contact_at else None
        row = up.upsert(
            "customers",
            Customer,
            customers,
            c.id,
            {
                "name": c.name,
                "industry": c.industry,
                "relationship_years": c.relationship_years,
                "owner_id": owner.id if owner else None,
                "source_channel": c.source_channel.value if c.source_channel else None,
                "first_contact_at": c.first_contact_at,
                "first_contact_date": first_contact_date,
            },
        )
        wanted = [(x.name, x.title, x.role) for x in c.contacts]
        if [(x.name, x.title, x.role) for x in row.contacts] != wanted:
            row.contacts = [Contact(org_id=org_id, name=n, title=t, role=role) for n, t, role in wanted]
            if row not in session.new:
                report.count("contacts", "updated")
    session.flush()

    deals = up.existing(Deal)
    for d in p.deals:
        customer = customers.get(d.customer_id)
        if customer is None:
            raise InvalidInput(f"deal {d.id!r} names an unknown customer {d.customer_id!r}")
        history = d.stage_history or [StageEntryIn(stage=d.stage, at=now)]
        if history[-1].stage != d.stage:
            raise InvalidInput(
                f"deal {d.id!r}: the last stage_history entry must be its stage {d.stage.value!r}"
            )
        row = up.upsert(
            "deals",
            Deal,
            deals,
            d.id,
            {
                "customer_id": customer.id,
                "name": d.name,
                "amount": d.amount,
                "budget": d.budget,
                "stage": d.stage.value,
                "stage_entered_at": history[-1].at,
                "expected_close": d.expected_close,
                "lost_reason": d.lost_reason,
            },
        )
        if d.requirements is not None:
            session.flush()
            version = record_requirements(
                session, row, d.requirements, changed_by=None, role="import", now=now
            )
            if version is not None:
                report.count("requirements", "created" if version.version == 1 else "updated")
        wanted_history = [(h.stage.value, h.at) for h in history]
        if [(h.stage, h.at) for h in row.stage_history] != wanted_history:
            row.stage_history = [
                StageChange(org_id=org_id, stage=s, at=at, source="import") for s, at in wanted_history
            ]
    session.flush()

    activities = up.existing(Activity)
    last_at: dict[int, datetime] = {}
    for a in p.activities:
        customer = customers.get(a.customer_id)
        if customer is None:
            raise InvalidInput(f"activity {a.id!r} names an unknown customer {a.customer_id!r}")
        deal = deals.get(a.deal_id) if a.deal_id else None
        if a.deal_id and deal is None:
            raise InvalidInput(f"activity {a.id!r} names an unknown deal {a.deal_id!r}")
        actor = users.get(a.actor_id) if a.actor_id else None
        up.upsert(
            "activities",
            Activity,
            activities,
            a.id,
            {
                "customer_id": customer.id,
                "deal_id": deal.id if deal else None,
                "actor_id": actor.id if actor else None,
                "actor_role": a.actor_role,
                "at": a.at,
                "kind": a.kind,
                "text": a.text,
                "status": "imported",
            },
        )
        if a.at > last_at.get(customer.id, a.at.replace(year=1)):
            last_at[customer.id] = a.at
    for customer in customers.values():
        latest = last_at.get(customer.id)
        if latest is not None and (customer.last_activity_at is None or latest > customer.last_activity_at):
            customer.last_activity_at = latest

    documents = up.existing(Document)
    for doc in p.documents:
        deal = deals.get(doc.deal_id) if doc.deal_id else None
        if doc.deal_id and deal is None:
            raise InvalidInput(f"document {doc.id!r} names an unknown deal {doc.deal_id!r}")
        up.upsert(
            "documents",
            Document,
            documents,
            doc.id,
            {"deal_id": deal.id if deal else None, "kind": doc.kind, "at": doc.at, "text": doc.text},
        )
    session.flush()
    return report
