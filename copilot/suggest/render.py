"""An action's text and reason in the team's language, filled from its facts and evidence."""

from __future__ import annotations

from typing import Any

from copilot.pipeline.snapshot import PipelineSnapshot
from copilot.suggest.engine import Suggestion

STAGE_ZH = {
    "lead": "线索",
    "intent": "意向",
    "proposal": "方案",
    "negotiation": "谈判",
    "won": "赢单",
    "lost": "输单",
}

# (type or type:rule) -> (zh text, zh reason, en text, en reason); fields come from `_fields`
TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    "identify_decision_maker": (
        "找到{customer}的决策人：约对接人确认最终拍板人，并争取与其见面",
        "{deal}处于{stage_zh}阶段，客户联系人中没有决策人（现有角色：{roles_zh}）{quote_zh}",
        "Identify the decision maker at {customer} and get a meeting with them",
        "{deal} is at {stage} and no contact has the decision-maker role (roles: {roles_en}){quote_en}",
    ),
    "schedule_prereview_meeting": (
        "48小时内约合同预审会：销售、{customer}采购和我方法务一起过合同条款",
        "{deal}已进入谈判，合同需要三方预审{quote_zh}",
        "Within 48 hours, hold a contract pre-review: sales, {customer}'s buyer and our legal",
        "{deal} is in negotiation and the contract needs a three-party pre-review{quote_en}",
    ),
    "follow_up_call:stale_customer": (
        "今天给{customer}打电话跟进{deal}",
        "{stage_zh}阶段客户已{idle_hours}小时没有任何跟进（阈值{hours}小时）",
        "Call {customer} today about {deal}",
        "A {stage} customer with no activity for {idle_hours} hours (limit {hours})",
    ),
    "follow_up_call:lead_idle": (
        "给{customer}打电话跟进，别让线索冷掉",
        "线索已{idle_hours}小时没有任何跟进{quote_zh}",
        "Call {customer} before the lead goes cold",
        "A lead with no activity for {idle_hours} hours{quote_en}",
    ),
    "follow_up_call": (
        "给{customer}打电话跟进",
        "{quote_zh}",
        "Call {customer}",
        "{quote_en}",
    ),
    "send_material:new_lead": (
        "给{customer}发送产品介绍和同类案例",
        "新线索，还没有发过任何资料",
        "Send {customer} the product overview and similar cases",
        "A new lead that has not received any material yet",
    ),
    "send_quote:need_confirmed": (
        "给{customer}发正式报价",
        "客户已确认需求，还没有报价{quote_zh}",
        "Send {customer} a formal quote",
        "The customer confirmed the need and has no quote yet{quote_en}",
    ),
    "visit:decision_maker_on_site": (
        "安排上门拜访{customer}，与决策人当面沟通",
        "决策人将在现场{quote_zh}",
        "Visit {customer} to meet the decision maker in person",
        "The decision maker will be on site{quote_en}",
    ),
    "revise_proposal:requirement_change": (
        "按客户的新需求修改{deal}的方案和报价",
        "方案提交后客户需求有变{quote_zh}",
        "Revise the proposal and quote for {deal} to the new requirements",
        "The customer changed the requirements after the proposal{quote_en}",
    ),
    "follow_up_call:tender_news": (
        "给{customer}打电话，了解招标安排并准备投标",
        "客户动态{quote_zh}",
        "Call {customer} about the tender and prepare the bid",
        "Customer news{quote_en}",
    ),
    "follow_up_call:competitor_news": (
        "给{customer}打电话，了解与竞品合作的情况并准备应对",
        "客户动态{quote_zh}",
        "Call {customer} about their cooperation with a competitor and prepare a response",
        "Customer news{quote_en}",
    ),
    "request_confirmation_letter": (
        "请{customer}出具确认函，写明付款方式、交付周期和验收标准",
        "{deal}在谈判阶段但还没有完整的确认函（缺：{missing}）",
        "Ask {customer} for a confirmation letter stating payment method, delivery period and acceptance criteria",
        "{deal} is in negotiation without a complete confirmation letter (missing: {missing})",
    ),
    "escalate_to_manager": (
        "升级给经理：请领导出面推动与{customer}高层的对接",
        "{deal}在{stage_zh}阶段已{days_in_stage}天{limit_zh}{no_dm_zh}{quote_zh}",
        "Escalate to your manager to open a senior-level conversation with {customer}",
        "{deal} has been at {stage} for {days_in_stage} days{limit_en}{no_dm_en}{quote_en}",
    ),
    "sync_requirement_change": (
        "与方案负责人同步{customer}的需求变更并完成双签确认",
        "客户需求有变更，方案负责人尚未确认{quote_zh}",
        "Sync {customer}'s requirement change with the solution owner and get both sign-offs",
        "The customer changed a requirement and the solution owner has not confirmed it{quote_en}",
    ),
    "kickoff_preparation": (
        "准备{deal}的启动会：确定参与人、目标和首批交付物",
        "商机已于{won_day}赢单，启动准备需在{due_days}天内完成",
        "Prepare the kick-off for {deal}: participants, agreed goals, first deliverables",
        "Won on {won_day}; kick-off preparation is due within {due_days} days",
    ),
    "reengage": (
        "重新激活{customer}：分享新案例或新功能，约一次回顾沟通",
        "客户已{idle_days}天没有任何跟进，没有在谈的商机{lost_zh}",
        "Re-engage {customer}: share a new case or feature and ask for a catch-up",
        "No activity for {idle_days} days and no open deal{lost_en}",
    ),
    "congratulate": (
        "向{customer}发去祝贺，顺势了解新业务带来的需求",
        "客户动态{quote_zh}",
        "Congratulate {customer} and ask what the news means for their needs",
        "Customer news{quote_en}",
    ),
    "send_quote": (
        "给{customer}发正式报价和价格明细",
        "客户要求报价{quote_zh}",
        "Send {customer} a formal quote with the price breakdown",
        "The customer asked for a quote{quote_en}",
    ),
    "send_material:repeated_inquiry": (
        "今天给{customer}发送关于“{topic}”的资料",
        "最近{inquiries}次咨询都涉及“{topic}”",
        "Send {customer} material on '{topic}' today",
        "The last {inquiries} inquiries were all about '{topic}'",
    ),
    "send_material": (
        "给{customer}发送所需资料",
        "客户想要资料{quote_zh}",
        "Send {customer} the material they asked for",
        "The customer asked for material{quote_en}",
    ),
    "revise_proposal": (
        "按客户意见修改{deal}的方案",
        "客户对方案有意见{quote_zh}",
        "Revise the proposal for {deal} to address the customer's objections",
        "The customer objected to the proposal{quote_en}",
    ),
    "visit": (
        "安排上门拜访{customer}",
        "客户希望现场沟通{quote_zh}",
        "Visit {customer} on site",
        "The customer asked for a visit{quote_en}",
    ),
    "collect_feedback": (
        "回访{customer}，收集使用反馈",
        "已交付并投入使用{quote_zh}",
        "Check in with {customer} and collect feedback on how it is going",
        "Delivered and in use{quote_en}",
    ),
}


def _quote(s: Suggestion, limit: int = 80) -> str:
    quote = next((e.quote for e in s.evidence if e.type in ("activity", "news") and e.quote), "") or ""
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


def _num(value: Any) -> str:
    return "—" if value is None else f"{float(value):g}" if isinstance(value, int | float) else str(value)


def _fields(snap: PipelineSnapshot, s: Suggestion) -> dict[str, str]:
    c = snap.customers[s.customer]
    f = s.facts
    quote = _quote(s)
    stage = str(f.get("stage") or (snap.deals[s.deal].stage.value if s.deal is not None else ""))
    roles = [str(r) for r in f.get("contact_roles") or []]
    lost = [str(r) for r in f.get("lost_reasons") or []]
    limit = f.get("limit_days")
    no_dm = f.get("decision_maker") is False
    return {
        "customer": c.name,
        "deal": snap.deals[s.deal].name if s.deal is not None else c.name,
        "stage": stage,
        "stage_zh": STAGE_ZH.get(stage, stage),
        "roles_zh": "、".join(roles) or "无",
        "roles_en": ", ".join(roles) or "none",
        "quote_zh": f"：“{quote}”" if quote else "",
        "quote_en": f': "{quote}"' if quote else "",
        "idle_hours": _num(round(f["idle_hours"]) if f.get("idle_hours") is not None else None),
        "hours": _num(f.get("hours")),
        "missing": ", ".join(str(m) for m in f.get("missing") or []),
        "days_in_stage": _num(f.get("days_in_stage")),
        "limit_zh": f"（时限{_num(limit)}天）" if limit else "",
        "limit_en": f" (limit {_num(limit)})" if limit else "",
        "no_dm_zh": "，尚无决策人" if no_dm else "",
        "no_dm_en": "; no decision maker" if no_dm else "",
        "won_day": str(f.get("won_at", ""))[:10],
        "due_days": _num(f.get("due_days")),
        "idle_days": _num(f.get("idle_days")),
        "lost_zh": f"（此前丢单：{'；'.join(lost)}）" if lost else "",
        "lost_en": f" (lost before: {'; '.join(lost)})" if lost else "",
        "topic": str(f.get("topic", "")),
        "inquiries": _num(f.get("inquiries")),
    }


def render(snap: PipelineSnapshot, s: Suggestion, lang: str) -> tuple[str, str]:
    """(text, reason) for the action, in Chinese or English."""
    zh_text, zh_reason, en_text, en_reason = TEMPLATES.get(f"{s.type}:{s.rule}") or TEMPLATES[s.type]
    fields = _fields(snap, s)
    if lang == "en":
        return en_text.format(**fields), en_reason.format(**fields)
    return zh_text.format(**fields), zh_reason.format(**fields)


def view(snap: PipelineSnapshot, s: Suggestion, lang: str) -> dict[str, Any]:
    text, reason = render(snap, s, lang)
    c = snap.customers[s.customer]
    owner = snap.owner(s.customer)
    return {
        "type": s.type,
        "text": text,
        "reason": reason,
        "due_date": s.due.isoformat(),
        "source": s.source,
        "rule": s.rule,
        "customer_id": c.ext,
        "customer": c.name,
        "deal_id": snap.deals[s.deal].ext if s.deal is not None else None,
        "rep_id": owner.ext if owner else None,
        "facts": s.facts,
        "evidence": [e.as_dict() for e in s.evidence],
    }
