"""Each organization's own definitions: risk rules, the negotiation gate, health weights, the funnel.

Defaults are FORMAT.md's ("Rules the questions rely on"). An organization stores only what it
changed; reading merges that over the defaults, and every change is validated as a whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from copilot.domain import Stage
from copilot.errors import InvalidInput, invalid
from copilot.store.models import OrgPolicy


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StaleCustomerRule(_Part):
    """A customer with an open deal at `min_stage` or later and no activity of any kind for `hours`."""

    enabled: bool = True
    hours: float = Field(72, gt=0, le=24 * 365)
    min_stage: Stage = Stage.INTENT

    @field_validator("min_stage")
    @classmethod
    def _open_stage(cls, value: Stage) -> Stage:
        if not value.is_open:
            raise ValueError("min_stage must be an open stage (lead, intent, proposal or negotiation)")
        return value


class StuckDealRule(_Part):
    """A deal longer in its current stage than the stage's limit, in days."""

    enabled: bool = True
    limits: dict[Stage, float] = Field(
        default_factory=lambda: {Stage.NEGOTIATION: 15.0, Stage.PROPOSAL: 21.0, Stage.INTENT: 30.0}
    )

    @field_validator("limits")
    @classmethod
    def _open_stages(cls, value: dict[Stage, float]) -> dict[Stage, float]:
        for stage, days in value.items():
            if not stage.is_open:
                raise ValueError(f"a stuck limit applies to open stages only, not {stage.value!r}")
            if days <= 0:
                raise ValueError(f"the {stage.value} limit must be more than 0 days")
        return value


class DecisionMakerRule(_Part):
    """An open deal whose customer has no contact with role decision_maker."""

    enabled: bool = True
    min_stage: Stage = Stage.LEAD


class ConfirmationLetterRule(_Part):
    """A negotiation deal without a confirmation letter naming payment method, delivery and acceptance."""

    enabled: bool = True


class LegalFinanceRule(_Part):
    """A negotiation deal with no activity by these roles in the last `days`."""

    enabled: bool = True
    days: float = Field(7, gt=0, le=365)
    roles: list[str] = Field(default_factory=lambda: ["legal", "finance"], min_length=1)


class RequirementChangeRule(_Part):
    """A requirement change by sales that the solution owner has not answered within `hours`."""

    enabled: bool = True
    hours: float = Field(48, gt=0, le=24 * 365)


class ContractDifferenceRule(_Part):
    """A difference between the latest contract and the requirements that nobody has acknowledged."""

    enabled: bool = True


class RiskRules(_Part):
    stale_customer: StaleCustomerRule = Field(default_factory=StaleCustomerRule)
    stuck_deal: StuckDealRule = Field(default_factory=StuckDealRule)
    missing_decision_maker: DecisionMakerRule = Field(default_factory=DecisionMakerRule)
    missing_confirmation_letter: ConfirmationLetterRule = Field(default_factory=ConfirmationLetterRule)
    no_legal_finance_activity: LegalFinanceRule = Field(default_factory=LegalFinanceRule)
    unanswered_requirement_change: RequirementChangeRule = Field(default_factory=RequirementChangeRule)
    open_contract_difference: ContractDifferenceRule = Field(default_factory=ContractDifferenceRule)


RULE_NAMES: tuple[str, ...] = tuple(RiskRules.model_fields)


class NegotiationGate(_Part):
    """Entering negotiation (or winning) needs a confirmation letter with all three elements."""

    enabled: bool = True


class HealthWeights(_Part):
    """The customer health weight: 1.0 times each factor that applies (FORMAT.md's defaults)."""

    industry_factors: dict[str, float] = Field(default_factory=lambda: {"finance": 1.5})
    relationship_years_min: float = Field(3, ge=0)
    relationship_factor: float = Field(1.3, gt=0)
    budget_min: float = Field(500_000, ge=0)
    budget_factor: float = Field(1.2, gt=0)


class FunnelSettings(_Part):
    """The per-rep daily funnel: deals opened in the last `window_days`, drops flagged at `drop_points`."""

    window_days: int = Field(180, ge=7, le=3650)
    drop_points: float = Field(10, gt=0, le=100)


_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class Rhythm(_Part):
    """When the daily jobs run, in the team's time zone (default: the service's)."""

    enabled: bool = True
    timezone: str | None = None
    brief_time: str = Field("08:30", pattern=_HHMM)
    alerts_time: str = Field("09:00", pattern=_HHMM)
    patrol_weekday: int = Field(4, ge=0, le=6)  # Monday 0 ... Friday 4
    patrol_time: str = Field("15:00", pattern=_HHMM)
    patrol_hours: float = Field(72, gt=0, le=24 * 90)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Asia/Shanghai") from exc
        return value


class Policy(_Part):
    """Everything an organization can define for itself."""

    language: Literal["zh", "en"] = "zh"  # the language of suggestions, briefs and alerts
    rhythm: Rhythm = Field(default_factory=Rhythm)

    risk_rules: RiskRules = Field(default_factory=RiskRules)
    negotiation_gate: NegotiationGate = Field(default_factory=NegotiationGate)
    health: HealthWeights = Field(default_factory=HealthWeights)
    funnel: FunnelSettings = Field(default_factory=FunnelSettings)


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _validated(data: dict[str, Any]) -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, "policy setting {where}: {msg}") from exc


def load_policy(session: Session, org_id: int) -> Policy:
    """The organization's policy: its stored changes over the defaults."""
    row = session.get(OrgPolicy, org_id)
    return _validated(row.values) if row is not None else Policy()


def update_policy(
    session: Session, org_id: int, change: dict[str, Any], *, user_id: int | None, now: datetime
) -> Policy:
    """Apply a partial change (nested keys), validate the result, store it; the new policy."""
    if not isinstance(change, dict) or not change:
        raise InvalidInput('send the settings to change as a JSON object, e.g. {"stuck_deal": ...}')
    row = session.get(OrgPolicy, org_id)
    current = _validated(row.values) if row is not None else Policy()
    merged = _merge(current.model_dump(mode="json"), change)
    policy = _validated(merged)
    stored = policy.model_dump(mode="json", exclude_defaults=True)
    if row is None:
        session.add(OrgPolicy(org_id=org_id, values=stored, updated_at=now, updated_by_id=user_id))
    else:
        row.values, row.updated_at, row.updated_by_id = stored, now, user_id
    return policy


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """`a.b.c=value` pairs (value as JSON when it parses, else a string) as one nested change."""
    import json

    change: dict[str, Any] = {}
    for pair in pairs:
        path, sep, raw = pair.partition("=")
        if not sep or not path:
            raise InvalidInput(
                f"{pair!r}: write a setting as name.sub=value, e.g. stuck_deal.limits.negotiation=20"
            )
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = change
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise InvalidInput(f"{pair!r} conflicts with another setting")
        node[keys[-1]] = value
    return change
