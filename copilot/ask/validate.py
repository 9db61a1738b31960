"""A plan is checked before it runs: every field exists on its entity, every value is a real stage,
kind, rep, team or customer of the organization, and nothing reaches beyond the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable

from copilot.ask.plan import (
    CATEGORY_FIELDS,
    DATE_FIELDS,
    NUMBER_FIELDS,
    RULES,
    TEXT_FIELDS,
    AvgResult,
    Compare,
    CompareResult,
    Condition,
    Contains,
    DateCompare,
    During,
    In,
    Not,
    Plan,
    Related,
    Rule,
    SumResult,
    TopResult,
    Trend,
)
from copilot.domain import CONTACT_ROLES, INDUSTRIES, Channel, Stage
from copilot.errors import Forbidden, InvalidInput
from copilot.pipeline.snapshot import ACTIVITY_KINDS, ACTOR_ROLES, PipelineSnapshot


class PlanInvalid(InvalidInput):
    code = "invalid_plan"


class PlanOutOfScope(Forbidden):
    code = "plan_out_of_scope"


class Scope:
    """What the caller may see, as ids of the snapshot."""

    def __init__(self, snap: PipelineSnapshot, customers: set[int], reps: set[int]) -> None:
        self.snap = snap
        self.customers = customers
        self.reps = reps
        self.teams = {snap.users[r].team for r in reps if snap.users[r].team}


def validate(plan: Plan, scope: Scope) -> None:
    """Raise PlanInvalid naming every problem, or PlanOutOfScope for a value outside the scope."""
    problems: list[str] = []
    outside: list[str] = []
    _conditions(plan.entity, plan.where, scope, problems, outside)
    result = plan.result
    if isinstance(result, SumResult | AvgResult):
        _number(plan.entity, result.field, problems)
    elif isinstance(result, TopResult):
        by = result.by
        if by.field is not None:
            _number(plan.entity, by.field, problems)
        elif by.related is not None:
            _conditions(by.related, by.where, scope, problems, outside)
            if by.agg == "sum":
                if by.sum_field is None:
                    problems.append("a related sum needs sum_field")
                else:
                    _number(by.related, by.sum_field, problems)
    elif isinstance(result, CompareResult):
        _conditions(plan.entity, result.a, scope, problems, outside)
        _conditions(plan.entity, result.b, scope, problems, outside)
        if result.measure == "sum":
            if result.field is None:
                problems.append("a compared sum needs field")
            else:
                _number(plan.entity, result.field, problems)
    elif result.kind == "prioritise" and plan.entity != "customer":
        problems.append("prioritisation ranks customers: use entity 'customer'")
    if outside:
        raise PlanOutOfScope("the question reaches beyond what this key may see: " + "; ".join(outside))
    if problems:
        raise PlanInvalid("the plan cannot run: " + "; ".join(problems), detail=problems)


def _number(entity: str, field: str, problems: list[str]) -> None:
    if field not in NUMBER_FIELDS[entity]:
        problems.append(
            f"{entity} has no number field {field!r} (known: {', '.join(sorted(NUMBER_FIELDS[entity]))})"
        )


def _conditions(
    entity: str, conditions: Iterable[Condition], scope: Scope, problems: list[str], outside: list[str]
) -> None:
    for c in conditions:
        _condition(entity, c, scope, problems, outside)


def _condition(entity: str, c: Condition, scope: Scope, problems: list[str], outside: list[str]) -> None:
    if isinstance(c, In):
        if c.field not in CATEGORY_FIELDS[entity]:
            problems.append(
                f"{entity} has no field {c.field!r} (known: {', '.join(sorted(CATEGORY_FIELDS[entity]))})"
            )
            return
        _values(c.field, c.values, scope, problems, outside)
    elif isinstance(c, Compare):
        _number(entity, c.field, problems)
        if c.other_field is not None:
            _number(entity, c.other_field, problems)
    elif isinstance(c, During | DateCompare):
        if c.field not in DATE_FIELDS[entity]:
            problems.append(
                f"{entity} has no date field {c.field!r} (known: {', '.join(sorted(DATE_FIELDS[entity]))})"
            )
    elif isinstance(c, Contains):
        if c.field not in TEXT_FIELDS[entity]:
            problems.append(f"{entity} has no text field {c.field!r}")
    elif isinstance(c, Rule):
        applies = RULES[c.rule]
        if entity not in applies and not (entity == "customer" and "deal" in applies):
            problems.append(f"rule {c.rule!r} does not apply to {entity}s")
    elif isinstance(c, Related | Trend):
        if c.entity == entity:
            problems.append(f"a {entity} has no related {entity}s")
        _conditions(c.entity, c.where, scope, problems, outside)
    elif isinstance(c, Not):
        _condition(entity, c.condition, scope, problems, outside)


def _values(field: str, values: list[str], scope: Scope, problems: list[str], outside: list[str]) -> None:
    snap = scope.snap
    known: Iterable[str] | None = None
    if field == "stage":
        known = [s.value for s in Stage]
    elif field == "kind":
        known = ACTIVITY_KINDS
    elif field == "actor_role":
        known = ACTOR_ROLES
    elif field == "industry":
        known = INDUSTRIES
    elif field == "source_channel":
        known = [c.value for c in Channel]
    elif field == "contact_role":
        known = CONTACT_ROLES
    if known is not None:
        bad = [v for v in values if v not in set(known)]
        if bad:
            problems.append(f"{field} has no value {bad[0]!r} (known: {', '.join(known)})")
        return
    for v in values:
        if field in ("rep", "actor"):
            uid = snap.user_by_ext.get(v)
            if uid is None:
                problems.append(f"no {field} {v!r} in this organization")
            elif field == "rep" and uid not in scope.reps:
                outside.append(f"rep {v!r}")
        elif field == "team":
            if not any(u.team == v for u in snap.users.values()):
                problems.append(f"no team {v!r} in this organization")
            elif v not in scope.teams:
                outside.append(f"team {v!r}")
        elif field == "customer":
            c = snap.customer_by_ext.get(v)
            if c is None or c not in scope.customers:
                outside.append(f"customer {v!r}") if c is not None else problems.append(f"no customer {v!r}")
        elif field == "deal":
            d = snap.deal_by_ext.get(v)
            if d is None:
                problems.append(f"no deal {v!r}")
            elif snap.deals[d].customer not in scope.customers:
                outside.append(f"deal {v!r}")
