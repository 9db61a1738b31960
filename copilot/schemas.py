"""Request and response shapes shared by the HTTP API and the CLI (one role per class)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from copilot.domain import Channel, Signal, Stage


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewCustomer(_Schema):
    """A customer created together with its first follow-up."""

    id: str | None = Field(None, max_length=64, description="External id; generated when omitted.")
    name: str = Field(min_length=1, max_length=300)
    industry: str | None = Field(None, max_length=32)
    owner_id: str | None = Field(None, description="Owning rep's id; defaults to the caller's rep.")


class FollowUpCreate(_Schema):
    """A rep's interaction to store and read: exactly one of customer_id or customer."""

    id: str | None = Field(
        None, max_length=64, description="Client-chosen id; resubmitting the same id and input is a no-op."
    )
    customer_id: str | None = Field(None, max_length=64)
    customer: NewCustomer | None = None
    deal_id: str | None = Field(None, max_length=64)
    reference_time: AwareDatetime | None = Field(
        None,
        description="When the interaction was submitted; relative dates resolve against it. Default: now.",
    )
    activity_kind: Literal["call", "visit", "chat", "email", "meeting", "note"] | None = None
    input: dict[str, Any] = Field(
        description=(
            "One of {kind: dictation, text}, {kind: chat, messages: [{at, from, name, text}]}, "
            "{kind: call, segments: [{start_s, end_s, speaker, text}]}, "
            "{kind: wecom, records: [WeCom chat-archive messages], rep_ids: [userids]}"
        )
    )


class EvidencePublic(BaseModel):
    start: int
    end: int
    quote: str


class FieldsPublic(BaseModel):
    source_channel: Channel | None
    first_contact_date: date | None
    stage: Stage | None
    summary: str
    next_follow_up_date: date | None = Field(
        description="As stated in the interaction; null when not stated."
    )
    proposed_next_follow_up_date: date | None = Field(
        None, description="The product's default when none was stated (per stage); not stated by anyone."
    )
    provenance: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Where a value without its own quote came from, per field: `crm` (the customer record), "
            "`crm_history` (a customer first met over a year ago is an existing customer), "
            "`interaction_date` (this interaction is the first contact), `offline` (the offline engine's "
            "reading, where a model's quote failed grounding), `dropped` (a value read from text that "
            "addresses the model, not applied)."
        ),
    )


class QualityPublic(BaseModel):
    discovery_questions: list[str]
    discovery_count: int
    pain_seconds: float
    pain_measured: bool
    next_step: str | None
    discovery_3plus: bool
    pain_2min: bool
    next_step_agreed: bool
    high_quality: bool


class SignalPublic(BaseModel):
    signal: Signal
    quote: str
    start: int
    end: int


class EnginePublic(BaseModel):
    name: str
    version: str
    model: str | None = None
    prompt: str | None = None
    note: str | None = None


class FollowUpPublic(BaseModel):
    id: str
    customer_id: str
    deal_id: str | None
    at: datetime
    kind: str
    input_kind: str | None
    status: Literal["received", "extracted", "failed", "imported", "recorded"]
    error: str | None = None
    text: str
    fields: FieldsPublic | None = None
    quality: QualityPublic | None = None
    signals: list[SignalPublic] = []
    evidence: dict[str, EvidencePublic] = {}
    engine: EnginePublic | None = None


class StageEntryPublic(BaseModel):
    stage: Stage
    at: datetime
    source: str
    activity_id: str | None = None


class DealPublic(BaseModel):
    id: str
    name: str
    stage: Stage
    amount: float | None
    budget: float | None
    expected_close: date | None
    lost_reason: str | None
    stage_history: list[StageEntryPublic]


class ContactPublic(BaseModel):
    name: str
    title: str | None
    role: str | None


class CustomerFile(BaseModel):
    """The customer's digital file: the five fields, deals, contacts and latest follow-ups."""

    id: str
    name: str
    industry: str | None
    owner_id: str | None
    source_channel: Channel | None
    first_contact_date: date | None
    stage: Stage | None
    summary: str | None
    next_follow_up_date: date | None
    next_follow_up_proposed: bool
    last_activity_at: datetime | None
    contacts: list[ContactPublic]
    deals: list[DealPublic]
    latest_followups: list[FollowUpPublic]
    contracts: list[dict[str, Any]] = Field(
        default_factory=list, description="Each deal's latest contract: fields, evidence, differences."
    )
    risks: list[RiskPublic] = Field(default_factory=list)
    minutes: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Three-party meeting minutes: id, title, status, due time, overdue, open blocks.",
    )
    tickets: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Cross-role tickets: id, title, role asked, status, due time, overdue.",
    )
    kickoffs: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Kick-off preparation of won deals: deal, status, due time, overdue, missing parts.",
    )


class RiskPublic(BaseModel):
    kind: Literal["contract_difference", "requirement_confirmation"]
    deal_id: str
    message: str
    overdue: bool = False


class Page(BaseModel):
    items: list[FollowUpPublic]
    total: int
    limit: int
    offset: int
