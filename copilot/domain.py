"""The product's vocabulary: stages, channels, signals and the shapes of extracted facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Stage(StrEnum):
    LEAD = "lead"
    INTENT = "intent"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def rank(self) -> int:
        """Order along the funnel; won and lost are both terminal."""
        return _STAGE_RANK[self]

    @property
    def is_open(self) -> bool:
        return self not in (Stage.WON, Stage.LOST)


_STAGE_RANK = {
    Stage.LEAD: 0,
    Stage.INTENT: 1,
    Stage.PROPOSAL: 2,
    Stage.NEGOTIATION: 3,
    Stage.WON: 4,
    Stage.LOST: 4,
}


INDUSTRIES: tuple[str, ...] = (
    "finance",
    "manufacturing",
    "saas",
    "retail",
    "healthcare",
    "education",
    "energy",
    "construction",
    "other",
)
CONTACT_ROLES: tuple[str, ...] = (
    "decision_maker",
    "influencer",
    "user",
    "procurement",
    "finance",
    "legal",
    "technical",
)


class Channel(StrEnum):
    WEBSITE = "website"
    TRADE_SHOW = "trade_show"
    REFERRAL = "referral"
    COLD_OUTREACH = "cold_outreach"
    ONLINE_ADS = "online_ads"
    SOCIAL_MEDIA = "social_media"
    PARTNER = "partner"
    EXISTING_CUSTOMER = "existing_customer"
    TENDER = "tender"
    OTHER = "other"


class Signal(StrEnum):
    PRICE = "price"
    CONTRACT = "contract"
    CLOSING_SOON = "closing_soon"
    COMPETITOR = "competitor"
    BUDGET = "budget"
    DECISION_MAKER = "decision_maker"
    PAYMENT = "payment"
    DELIVERY = "delivery"
    OBJECTION = "objection"


class InputKind(StrEnum):
    DICTATION = "dictation"
    CHAT = "chat"
    CALL = "call"


class Speaker(StrEnum):
    REP = "rep"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Segment:
    """One utterance of an interaction, located in the interaction's flattened text."""

    speaker: Speaker
    text: str
    offset: int  # where `text` starts in Interaction.text
    start_s: float | None = None
    end_s: float | None = None
    at: datetime | None = None
    name: str | None = None

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


@dataclass(frozen=True)
class Interaction:
    """A rep's interaction, normalised: one text plus its speaker segments.

    A dictation is a single segment spoken by the rep; chats and calls keep one segment per
    message or turn, joined by newlines so evidence spans index into `text`.
    """

    kind: InputKind
    text: str
    segments: tuple[Segment, ...]
    reference_time: datetime
    lang: str = "zh"


@dataclass(frozen=True)
class CustomerContext:
    """What the CRM already knows about the customer before this interaction."""

    name: str | None = None
    contacts: tuple[str, ...] = ()  # the customer's contacts' names (masked with names, when configured)
    known_first_contact_date: date | None = None
    known_source_channel: Channel | None = None
    current_stage: Stage | None = None


@dataclass(frozen=True)
class Evidence:
    """The span of the interaction text a value came from."""

    start: int
    end: int
    quote: str

    def as_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "quote": self.quote}


@dataclass(frozen=True)
class SignalHit:
    signal: Signal
    evidence: Evidence


@dataclass(frozen=True)
class QualityFeatures:
    """What the interaction shows about its quality, before the rule is applied."""

    discovery_questions: tuple[Evidence, ...] = ()
    pain_seconds: float = 0.0
    pain_evidence: tuple[Evidence, ...] = ()
    pain_measured: bool = False  # True when timed (calls); False when estimated or reported
    next_step: Evidence | None = None


@dataclass(frozen=True)
class QualityVerdict:
    discovery_3plus: bool
    pain_2min: bool
    next_step: bool
    high_quality: bool


@dataclass(frozen=True)
class EngineRun:
    """How a result was produced: the engine that answered, the model, prompt and token usage."""

    engine: str
    version: str
    model: str | None = None
    prompt: str | None = None  # prompt_id@version
    usage: dict[str, int] | None = None
    calls: int = 0  # model calls made
    note: str | None = None  # e.g. why the LLM engine fell back to the offline one


@dataclass(frozen=True)
class FollowUpFields:
    """The five required fields plus quality features and signals, each value with evidence.

    `None` means "not found in the input or the CRM": nothing is invented.
    """

    source_channel: Channel | None = None
    first_contact_date: date | None = None
    stage: Stage | None = None
    summary: str = ""
    next_follow_up_date: date | None = None
    quality: QualityFeatures = field(default_factory=QualityFeatures)
    signals: tuple[SignalHit, ...] = ()
    # evidence per field name: source_channel, first_contact_date, stage, next_follow_up_date, summary
    evidence: dict[str, Evidence] = field(default_factory=dict)
    # where a value came from when not the input ("crm", "crm_history", "interaction_date")
    provenance: dict[str, str] = field(default_factory=dict)
    # set by engines that call a model or fall back; None for the plain offline engine
    run: EngineRun | None = None


_REASON_HEAD = re.compile(r"^\s*([^：:，,。;；]{1,24})\s*[：:]")


def lost_reason_category(reason: str | None) -> str:
    """The reason's category: the label before its colon ("竞品：华为中标" -> 竞品), else the reason."""
    if not reason or not reason.strip():
        return "未填写 / not given"
    match = _REASON_HEAD.match(reason)
    return match.group(1).strip() if match else reason.strip()[:24]
