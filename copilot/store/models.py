"""Tables. Every row belongs to an organization; public ids are unique within one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from copilot.store.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # bumped by every flush that changes the organization's records (copilot.store.versioning);
    # cached read models compare it to know whether they are current
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OrgPolicy(Base):
    """An organization's own settings (copilot.policies): only what differs from the defaults."""

    __tablename__ = "org_policies"

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class User(Base):
    """A person in the organization: sales reps and the staff activities name as actors."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("org_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(200))
    # job role: rep, manager, solution, legal, delivery, finance...
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class ApiKey(Base):
    """An API key, stored only as a SHA-256 hash; `prefix` lets people tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # access role: rep, supervisor, admin, integration
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # A rotated key keeps working until `expires_at` (the grace period), then is refused.
    expires_at: Mapped[datetime | None]
    # Integration keys may be limited to endpoint groups (see copilot.access.KEY_SCOPES); None = all.
    scopes: Mapped[list[Any] | None] = mapped_column(JSON)
    rotated_from_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(lazy="joined")


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("org_id", "external_id"),
        Index("ix_customers_org_owner", "org_id", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    industry: Mapped[str | None] = mapped_column(String(32))
    relationship_years: Mapped[float | None] = mapped_column(Float)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_channel: Mapped[str | None] = mapped_column(String(32))
    source_channel_activity_id: Mapped[int | None] = mapped_column(Integer)
    first_contact_date: Mapped[date | None] = mapped_column(Date)
    first_contact_at: Mapped[datetime | None]
    next_follow_up_date: Mapped[date | None] = mapped_column(Date)
    next_follow_up_proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_activity_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    owner: Mapped[User | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.id"
    )
    deals: Mapped[list[Deal]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Deal.id"
    )


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(32))

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (UniqueConstraint("org_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    amount: Mapped[float | None] = mapped_column(Float)
    budget: Mapped[float | None] = mapped_column(Float)
    stage: Mapped[str] = mapped_column(String(16))
    stage_entered_at: Mapped[datetime | None]
    expected_close: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    # who answers requirement changes (需求变更双签); any solution-role user when unset
    solution_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(back_populates="deals")
    stage_history: Mapped[list[StageChange]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="StageChange.at"
    )


class StageChange(Base):
    """One entry of a deal's stage history: the stage it entered, when, and what said so."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))  # import, followup, api
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))

    deal: Mapped[Deal] = relationship(back_populates="stage_history")


class Activity(Base):
    """Every interaction with a customer, with its raw input kept as submitted."""

    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("org_id", "external_id"),
        Index("ix_activities_org_customer_at", "org_id", "customer_id", "at"),
        Index("ix_activities_org_at", "org_id", "at"),  # time windows across customers (search)
        Index("ix_activities_status", "status", "claimed_at"),  # interrupted extractions
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))  # call, visit, chat, email, meeting, note, quote, document
    input_kind: Mapped[str | None] = mapped_column(String(16))  # dictation, chat, call (follow-ups only)
    text: Mapped[str] = mapped_column(Text)
    raw_input: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # received -> extracted | failed; imported rows are "imported"
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Who is extracting a received row, and since when: the request that stored it, or, once that
    # claim is older than the lease (the process died), the recovery pass that took it over. Only
    # the holder of the claim may apply an extraction, so each follow-up is extracted once.
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship(lazy="joined")
    extractions: Mapped[list[Extraction]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Extraction.id"
    )


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("org_id", "external_id"), Index("ix_documents_org_at", "org_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(300))
    # how it arrived: import, text, pdf, scanned_pdf, image; and the stored original (FileStore)
    source: Mapped[str | None] = mapped_column(String(16))
    content_type: Mapped[str | None] = mapped_column(String(64))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    # what was read: for confirmation letters, the three elements with their quotes; OCR details
    elements: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reading: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Extraction(Base):
    """One engine's reading of an activity: the fields, quality, signals and their evidence."""

    __tablename__ = "extractions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    engine: Mapped[str] = mapped_column(String(32))
    engine_version: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(200))
    prompt: Mapped[str | None] = mapped_column(String(100))  # prompt_id@version
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    quality: Mapped[dict[str, Any]] = mapped_column(JSON)
    signals: Mapped[list[Any]] = mapped_column(JSON)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    usage: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)  # e.g. why an engine fell back
    created_at: Mapped[datetime]

    activity: Mapped[Activity] = relationship(back_populates="extractions")


class RequirementVersion(Base):
    """One version of a deal's original customer requirements; every change is a new row."""

    __tablename__ = "requirement_versions"
    __table_args__ = (UniqueConstraint("deal_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)  # field -> {"from": old, "to": new}
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_role: Mapped[str] = mapped_column(String(16))  # access role, or "import"
    changed_at: Mapped[datetime]


class RequirementConfirmation(Base):
    """A requirement change made by sales, waiting for the solution owner's answer (需求变更双签)."""

    __tablename__ = "requirement_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirement_versions.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime]
    # pending, feasible_synced ("technically feasible, synced"), meeting_needed ("meeting within 48 hours")
    status: Mapped[str] = mapped_column(String(16))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class Contract(Base):
    """An uploaded contract: its extracted fields with evidence, against one requirements version."""

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("org_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    filename: Mapped[str | None] = mapped_column(String(300))
    pages: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(32))
    engine_version: Mapped[str] = mapped_column(String(32))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    warnings: Mapped[list[Any]] = mapped_column(JSON)
    requirement_version: Mapped[int | None] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    diffs: Mapped[list[ContractDiff]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractDiff.id"
    )


class ContractDiff(Base):
    """A field where the contract departs from the requirement; locked until acknowledged."""

    __tablename__ = "contract_diffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    required: Mapped[Any] = mapped_column(JSON)
    contract_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(8))
    contract_evidence: Mapped[list[Any]] = mapped_column(JSON)
    requirement_evidence: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open, accepted, renegotiate
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_role: Mapped[str | None] = mapped_column(String(16))
    acknowledged_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[Contract] = relationship(back_populates="diffs")


# -- Integrations, the daily rhythm and collaboration ------------------------------------------
# These tables do not feed the pipeline snapshot: their writes leave the data version alone
# (`copilot.store.versioning`), so sending a message never reloads an organization's read model.


class CustomerNews(Base):
    """An item about the customer pushed by an integration: a press release, a tender, a post."""

    __tablename__ = "customer_news"
    __table_args__ = (UniqueConstraint("org_id", "external_id"),)
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))  # press_release, tender_notice, website, other
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(1000))
    category: Mapped[str] = mapped_column(String(32))  # expansion, tender, competitor, award, other
    published_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Webhook(Base):
    """Where an organization's briefs, patrols and alerts are delivered."""

    __tablename__ = "webhooks"
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # wecom, signed_json
    url: Mapped[str] = mapped_column(String(1000))
    secret: Mapped[str | None] = mapped_column(String(200))  # the signing key (signed_json)
    jobs: Mapped[list[Any]] = mapped_column(JSON)  # brief, patrol, alerts, funnel
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """One message to one webhook. Nothing is sent except through here: retried with backoff,
    claimed under a lease so that two processes never send it twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("org_id", "webhook_id", "dedupe_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    job: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # pending, sent, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class JobRun(Base):
    """A scheduled job's run for one slot; the unique key makes a slot run once across processes."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("org_id", "job", "slot"),)
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    job: Mapped[str] = mapped_column(String(32))
    slot: Mapped[datetime]
    trigger: Mapped[str] = mapped_column(String(16))  # schedule, catch_up, manual
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    messages: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class MeetingMinutes(Base):
    """Three-party minutes of a customer meeting: three blocks, each owned by one role."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (UniqueConstraint("org_id", "external_id"),)
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    meeting_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    blocks: Mapped[list[MinutesBlock]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesBlock.id"
    )


class MinutesBlock(Base):
    __tablename__ = "minutes_blocks"
    __table_args__ = (UniqueConstraint("minutes_id", "block"),)
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id", ondelete="CASCADE"))
    block: Mapped[str] = mapped_column(String(32))  # objections, constraints, resource_gaps
    owner_role: Mapped[str] = mapped_column(String(16))  # sales, solution, delivery
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str | None] = mapped_column(Text)
    filled_at: Mapped[datetime | None]
    filled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    flagged_at: Mapped[datetime | None]  # when it was reported still empty past its deadline

    minutes: Mapped[MeetingMinutes] = relationship(back_populates="blocks")


class Ticket(Base):
    """A cross-role request: a rep asks solution, legal or delivery for something by a deadline."""

    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("org_id", "external_id"),)
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_role: Mapped[str] = mapped_column(String(16))  # solution, legal, delivery
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    request: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)


class Kickoff(Base):
    """Kick-off preparation after a deal is won: participants, goals, first deliverables."""

    __tablename__ = "kickoffs"
    __table_args__ = (UniqueConstraint("org_id", "deal_id"),)
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    won_at: Mapped[datetime]
    due_at: Mapped[datetime]
    participants: Mapped[list[Any]] = mapped_column(JSON)
    goals: Mapped[str | None] = mapped_column(Text)
    deliverables: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class SearchIndexPending(Base):
    """A record of an organization whose search index entry must be (re)built or removed: written by
    `copilot import`, drained by the service's background indexer or `copilot index run`.

    `state`: pending -> done (kept until the organization has nothing pending, for progress) or
    failed (after repeated errors; `copilot index run --retry-failed` puts it back).
    """

    __tablename__ = "search_index_pending"
    __table_args__ = (
        UniqueConstraint("org_id", "record_id"),
        Index("ix_search_index_pending_state", "state", "org_id"),
    )
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(String(64))  # an activity's or document's external id
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who changed what: one row per stage move, requirement change, acknowledgement, key change and
    erasure. Append-only: rows are never updated or deleted (enforced by triggers on both engines and
    by the ORM), and they outlive the records they name (no foreign key to them)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_org_at", "org_id", "at"),)
    snapshot_data: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    # the actor: the key's id and role, and the user behind it (None for the CLI / system)
    actor_key_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))  # e.g. stage.moved, key.rotated, customer.erased
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Correction(Base):
    """A rep's correction of one field of an extraction, kept beside the engine's reading: the
    team's own future test data (exported as eval cases)."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_org_at", "org_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    # the engine's extraction that was corrected, and the confirmed reading that replaced it
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"), index=True)
    confirmed_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    original: Mapped[Any] = mapped_column(JSON, nullable=True)
    corrected: Mapped[Any] = mapped_column(JSON, nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class ShareLink(Base):
    """A link a rep shares with the customer: no account, an expiring token (only its hash is
    kept), and a snapshot of the three core requirements with our response to each."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    items: Mapped[list[Any]] = mapped_column(JSON)  # [{field, requirement, response}]
    lang: Mapped[str] = mapped_column(String(8))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ShareFeedback(Base):
    """The customer's answer to one item of a shared link: confirmed, or needs adjustment."""

    __tablename__ = "share_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"), index=True)
    item: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24))  # confirmed, needs_adjustment
    comment: Mapped[str | None] = mapped_column(Text)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]


class EndedSession(Base):
    """A workspace session signed out before its cookie expired: refused until that expiry."""

    __tablename__ = "ended_sessions"
    snapshot_data: ClassVar[bool] = False

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
