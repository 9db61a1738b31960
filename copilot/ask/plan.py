"""The typed query plan: what a question becomes before anything runs.

Both engines (the offline parser and a model) produce this and nothing else; it is validated, then
executed over the pipeline snapshot. A plan names an entity (deals, customers, reps, activities),
conditions on it, and a result (the ids, a count, a sum, an average, a top-N, a comparison between
two periods, or a prioritisation). Scope is never part of a plan: the caller's scope is applied to
every plan by the executor.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from copilot.domain import Stage

Entity = Literal["deal", "customer", "rep", "activity"]

# The fields each entity can be filtered, summed or ranked on (inherited ones included: a deal
# has its customer's industry and its owner's team).
CATEGORY_FIELDS: dict[str, frozenset[str]] = {
    "deal": frozenset(
        {
            "stage",
            "industry",
            "source_channel",
            "rep",
            "team",
            "customer",
            "deal",
            "lost_reason_category",
            "contact_role",
        }
    ),
    "customer": frozenset({"industry", "source_channel", "rep", "team", "customer", "contact_role"}),
    "activity": frozenset(
        {"kind", "actor_role", "actor", "rep", "team", "customer", "deal", "industry", "source_channel"}
    ),
    "rep": frozenset({"rep", "team"}),
}
NUMBER_FIELDS: dict[str, frozenset[str]] = {
    "deal": frozenset(
        {
            "amount",
            "budget",
            "health_weight",
            "weighted_value",
            "days_in_stage",
            "relationship_years",
            "over_budget",
            "weight_uplift",
            "days_to_close",
            "contacts",
        }
    ),
    "customer": frozenset(
        {
            "relationship_years",
            "days_since_activity",
            "open_amount",
            "weighted_value",
            "open_deals",
            "contacts",
        }
    ),
    "activity": frozenset(),
    "rep": frozenset(),
}
DATE_FIELDS: dict[str, frozenset[str]] = {
    "deal": frozenset({"expected_close", "opened_at", "entered_stage_at"} | {f"{s.value}_at" for s in Stage}),
    "customer": frozenset({"first_contact_at", "last_activity_at"}),
    "activity": frozenset({"at"}),
    "rep": frozenset(),
}
TEXT_FIELDS: dict[str, frozenset[str]] = {
    "deal": frozenset({"name", "lost_reason"}),
    "customer": frozenset({"name"}),
    "activity": frozenset(),
    "rep": frozenset({"name"}),
}
RULES: dict[str, frozenset[str]] = {
    "stale_customer": frozenset({"customer", "deal"}),
    "stuck_deal": frozenset({"deal"}),
    "missing_decision_maker": frozenset({"deal", "customer"}),
    "missing_confirmation_letter": frozenset({"deal"}),
    "complete_confirmation_letter": frozenset({"deal"}),
    "no_legal_finance_activity": frozenset({"deal"}),
    "unanswered_requirement_change": frozenset({"deal"}),
    "open_contract_difference": frozenset({"deal"}),
}
RuleName = Literal[
    "stale_customer",
    "stuck_deal",
    "missing_decision_maker",
    "missing_confirmation_letter",
    "complete_confirmation_letter",
    "no_legal_finance_activity",
    "unanswered_requirement_change",
    "open_contract_difference",
]
Period = Literal[
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
]
Op = Literal[">", ">=", "<", "<=", "=", "!="]


class _P(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_P):
    """A time window: the last N hours before as_of, a named calendar period (team's time zone), or
    dates (inclusive). Windows never reach past as_of."""

    last_hours: float | None = Field(None, gt=0, le=24 * 3660)
    shift_hours: float = Field(
        0, ge=0, le=24 * 3660, description="With last_hours: end this long before as_of"
    )
    period: Period | None = None
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Window:
        forms = [
            self.last_hours is not None,
            self.period is not None,
            self.start is not None or self.end is not None,
        ]
        if sum(forms) != 1:
            raise ValueError("a window is exactly one of: last_hours, period, or start/end dates")
        return self


class In(_P):
    """The field's value is one of `values` (stage names, industries, rep or customer ids...)."""

    kind: Literal["in"] = "in"
    field: str
    values: list[str] = Field(min_length=1, max_length=200)


class Compare(_P):
    """A number field against a number, or against another number field (amount > budget)."""

    kind: Literal["compare"] = "compare"
    field: str
    op: Op
    value: float | None = None
    other_field: str | None = None

    @model_validator(mode="after")
    def _one_side(self) -> Compare:
        if (self.value is None) == (self.other_field is None):
            raise ValueError("compare needs exactly one of value or other_field")
        return self


class During(_P):
    """A date field falls within the window."""

    kind: Literal["during"] = "during"
    field: str
    window: Window


class DateCompare(_P):
    """A date field on, before or after a date."""

    kind: Literal["date"] = "date"
    field: str
    op: Op
    value: date


class Contains(_P):
    kind: Literal["contains"] = "contains"
    field: str
    text: str = Field(min_length=1, max_length=100)


class RuleParams(_P):
    """Overrides of the organization's rule settings for this question ("三天没跟进", "over 10 days")."""

    hours: float | None = Field(None, gt=0, le=24 * 3660)
    days: float | None = Field(None, gt=0, le=3660)
    stages: list[Stage] | None = None
    limits: dict[Stage, float] | None = None
    min_stage: Stage | None = None


class Rule(_P):
    """A risk rule holds (FORMAT.md's definitions, with the organization's settings)."""

    kind: Literal["rule"] = "rule"
    rule: RuleName
    params: RuleParams = Field(default_factory=RuleParams)


class Related(_P):
    """The number of related records matching `where` compares to `count` (a customer with at least
    one won deal; a rep with no visit in the last 7 days)."""

    kind: Literal["related"] = "related"
    entity: Entity
    where: list[Condition] = Field(default_factory=list, max_length=20)
    op: Op = ">="
    count: int = Field(1, ge=0)


class Not(_P):
    kind: Literal["not"] = "not"
    condition: Condition


class Trend(_P):
    """Related records matching `where` counted in two windows compare: a rep who logged fewer
    activities this week than last week (count in `a` op count in `b`)."""

    kind: Literal["trend"] = "trend"
    entity: Entity
    where: list[Condition] = Field(default_factory=list, max_length=20)
    a: Window
    b: Window
    op: Op = "<"


Condition = Annotated[
    In | Compare | During | DateCompare | Contains | Rule | Related | Not | Trend, Field(discriminator="kind")
]


class Metric(_P):
    """What a top-N ranks by: a number field, or a count/sum over related records."""

    field: str | None = None
    related: Entity | None = None
    where: list[Condition] = Field(default_factory=list, max_length=20)
    agg: Literal["count", "sum"] = "count"
    sum_field: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Metric:
        if (self.field is None) == (self.related is None):
            raise ValueError("a metric is a field or a related count/sum")
        return self


class ListResult(_P):
    kind: Literal["list"] = "list"


class CountResult(_P):
    kind: Literal["count"] = "count"


class SumResult(_P):
    kind: Literal["sum"] = "sum"
    field: str


class AvgResult(_P):
    kind: Literal["avg"] = "avg"
    field: str


class TopResult(_P):
    kind: Literal["top"] = "top"
    by: Metric
    n: int = Field(1, ge=1, le=100)
    order: Literal["desc", "asc"] = "desc"


class CompareResult(_P):
    """measure(where + a) minus measure(where + b): "how many more visits this week than last"."""

    kind: Literal["compare"] = "compare"
    measure: Literal["count", "sum"] = "count"
    field: str | None = None
    a: list[Condition] = Field(min_length=1, max_length=10)
    b: list[Condition] = Field(min_length=1, max_length=10)


class PrioritiseResult(_P):
    """Customers to keep when visits must be cut: ranked by health-weighted open value per visit,
    kept until the visits they cost reach (100 - cut_pct)% of the recent visits."""

    kind: Literal["prioritise"] = "prioritise"
    cut_pct: float = Field(20, gt=0, lt=100)
    window_days: float = Field(90, gt=0, le=3660)


Result = Annotated[
    ListResult | CountResult | SumResult | AvgResult | TopResult | CompareResult | PrioritiseResult,
    Field(discriminator="kind"),
]


class Plan(_P):
    """A question as a query over the pipeline (never SQL)."""

    entity: Entity
    where: list[Condition] = Field(default_factory=list, max_length=20)
    result: Result = Field(default_factory=ListResult)

    def answer_key(self) -> str:
        """The key of FORMAT.md's `ask` form that this plan's answer carries."""
        kind = self.result.kind
        if kind in ("list", "top"):
            return f"{self.entity}_ids"
        if kind == "prioritise":
            return "customer_ids"
        if kind == "count" or (kind == "compare" and self.result.measure == "count"):  # type: ignore[union-attr]
            return "count"
        return "value"


Related.model_rebuild()
Not.model_rebuild()
Trend.model_rebuild()
Metric.model_rebuild()
CompareResult.model_rebuild()
Plan.model_rebuild()
