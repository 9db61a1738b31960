"""The workspace's words in Chinese (the default) and English."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from copilot import messages
from copilot.errors import CopilotError

LANGS = ("zh", "en")
LANG_COOKIE = "copilot_lang"

# key -> (zh, en)
_WORDS: dict[str, tuple[str, str]] = {
    "app": ("销售助手", "Sales Copilot"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "api_key": ("个人密钥", "Personal key"),
    "api_key_help": (
        "粘贴管理员发给你的个人密钥（以 cpk_ 开头）",
        "Paste the personal key your admin gave you (it starts with cpk_)",
    ),
    "bad_key": ("密钥无效、已吊销或已过期", "The key is invalid, revoked or expired"),
    "no_machine_keys": ("集成密钥不能登录工作台", "Integration keys cannot sign in to the workspace"),
    "too_many_sign_ins": (
        "登录失败次数过多，请十分钟后再试",
        "Too many failed sign-ins from here; try again in ten minutes",
    ),
    "nav_followup": ("记跟进", "Log follow-up"),
    "nav_customers": ("客户", "Customers"),
    "nav_brief": ("作战简报", "Daily brief"),
    "nav_ask": ("提问", "Ask"),
    "lang_switch": ("English", "中文"),
    "customer": ("客户", "Customer"),
    "choose_customer": ("选择客户", "Choose a customer"),
    "new_customer": ("或新客户名称", "Or a new customer's name"),
    "input_kind": ("记录类型", "Kind"),
    "kind_dictation": ("语音/文字笔记", "Dictated note"),
    "kind_chat": ("聊天记录", "Chat export"),
    "kind_call": ("通话转写", "Call transcript"),
    "note": ("内容", "Text"),
    "note_help": (
        "粘贴或口述跟进内容；聊天记录每行一条「时间 姓名: 内容」",
        "Paste or dictate the note; a chat export is one 'time name: text' per line",
    ),
    "dictate": ("语音输入", "Dictate"),
    "dictating": ("正在听…", "Listening…"),
    "drop_file": ("或拖入聊天导出/通话转写文件（.txt）", "Or drop a chat export or transcript (.txt)"),
    "read_it": ("识别", "Read it"),
    "review": ("核对并确认", "Review and confirm"),
    "confirm": ("确认保存", "Confirm and save"),
    "saved": ("已保存", "Saved"),
    "corrected_n": ("处已更正", "corrections"),
    "source_channel": ("线索来源", "Lead source"),
    "first_contact_date": ("首次接触", "First contact"),
    "stage": ("当前阶段", "Stage"),
    "summary": ("一句话摘要", "One-sentence summary"),
    "next_follow_up_date": ("下次跟进", "Next follow-up"),
    "quality": ("互动质量", "Interaction quality"),
    "discovery_3plus": ("≥3 个需求挖掘问题", "≥ 3 need-discovery questions"),
    "pain_2min": ("客户讲痛点 ≥2 分钟", "Customer described pains ≥ 2 min"),
    "next_step": ("有明确下一步", "Concrete next step"),
    "high_quality": ("高质量互动", "High-quality interaction"),
    "signals": ("购买信号", "Buying signals"),
    "evidence": ("依据", "Evidence"),
    "no_evidence": ("原文中无依据", "No evidence in the text"),
    "none": ("无", "none"),
    "from_crm": ("来自客户档案（CRM）", "From the customer record (CRM)"),
    "from_crm_history": (
        "客户档案：首次接触已超过一年，按老客户计",
        "The customer record: first met over a year ago, so an existing customer",
    ),
    "from_interaction_date": ("本次互动的日期", "The date of this interaction"),
    "from_rep": ("销售确认", "Confirmed by the rep"),
    "not_stated": ("未提及", "not stated"),
    "engine": ("识别引擎", "Engine"),
    "call_wrapup": ("通话后补记", "After the call"),
    "call_wrapup_help": ("只需选阶段、写一句话摘要", "Just the stage and a one-sentence summary"),
    "calls_waiting": ("待补记的通话", "Calls waiting for a wrap-up"),
    "customer_feedback": ("客户反馈", "Customer feedback"),
    "needs_adjustment": ("需要调整", "Needs adjustment"),
    "confirmed": ("确认无误", "Confirmed"),
    "deals": ("商机与阶段历史", "Deals and stage history"),
    "contacts": ("联系人与决策链", "Contacts and decision chain"),
    "heatmap": ("近30天各角色动作", "Last 30 days by role"),
    "followups": ("跟进记录", "Follow-ups"),
    "requirements": ("需求与变更", "Requirements and changes"),
    "pending_signoff": ("待双签", "Pending double sign-off"),
    "contracts": ("合同与差异", "Contracts and differences"),
    "locked": ("已锁定", "Locked"),
    "unlocked": ("未锁定", "Unlocked"),
    "minutes_tickets": ("会议纪要与工单", "Minutes and tickets"),
    "risks": ("风险", "Risks"),
    "suggestions": ("建议的下一步", "Suggested next actions"),
    "reason": ("原因", "Reason"),
    "share_link": ("生成客户确认链接", "Share a confirmation link"),
    "share_created": ("链接已生成（只显示这一次）", "Link created (shown once)"),
    "share_links": ("有效的客户确认链接", "Confirmation links still open"),
    "share_link_item": ("确认链接", "Link of"),
    "answers": ("条回复", "answers"),
    "revoke": ("作废", "Revoke"),
    "valid_until": ("有效期至", "Valid until"),
    "records": ("记录", "Records"),
    "no_records": ("没有记录", "No records"),
    "brief_title": ("作战简报", "Daily brief"),
    "new_quality_leads": ("今日新增高质量线索", "New high-quality leads today"),
    "overdue_since_yesterday": ("昨日起新逾期商机", "Deals overdue since yesterday"),
    "health_change": ("本周健康度变化", "Health change this week"),
    "risk_board": ("风险看板", "Risk board"),
    "patrol": ("静默巡检", "Low-activity patrol"),
    "idle": ("未跟进", "Idle"),
    "funnels": ("各销售漏斗", "Rep funnels"),
    "flagged_drop": ("转化骤降", "Flagged drop"),
    "radars": ("能力雷达", "Capability radar"),
    "ask_placeholder": (
        "例如：哪些意向以上客户72小时没跟进？",
        "e.g. which intent+ customers had no follow-up for 72 hours?",
    ),
    "ask": ("提问", "Ask"),
    "answer": ("回答", "Answer"),
    "open": ("打开", "Open"),
    "back": ("返回", "Back"),
    "all_customers": ("全部客户", "All customers"),
    "search_customers": ("搜索客户名称", "Search customer names"),
    "confirm_view_title": ("需求确认", "Requirement confirmation"),
    "our_response": ("我方响应", "Our response"),
    "your_requirement": ("您的需求", "Your requirement"),
    "comment": ("说明", "Comment"),
    "send": ("提交", "Send"),
    "say_what_to_adjust": ("请写明需要调整的内容。", "Please say what needs adjusting."),
    "comment_too_long": (
        "说明太长了，请控制在2000字以内。",
        "The comment is too long: 2,000 characters at most.",
    ),
    "thanks": ("已收到，您的销售顾问会尽快联系您。", "Thank you; your sales contact will get back to you."),
    "link_expired": ("链接已过期", "This link has expired"),
    "link_expired_help": ("请联系您的销售顾问获取新链接。", "Ask your sales contact for a new link."),
    "not_found": ("未找到", "Not found"),
    "error": ("出错了", "Something went wrong"),
    "day": ("日期", "Day"),
    "role": ("角色", "Role"),
    "count": ("次数", "Count"),
    "inputs": ("计算依据", "Inputs"),
    "owner": ("负责人", "Owner"),
    "amount": ("金额", "Amount"),
    "expected_close": ("预计成交", "Expected close"),
    "status": ("状态", "Status"),
    "since": ("起始", "Since"),
    "rule": ("规则", "Rule"),
    "field": ("字段", "Field"),
    "required": ("客户要求", "Required"),
    "in_contract": ("合同约定", "Contract says"),
    "skip_to_content": ("跳到正文", "Skip to content"),
}

STAGES = {
    "lead": ("线索", "Lead"),
    "intent": ("意向", "Intent"),
    "proposal": ("方案", "Proposal"),
    "negotiation": ("谈判", "Negotiation"),
    "won": ("赢单", "Won"),
    "lost": ("丢单", "Lost"),
}
CHANNELS = {
    "website": ("官网/400", "Website"),
    "trade_show": ("展会", "Trade show"),
    "referral": ("转介绍", "Referral"),
    "cold_outreach": ("陌拜", "Cold outreach"),
    "online_ads": ("线上投放", "Online ads"),
    "social_media": ("社交媒体", "Social media"),
    "partner": ("渠道/代理", "Partner"),
    "existing_customer": ("老客户", "Existing customer"),
    "tender": ("招投标", "Tender"),
    "other": ("其他", "Other"),
}
SIGNALS = {
    "price": ("价格", "Price"),
    "contract": ("合同", "Contract"),
    "closing_soon": ("即将成交", "Closing soon"),
    "competitor": ("竞品", "Competitor"),
    "budget": ("预算", "Budget"),
    "decision_maker": ("决策人", "Decision maker"),
    "payment": ("付款", "Payment"),
    "delivery": ("交付", "Delivery"),
    "objection": ("异议", "Objection"),
}
ROLES = {
    "sales": ("销售", "Sales"),
    "solution": ("方案", "Solution"),
    "legal": ("法务", "Legal"),
    "delivery": ("交付", "Delivery"),
    "finance": ("财务", "Finance"),
    "manager": ("管理", "Manager"),
}


def pick(lang: str) -> int:
    return 1 if lang == "en" else 0


def translator(lang: str) -> Callable[[str], str]:
    """`t(key)`: the word in `lang`; an unknown key shows as itself (visible, never a crash)."""
    i = pick(lang)

    def t(key: str) -> str:
        pair = _WORDS.get(key)
        return pair[i] if pair else key

    return t


def label(table: dict[str, tuple[str, str]], lang: str) -> Callable[[str | None], str]:
    """A value's label from one of the tables above (the value itself when not listed)."""
    i = pick(lang)

    def name(value: str | None) -> str:
        if value is None:
            return "—"
        pair = table.get(value)
        return pair[i] if pair else value

    return name


def words(lang: str) -> dict[str, str]:
    """Every word in `lang` (for tests: each key has both languages)."""
    i = pick(lang)
    return {k: v[i] for k, v in _WORDS.items()}


def error_text(exc: Exception, lang: str) -> str:
    """What went wrong, for a person reading `lang`: the catalogued message when the error names one,
    else the kind of error in `lang` before the service's own (English) words."""
    if isinstance(exc, CopilotError):
        if exc.key and (text := messages.text(exc.key, lang, exc.params)) is not None:
            return text
        title = messages.kind(exc.code, lang)
        return f"{title}：{exc.message}" if lang == "zh" and title else exc.message
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        title = messages.kind("invalid_input", lang)
        return f"{title}：{where} {first['msg']}" if lang == "zh" else f"{where}: {first['msg']}"
    return str(exc)
