"""Runs a validated plan over the pipeline snapshot, within the caller's scope, as of a time.

Deals, customers and reps are evaluated as sets of snapshot indexes; activities (hundreds of
thousands) as numpy masks. Every condition that a risk rule decides keeps the rule's records, so
the answer can show what is behind each id and number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np

from copilot.ask.plan import (
    AvgResult,
    Compare,
    CompareResult,
    Condition,
    Contains,
    CountResult,
    DateCompare,
    During,
    In,
    Metric,
    Not,
    Plan,
    PrioritiseResult,
    Related,
    Rule,
    RuleParams,
    SumResult,
    TopResult,
    Trend,
    Window,
)
from copilot.ask.validate import Scope
from copilot.domain import Stage, lost_reason_category
from copilot.pipeline.snapshot import ACTIVITY_KINDS, ACTOR_ROLES, PipelineSnapshot, from_epoch, to_epoch
from copilot.policies import Policy
from copilot.risks import rules as risk_rules
from copilot.risks.rules import RecordRef, Risk
from copilot.risks.scores import deal_health

Elements = Any  # set[int] for deals/customers/reps, a boolean np.ndarray for activities

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


@dataclass
class Execution:
    """What a plan produced: the answer value, the records behind it, and each element's evidence."""

    key: str
    value: Any
    elements: list[Any]  # the ids (or indexes) the value is computed from, in answer order
    metric: dict[Any, float] = field(default_factory=dict)
    evidence: dict[tuple[str, Any], list[RecordRef]] = field(default_factory=dict)
    parts: dict[str, Any] = field(default_factory=dict)


class Executor:
    def __init__(
        self, snap: PipelineSnapshot, scope: Scope, policy: Policy, as_of: datetime, tz: tzinfo
    ) -> None:
        self.snap = snap
        self.scope = scope
        self.policy = policy
        self.as_of = as_of
        self.tz = tz
        acts = snap.activities
        upto = acts.span(None, as_of).stop
        visible = np.zeros(len(snap.customers), dtype=bool)
        visible[list(scope.customers)] = True
        mask = np.zeros(len(acts), dtype=bool)
        mask[:upto] = visible[acts.customer[:upto]] if upto else False
        self.activity_base = mask
        existing = snap.existing_deals(as_of)
        everyone = len(scope.customers) == len(snap.customers)
        self.deal_base = set(
            existing if everyone else (d for d in existing if snap.deals[d].customer in scope.customers)
        )
        self.customer_base = set(scope.customers)
        self.rep_base = set(scope.reps)
        self.evidence: dict[tuple[str, Any], list[RecordRef]] = {}
        self._rules: dict[tuple[str, str], dict[int, Risk]] = {}

    # -- entry ------------------------------------------------------------------------------

    def run(self, plan: Plan) -> Execution:
        base = self.filter(plan.entity, self.base(plan.entity), plan.where)
        result = plan.result
        key = plan.answer_key()
        if isinstance(result, CountResult):
            return Execution(
                key, self.size(plan.entity, base), self.ordered(plan.entity, base), evidence=self.evidence
            )
        if isinstance(result, SumResult | AvgResult):
            values = {
                e: v
                for e in self.ordered(plan.entity, base)
                if (v := self.number(plan.entity, e, result.field)) is not None
            }
            total = sum(values.values())
            value = total if isinstance(result, SumResult) else (total / len(values) if values else 0.0)
            return Execution(key, round(value, 2), list(values), values, self.evidence)
        if isinstance(result, TopResult):
            return self._top(plan.entity, base, result, key)
        if isinstance(result, CompareResult):
            return self._compare(plan.entity, base, result, key)
        if isinstance(result, PrioritiseResult):
            return self._prioritise(base, result, key)
        return Execution(key, None, self.ordered(plan.entity, base), evidence=self.evidence)

    # -- sets -------------------------------------------------------------------------------

    def base(self, entity: str) -> Elements:
        if entity == "activity":
            return self.activity_base.copy()
        return set({"deal": self.deal_base, "customer": self.customer_base, "rep": self.rep_base}[entity])

    def size(self, entity: str, elements: Elements) -> int:
        return int(elements.sum()) if entity == "activity" else len(elements)

    def ordered(self, entity: str, elements: Elements) -> list[Any]:
        if entity == "activity":
            return [int(i) for i in np.flatnonzero(elements)]
        return sorted(elements)

    def filter(self, entity: str, elements: Elements, conditions: Sequence[Condition]) -> Elements:
        for c in conditions:
            elements = self.apply(entity, elements, c)
        return elements

    def apply(self, entity: str, elements: Elements, c: Condition) -> Elements:
        if isinstance(c, Not):
            matched = self.apply(
                entity, elements.copy() if entity == "activity" else set(elements), c.condition
            )
            return elements & ~matched if entity == "activity" else elements - matched
        if entity == "activity":
            return elements & self._activity_mask(c)
        if isinstance(c, Related):
            return self._related(entity, elements, c)
        if isinstance(c, Trend):
            return self._trend(entity, elements, c)
        if isinstance(c, Rule):
            return self._rule(entity, elements, c)
        test = self._test(entity, c)
        return {e for e in elements if test(e)}

    # -- one element at a time (deals, customers, reps) --------------------------------------

    def _test(self, entity: str, c: Condition) -> Callable[[int], bool]:
        if isinstance(c, In):
            wanted = {v.casefold() for v in c.values}
            getter = self._category(entity, c.field)
            return lambda e: _matches(getter(e), wanted)
        if isinstance(c, Compare):
            op = _OPS[c.op]
            other = c.other_field
            value = c.value

            def compare(e: int) -> bool:
                left = self.number(entity, e, c.field)
                right = self.number(entity, e, other) if other is not None else value
                return left is not None and right is not None and op(left, right)

            return compare
        if isinstance(c, During):
            lo, hi = self.window(c.window)
            return lambda e: (t := self.moment(entity, e, c.field)) is not None and lo <= t <= hi
        if isinstance(c, DateCompare):
            op = _OPS[c.op]
            return lambda e: (
                (t := self.moment(entity, e, c.field)) is not None
                and op(t.astimezone(self.tz).date().toordinal(), c.value.toordinal())
            )
        if isinstance(c, Contains):
            needle = c.text.casefold()
            return lambda e: needle in (self.text(entity, e, c.field) or "").casefold()
        raise TypeError(f"unexpected condition {c!r}")

    def _category(self, entity: str, name: str) -> Callable[[int], Any]:
        snap = self.snap
        if entity == "rep":
            return {"rep": lambda u: snap.users[u].ext, "team": lambda u: snap.users[u].team}[name]
        if entity == "deal":
            if name == "stage":
                return lambda d: s.value if (s := snap.deals[d].stage_at(self.as_of)) else None
            if name == "deal":
                return lambda d: snap.deals[d].ext
            if name == "lost_reason_category":
                return lambda d: (
                    lost_reason_category(snap.deals[d].lost_reason) if snap.deals[d].lost_reason else None
                )
            customer_of = self._customer_field(name)
            return lambda d: customer_of(snap.deals[d].customer)
        return self._customer_field(name)

    def _customer_field(self, name: str) -> Callable[[int], Any]:
        snap = self.snap
        if name == "customer":
            return lambda c: snap.customers[c].ext
        if name == "contact_role":
            return lambda c: {x.role for x in snap.customers[c].contacts if x.role}
        if name in ("rep", "team"):

            def owner(c: int) -> Any:
                user = snap.owner(c)
                return None if user is None else (user.ext if name == "rep" else user.team)

            return owner
        return lambda c: getattr(snap.customers[c], name)

    def number(self, entity: str, e: int, name: str) -> float | None:
        snap = self.snap
        if entity == "deal":
            deal = snap.deals[e]
            if name in ("amount", "budget"):
                value = getattr(deal, name)
                return float(value) if value is not None else None
            if name == "health_weight":
                return deal_health(snap, e, self.policy.health).weight
            if name == "weighted_value":
                return deal_health(snap, e, self.policy.health).weighted_value
            if name == "days_in_stage":
                entered = deal.entered_at(self.as_of)
                return (self.as_of - entered).total_seconds() / 86400 if entered else None
            if name == "relationship_years":
                return snap.customers[deal.customer].relationship_years
            if name == "over_budget":  # how far the amount is above the budget
                return (
                    deal.amount - deal.budget if deal.amount is not None and deal.budget is not None else None
                )
            if name == "weight_uplift":  # what the health weighting adds to the amount
                health = deal_health(snap, e, self.policy.health)
                return health.weighted_value - health.amount
            if name == "days_to_close":
                if deal.expected_close is None:
                    return None
                return float((deal.expected_close - self.as_of.astimezone(self.tz).date()).days)
            if name == "contacts":
                return float(len(snap.customers[deal.customer].contacts))
            return None
        if entity == "customer":
            customer = snap.customers[e]
            if name == "relationship_years":
                return customer.relationship_years
            if name == "contacts":
                return float(len(customer.contacts))
            open_deals = [
                d
                for d in customer.deals
                if d in self.deal_base and (s := snap.deals[d].stage_at(self.as_of)) and s.is_open
            ]
            if name == "open_deals":
                return float(len(open_deals))
            if name == "open_amount":
                return float(sum(snap.deals[d].amount or 0 for d in open_deals))
            if name == "weighted_value":
                return float(sum(deal_health(snap, d, self.policy.health).weighted_value for d in open_deals))
            if name == "days_since_activity":
                last = int(snap.last_activity(self.as_of)[e])
                return (self.as_of - from_epoch(last)).total_seconds() / 86400 if last >= 0 else None
        return None

    def moment(self, entity: str, e: int, name: str) -> datetime | None:
        snap = self.snap
        if entity == "deal":
            deal = snap.deals[e]
            if name == "expected_close":
                return _day_start(deal.expected_close, self.tz) if deal.expected_close else None
            if name == "opened_at":
                return deal.opened_at()
            if name == "entered_stage_at":
                return deal.entered_at(self.as_of)
            if name.endswith("_at") and name[:-3] in Stage.__members__.values():
                entries = deal.entries(Stage(name[:-3]), self.as_of)
                return entries[-1] if entries else None
        if entity == "customer":
            customer = snap.customers[e]
            if name == "first_contact_at":
                return customer.first_contact_at
            if name == "last_activity_at":
                last = int(snap.last_activity(self.as_of)[e])
                return from_epoch(last) if last >= 0 else None
        return None

    def text(self, entity: str, e: int, name: str) -> str | None:
        snap = self.snap
        if entity == "deal":
            value = getattr(snap.deals[e], name)
            return str(value) if value is not None else None
        if entity == "customer":
            return snap.customers[e].name
        return snap.users[e].name

    def window(self, w: Window) -> tuple[datetime, datetime]:
        """The window's first and last moment."""
        if w.last_hours is not None:
            until = self.as_of - timedelta(hours=w.shift_hours)
            return until - timedelta(hours=w.last_hours), until
        if w.period is not None:
            first, last = period_days(w.period, self.as_of.astimezone(self.tz).date())
        else:
            first, last = w.start or date(1970, 1, 1), w.end or date(9999, 12, 30)
        end = _day_start(last + timedelta(days=1), self.tz) - timedelta(microseconds=1)
        return _day_start(first, self.tz), end

    # -- activities, as masks ----------------------------------------------------------------

    def _activity_mask(self, c: Condition) -> np.ndarray:
        acts = self.snap.activities
        n = len(acts)
        if isinstance(c, In):
            return self._activity_in(c.field, c.values)
        if isinstance(c, During):
            lo, hi = self.window(c.window)
            return (acts.at >= to_epoch(lo)) & (acts.at <= to_epoch(hi))
        if isinstance(c, DateCompare):
            day = to_epoch(_day_start(c.value, self.tz))
            nxt = day + 86400
            return {
                ">": acts.at >= nxt,
                ">=": acts.at >= day,
                "<": acts.at < day,
                "<=": acts.at < nxt,
                "=": (acts.at >= day) & (acts.at < nxt),
                "!=": (acts.at < day) | (acts.at >= nxt),
            }[c.op]
        if isinstance(c, Not):
            return ~self._activity_mask(c.condition)
        if isinstance(c, Related):
            # an activity's customer, deal or actor matching
            if c.entity == "customer":
                ok = self.filter("customer", self.base("customer"), c.where)
                return np.isin(acts.customer, list(ok)) if _holds(c, 1) else ~np.isin(acts.customer, list(ok))
            if c.entity == "deal":
                ok = self.filter("deal", self.base("deal"), c.where)
                return np.isin(acts.deal, list(ok)) if _holds(c, 1) else ~np.isin(acts.deal, list(ok))
            ok = self.filter("rep", self.base("rep"), c.where)
            return np.isin(acts.actor, list(ok)) if _holds(c, 1) else ~np.isin(acts.actor, list(ok))
        return np.zeros(n, dtype=bool)

    def _activity_in(self, name: str, values: list[str]) -> np.ndarray:
        acts = self.snap.activities
        snap = self.snap
        if name == "kind":
            return np.isin(acts.kind, [ACTIVITY_KINDS.index(v) for v in values if v in ACTIVITY_KINDS])
        if name == "actor_role":
            return np.isin(acts.role, [ACTOR_ROLES.index(v) for v in values if v in ACTOR_ROLES])
        if name == "actor":
            return np.isin(acts.actor, [snap.user_by_ext[v] for v in values if v in snap.user_by_ext])
        if name == "deal":
            return np.isin(acts.deal, [snap.deal_by_ext[v] for v in values if v in snap.deal_by_ext])
        if name == "team":  # a team's activities are the ones its members did
            teams = {v.casefold() for v in values}
            members = [u.id for u in snap.users.values() if u.team is not None and u.team.casefold() in teams]
            return np.isin(acts.actor, members)
        # customer-level fields: through each activity's customer
        getter = self._customer_field(name)
        wanted = {v.casefold() for v in values}
        ok = np.array(
            [(v := getter(c.idx)) is not None and str(v).casefold() in wanted for c in snap.customers]
            or [False]
        )
        return ok[acts.customer] if len(acts) else np.zeros(0, dtype=bool)

    # -- rules ------------------------------------------------------------------------------

    def rule_hits(self, rule: str, params: RuleParams) -> dict[int, Risk]:
        """The rule's risks (keyed by deal index, or customer index for stale customers)."""
        key = (rule, params.model_dump_json())
        if key in self._rules:
            return self._rules[key]
        snap, as_of, visible, rules = self.snap, self.as_of, self.scope.customers, self.policy.risk_rules
        found: list[Risk]
        if rule == "stale_customer":
            hours = params.hours or (params.days * 24 if params.days else rules.stale_customer.hours)
            min_stage = params.min_stage or rules.stale_customer.min_stage
            found = list(risk_rules.stale_customers(snap, as_of, visible, hours=hours, min_stage=min_stage))
        elif rule == "stuck_deal":
            limits = dict(rules.stuck_deal.limits)
            stages = params.stages or ([s for s in Stage if s.is_open] if params.days else list(limits))
            limits = {
                s: params.days if params.days else limits[s] for s in stages if params.days or s in limits
            }
            found = list(risk_rules.stuck_deals(snap, as_of, visible, limits=limits))
        elif rule == "missing_decision_maker":
            found = list(
                risk_rules.missing_decision_makers(
                    snap, as_of, visible, min_stage=params.min_stage or Stage.LEAD
                )
            )
        elif rule == "missing_confirmation_letter":
            found = list(risk_rules.missing_confirmation_letters(snap, as_of, visible))
        elif rule == "complete_confirmation_letter":
            found = []
            for d in self.deal_base:
                letter = snap.complete_letter(d, as_of)
                if letter is not None:
                    found.append(
                        Risk(
                            rule,
                            snap.deals[d].customer,
                            d,
                            letter.at,
                            {"letter": letter.ext},
                            (RecordRef("document", letter.ext, letter.at, "complete confirmation letter"),),
                        )
                    )
        elif rule == "no_legal_finance_activity":
            cfg = rules.no_legal_finance_activity
            days = params.days or (params.hours / 24 if params.hours else cfg.days)
            found = list(
                risk_rules.no_legal_finance_activity(snap, as_of, visible, days=days, roles=cfg.roles)
            )
        elif rule == "unanswered_requirement_change":
            hours = params.hours or rules.unanswered_requirement_change.hours
            found = list(risk_rules.unanswered_requirement_changes(snap, as_of, visible, hours=hours))
        else:
            found = list(risk_rules.open_contract_differences(snap, as_of, visible))
        hits: dict[int, Risk] = {}
        for risk in found:
            if risk.deal is None:  # stale customers: one hit per customer, and one per open deal
                hits[-1 - risk.customer] = risk
                for ext in risk.facts.get("open_deals", []):
                    hits.setdefault(snap.deal_by_ext[ext], risk)
            else:
                hits.setdefault(risk.deal, risk)
        self._rules[key] = hits
        return hits

    def _rule(self, entity: str, elements: set[int], c: Rule) -> set[int]:
        hits = self.rule_hits(c.rule, c.params)
        out: set[int] = set()
        for e in elements:
            if entity == "deal":
                risk = hits.get(e)
            elif c.rule == "stale_customer":
                risk = hits.get(-1 - e)
            else:  # a deal rule asked of a customer: any of its deals
                risk = next((hits[d] for d in self.snap.customers[e].deals if d in hits), None)
            if risk is not None:
                out.add(e)
                self.evidence.setdefault((entity, e), []).extend(
                    r for r in risk.records if r.type not in ("customer",) or entity != "customer"
                )
        return out

    # -- related records ---------------------------------------------------------------------

    def related_counts(
        self,
        entity: str,
        elements: set[int],
        related: str,
        where: Sequence[Condition],
        sum_field: str | None = None,
    ) -> dict[int, float]:
        """For each element, how many related records match `where` (or the sum of `sum_field`)."""
        snap = self.snap
        child = self.filter(related, self.base(related), where)
        counts: dict[int, float] = {}
        if related == "activity":
            idx = np.flatnonzero(child)
            if entity == "customer":
                keys = snap.activities.customer[idx]
            elif entity == "deal":
                keys = snap.activities.deal[idx]
            else:  # reps: the activities they logged
                keys = snap.activities.actor[idx]
            unique, n = np.unique(keys, return_counts=True)
            per = dict(zip(unique.tolist(), n.tolist(), strict=True))
            return {e: float(per.get(e, 0)) for e in elements}
        for e in elements:
            members: list[int]
            if entity == "customer":
                owner_id = snap.customers[e].owner_id
                members = (
                    [d for d in snap.customers[e].deals if d in child]
                    if related == "deal"
                    else ([owner_id] if owner_id is not None and owner_id in child else [])
                )
            elif entity == "deal":
                deal = snap.deals[e]
                owner = snap.customers[deal.customer].owner_id
                members = (
                    [deal.customer]
                    if related == "customer" and deal.customer in child
                    else ([owner] if related == "rep" and owner is not None and owner in child else [])
                )
            else:  # rep -> the customers or deals they own
                if related == "customer":
                    members = [c for c in child if snap.customers[c].owner_id == e]
                else:
                    members = [d for d in snap.deals_by_owner.get(e, []) if d in child]
            if sum_field is not None:
                counts[e] = float(sum(self.number(related, m, sum_field) or 0 for m in members))
            else:
                counts[e] = float(len(members))
            if members:
                self.evidence.setdefault((entity, e), []).extend(self.refs(related, members[:20]))
        return counts

    def _related(self, entity: str, elements: set[int], c: Related) -> set[int]:
        counts = self.related_counts(entity, elements, c.entity, c.where)
        return {e for e in elements if _OPS[c.op](counts.get(e, 0), c.count)}

    def _trend(self, entity: str, elements: set[int], c: Trend) -> set[int]:
        date_field = "at" if c.entity == "activity" else "opened_at"
        a = self.related_counts(entity, elements, c.entity, [*c.where, During(field=date_field, window=c.a)])
        b = self.related_counts(entity, elements, c.entity, [*c.where, During(field=date_field, window=c.b)])
        return {e for e in elements if _OPS[c.op](a.get(e, 0), b.get(e, 0))}

    def refs(self, entity: str, members: Sequence[int]) -> list[RecordRef]:
        snap = self.snap
        if entity == "deal":
            return [RecordRef("deal", snap.deals[m].ext) for m in members]
        if entity == "customer":
            return [RecordRef("customer", snap.customers[m].ext) for m in members]
        if entity == "rep":
            return [RecordRef("rep", snap.users[m].ext) for m in members]
        return [
            RecordRef("activity", snap.activities.ext[m], from_epoch(int(snap.activities.at[m])))
            for m in members
        ]

    # -- results ----------------------------------------------------------------------------

    def metric(self, entity: str, elements: set[int], by: Metric) -> dict[int, float]:
        if by.field is not None:
            return {e: v for e in elements if (v := self.number(entity, e, by.field)) is not None}
        assert by.related is not None
        return self.related_counts(
            entity, elements, by.related, by.where, by.sum_field if by.agg == "sum" else None
        )

    def _top(self, entity: str, base: set[int], result: TopResult, key: str) -> Execution:
        values = self.metric(entity, base, result.by)
        if result.order == "desc":
            values = {e: v for e, v in values.items() if v > 0}
        ranked = sorted(values, key=lambda e: (-values[e] if result.order == "desc" else values[e], e))
        if len(ranked) > result.n:  # ties at the cut are all in
            cut = values[ranked[result.n - 1]]
            ranked = [e for e in ranked if (values[e] >= cut if result.order == "desc" else values[e] <= cut)]
        return Execution(key, None, ranked, values, self.evidence)

    def _compare(self, entity: str, base: Elements, result: CompareResult, key: str) -> Execution:
        def measure(conditions: Sequence[Condition]) -> tuple[float, list[Any]]:
            chosen = self.filter(entity, base.copy() if entity == "activity" else set(base), conditions)
            ordered = self.ordered(entity, chosen)
            if result.measure == "count":
                return float(len(ordered)), ordered
            assert result.field is not None
            return float(sum(self.number(entity, e, result.field) or 0 for e in ordered)), ordered

        a, a_ids = measure(result.a)
        b, b_ids = measure(result.b)
        value: float | int = round(a - b, 2)
        if result.measure == "count":
            value = int(a - b)
        return Execution(
            key,
            value,
            a_ids + b_ids,
            {},
            self.evidence,
            parts={"a": a, "b": b, "a_ids": a_ids, "b_ids": b_ids},
        )

    def _prioritise(self, base: set[int], result: PrioritiseResult, key: str) -> Execution:
        window = Window(last_hours=result.window_days * 24)
        visits = self.related_counts(
            "customer",
            base,
            "activity",
            [In(field="kind", values=["visit"]), During(field="at", window=window)],
        )
        value = {c: self.number("customer", c, "weighted_value") or 0.0 for c in base}
        candidates = [c for c in base if value[c] > 0]
        total = sum(visits[c] for c in candidates)
        allowance = total * (1 - result.cut_pct / 100)
        ranked = sorted(
            candidates, key=lambda c: (-(value[c] / visits[c]) if visits[c] else -float("inf"), c)
        )
        kept, used = [], 0.0
        for c in ranked:
            if used + visits[c] <= allowance + 1e-9:
                kept.append(c)
                used += visits[c]
        metric = {c: round(value[c] / visits[c], 2) if visits[c] else value[c] for c in ranked}
        return Execution(
            key,
            None,
            kept,
            metric,
            self.evidence,
            parts={
                "visits_total": total,
                "visits_kept": used,
                "ranked": ranked,
                "visits": visits,
                "value": value,
            },
        )


def _matches(value: Any, wanted: set[str]) -> bool:
    """A category value (or any of a set of them, like a customer's contact roles) is wanted."""
    if value is None:
        return False
    if isinstance(value, set | frozenset | list | tuple):
        return any(str(v).casefold() in wanted for v in value)
    return str(value).casefold() in wanted


def _holds(c: Related, n: int) -> bool:
    return _OPS[c.op](n, c.count)


def _day_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tz)


def period_days(period: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period around `today` (weeks start on Monday)."""
    if period == "today":
        return today, today
    if period == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    if period in ("this_week", "last_week"):
        monday = today - timedelta(days=today.weekday())
        if period == "last_week":
            monday -= timedelta(days=7)
        return monday, monday + timedelta(days=6)
    if period in ("this_month", "last_month"):
        first = today.replace(day=1)
        if period == "last_month":
            first = (first - timedelta(days=1)).replace(day=1)
        nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return first, nxt - timedelta(days=1)
    if period in ("this_quarter", "last_quarter"):
        q = (today.month - 1) // 3
        year = today.year
        if period == "last_quarter":
            q -= 1
            if q < 0:
                q, year = 3, year - 1
        first = date(year, 3 * q + 1, 1)
        nxt = date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        return first, nxt - timedelta(days=1)
    return date(today.year, 1, 1), date(today.year, 12, 31)
