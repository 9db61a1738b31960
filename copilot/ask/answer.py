"""An executed plan as an answer: a sentence in the question's language, FORMAT.md's `ask` form, and
the drill-down to the deals, customers, reps and activities behind every id and number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from copilot.ask.execute import Execution
from copilot.ask.plan import (
    Compare,
    Condition,
    Contains,
    DateCompare,
    During,
    In,
    Not,
    Plan,
    Related,
    Rule,
    Trend,
    Window,
)
from copilot.pipeline.snapshot import ACTIVITY_KINDS, ACTOR_ROLES, PipelineSnapshot, from_epoch

MAX_DRILLDOWN = 200

NOUNS = {
    "zh": {"deal": "个商机", "customer": "个客户", "rep": "位销售", "activity": "条活动记录"},
    "en": {"deal": "deals", "customer": "customers", "rep": "reps", "activity": "activities"},
}
STAGES_ZH = {
    "lead": "线索",
    "intent": "意向",
    "proposal": "方案",
    "negotiation": "谈判",
    "won": "赢单",
    "lost": "丢单",
}
RULES_TEXT = {
    "stale_customer": ("未跟进", "no follow-up"),
    "stuck_deal": ("阶段停留超时", "stuck past the stage limit"),
    "missing_decision_maker": ("缺决策人", "no decision maker"),
    "missing_confirmation_letter": ("缺完整确认函", "no complete confirmation letter"),
    "complete_confirmation_letter": ("有完整确认函", "has a complete confirmation letter"),
    "no_legal_finance_activity": ("法务/财务未参与", "no legal or finance activity"),
    "unanswered_requirement_change": ("需求变更未确认", "unanswered requirement change"),
    "open_contract_difference": ("合同差异未确认", "open contract difference"),
}


def _window(w: Window, lang: str) -> str:
    if w.last_hours is not None:
        days = w.last_hours / 24
        if lang == "zh":
            return f"最近{days:g}天" if w.last_hours % 24 == 0 else f"最近{w.last_hours:g}小时"
        return f"the last {days:g} days" if w.last_hours % 24 == 0 else f"the last {w.last_hours:g} hours"
    if w.period is not None:
        return w.period.replace("_", " ")
    return f"{w.start or '…'}–{w.end or '…'}"


def describe_condition(c: Condition, lang: str) -> str:
    zh = lang == "zh"
    if isinstance(c, In):
        values = [STAGES_ZH.get(v, v) if zh and c.field == "stage" else v for v in c.values]
        return f"{c.field} ∈ {{{', '.join(values)}}}"
    if isinstance(c, Compare):
        right = c.other_field if c.other_field is not None else f"{c.value:,.6g}"
        return f"{c.field} {c.op} {right}"
    if isinstance(c, During):
        return f"{c.field} @ {_window(c.window, lang)}"
    if isinstance(c, DateCompare):
        return f"{c.field} {c.op} {c.value}"
    if isinstance(c, Contains):
        return f"{c.field} ~ {c.text!r}"
    if isinstance(c, Rule):
        text = RULES_TEXT[c.rule][0 if zh else 1]
        p = c.params
        extra = [
            f"{p.hours:g}h" if p.hours else "",
            f"{p.days:g}d" if p.days else "",
            "/".join(s.value for s in p.stages) if p.stages else "",
            f">={p.min_stage.value}" if p.min_stage else "",
        ]
        extra = [e for e in extra if e]
        return text + (f"({', '.join(extra)})" if extra else "")
    if isinstance(c, Related):
        inner = "; ".join(describe_condition(x, lang) for x in c.where) or "*"
        return f"#{c.entity}[{inner}] {c.op} {c.count}"
    if isinstance(c, Not):
        return ("非 " if zh else "not ") + describe_condition(c.condition, lang)
    if isinstance(c, Trend):
        inner = "; ".join(describe_condition(x, lang) for x in c.where) or "*"
        return f"#{c.entity}[{inner}] @ {_window(c.a, lang)} {c.op} @ {_window(c.b, lang)}"
    return str(c)


def describe(plan: Plan, lang: str) -> str:
    """The plan in a line: what is counted or listed, under which conditions."""
    conditions = "; ".join(describe_condition(c, lang) for c in plan.where) or (
        "全部" if lang == "zh" else "all"
    )
    return f"{plan.entity}: {conditions} -> {plan.result.kind}"


def _name(snap: PipelineSnapshot, entity: str, e: Any) -> tuple[str, str]:
    if entity == "deal":
        return snap.deals[e].ext, snap.deals[e].name
    if entity == "customer":
        return snap.customers[e].ext, snap.customers[e].name
    if entity == "rep":
        return snap.users[e].ext, snap.users[e].name
    return snap.activities.ext[e], ACTIVITY_KINDS[int(snap.activities.kind[e])] if snap.activities.kind[
        e
    ] >= 0 else ""


def drill_item(
    snap: PipelineSnapshot, entity: str, e: Any, execution: Execution, as_of: datetime
) -> dict[str, Any]:
    """One record behind the answer, with the facts a supervisor checks first."""
    ext, name = _name(snap, entity, e)
    item: dict[str, Any] = {"type": entity, "id": ext, "name": name}
    if entity == "deal":
        deal = snap.deals[e]
        owner = snap.owner(deal.customer)
        entered = deal.entered_at(as_of)
        stage = deal.stage_at(as_of)
        item.update(
            customer_id=snap.customers[deal.customer].ext,
            customer=snap.customers[deal.customer].name,
            rep_id=owner.ext if owner else None,
            rep=owner.name if owner else None,
            stage=stage.value if stage else None,
            amount=deal.amount,
            budget=deal.budget,
            expected_close=deal.expected_close.isoformat() if deal.expected_close else None,
            entered_stage_at=entered.isoformat() if entered else None,
            days_in_stage=round((as_of - entered).total_seconds() / 86400, 1) if entered else None,
            lost_reason=deal.lost_reason,
        )
    elif entity == "customer":
        customer = snap.customers[e]
        owner = snap.owner(e)
        last = int(snap.last_activity(as_of)[e])
        item.update(
            rep_id=owner.ext if owner else None,
            rep=owner.name if owner else None,
            industry=customer.industry,
            source_channel=customer.source_channel,
            deals=[
                {"id": snap.deals[d].ext, "stage": s.value}
                for d in customer.deals
                if (s := snap.deals[d].stage_at(as_of)) is not None
            ],
            last_activity_at=from_epoch(last).isoformat() if last >= 0 else None,
        )
    elif entity == "rep":
        item.update(team=snap.users[e].team)
    else:
        acts = snap.activities
        item.update(
            at=from_epoch(int(acts.at[e])).isoformat(),
            kind=name,
            actor_role=ACTOR_ROLES[int(acts.role[e])] if acts.role[e] >= 0 else None,
            customer_id=snap.customers[int(acts.customer[e])].ext,
            deal_id=snap.deals[int(acts.deal[e])].ext if acts.deal[e] >= 0 else None,
        )
    if e in execution.metric:
        item["value"] = round(execution.metric[e], 2)
    records = execution.evidence.get((entity, e), [])
    if records:
        seen: set[tuple[str, str]] = set()
        unique = [r for r in records if (r.type, r.id) not in seen and not seen.add((r.type, r.id))]  # type: ignore[func-returns-value]
        item["records"] = [r.as_dict() for r in unique[:50]]
    return item


def _list(snap: PipelineSnapshot, entity: str, elements: list[Any], lang: str, limit: int = 10) -> str:
    names = []
    for e in elements[:limit]:
        ext, name = _name(snap, entity, e)
        names.append(f"{ext}（{name}）" if lang == "zh" else f"{ext} ({name})")
    more = len(elements) - limit
    sep = "、" if lang == "zh" else ", "
    tail = (f"等 {len(elements)} 个" if lang == "zh" else f" and {more} more") if more > 0 else ""
    return sep.join(names) + tail


def sentence(plan: Plan, execution: Execution, snap: PipelineSnapshot, lang: str) -> str:
    """The answer in one sentence, in the question's language."""
    zh = lang == "zh"
    noun = NOUNS["zh" if zh else "en"][plan.entity]
    kind = plan.result.kind
    n = len(execution.elements)
    if kind == "count":
        return f"共 {execution.value} {noun}。" if zh else f"{execution.value} {noun}."
    if kind in ("sum", "avg"):
        label = ("合计" if kind == "sum" else "平均") if zh else ("Total" if kind == "sum" else "Average")
        field = plan.result.field  # type: ignore[union-attr]
        if zh:
            return f"{label} {execution.value:,.2f}（{field}，{n} {noun}）。"
        return f"{label} {field}: {execution.value:,.2f} over {n} {noun}."
    if kind == "compare":
        parts = execution.parts
        if zh:
            return f"差值 {execution.value:,}（{parts['a']:,.6g} 对比 {parts['b']:,.6g}）。"
        return f"Difference {execution.value:,} ({parts['a']:,.6g} vs {parts['b']:,.6g})."
    if kind == "prioritise":
        cut = plan.result.cut_pct  # type: ignore[union-attr]
        parts = execution.parts
        listed = _list(snap, "customer", execution.elements, lang)
        if zh:
            return (
                f"按健康度加权的未结商机金额 ÷ 近期拜访次数排序，差旅减少{cut:g}%后"
                f"优先保住 {n} 个客户：{listed}"
                f"（保留 {parts['visits_kept']:g}/{parts['visits_total']:g} 次拜访的投入）。"
            )
        return (
            f"Ranked by health-weighted open value per recent visit, with {cut:g}% less travel "
            f"keep these {n} customers first: {listed} "
            f"({parts['visits_kept']:g} of {parts['visits_total']:g} visits)."
        )
    if n == 0:
        return f"没有符合条件的{noun.lstrip('个位条')}。" if zh else f"No {noun} match."
    listed = _list(snap, plan.entity, execution.elements, lang)
    if kind == "top":
        values = "、" if zh else ", "
        shown = values.join(f"{execution.metric.get(e, 0):,.6g}" for e in execution.elements[:10])
        return f"{listed}（{shown}）。" if zh else f"{listed} ({shown})."
    return f"共 {n} {noun}：{listed}。" if zh else f"{n} {noun}: {listed}."


def render(
    plan: Plan, execution: Execution, snap: PipelineSnapshot, lang: str, as_of: datetime
) -> dict[str, Any]:
    """The answer: sentence, `ask` form, and drill-down."""
    entity = plan.entity if plan.result.kind != "prioritise" else "customer"
    if execution.value is None:
        ids = [_name(snap, entity, e)[0] for e in execution.elements]
        result: dict[str, Any] = {execution.key: ids}
    else:
        result = {execution.key: execution.value}
    shown = execution.elements[:MAX_DRILLDOWN]
    return {
        "answer": sentence(plan, execution, snap, lang),
        "result": result,
        "drilldown": [drill_item(snap, entity, e, execution, as_of) for e in shown],
        "drilldown_total": len(execution.elements),
        "description": describe(plan, lang),
    }
