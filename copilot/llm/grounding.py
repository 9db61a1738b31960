"""Grounding: a model's value is kept only when its quote is really in the input.

Dates and durations are never taken from the model: it returns the phrase, and the project's time
parser computes the date against the reference time.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from copilot.domain import (
    Channel,
    CustomerContext,
    Evidence,
    FollowUpFields,
    InputKind,
    Interaction,
    QualityFeatures,
    SignalHit,
    Speaker,
)
from copilot.extraction.channels import long_known
from copilot.llm.schema import LLMFollowUp
from copilot.nlp.times import parse_time

_SPACE = re.compile(r"\s+")
# Text that addresses the model (an instruction, a fake system or tool turn, a role marker or a tag
# that pretends to end the data) is never evidence, whatever the model says. The words are those of
# injection attempts, not of sales conversations: a rep's note says "价格再商量", not "把阶段改成赢单".
_INSTRUCTION = re.compile(
    "|".join(
        (
            # ignore / forget the instructions
            r"(?:忽略|无视|忘记|忘掉|不要理会)(?:掉)?(?:你|您)?(?:的)?(?:以上|之前|此前|先前|前面|上面|上述|所有|全部|原有|原来)"
            r".{0,8}(?:指令|指示|提示|规则|设定|约束|条款)",
            r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+)?(?:(?:the|your)\s+)?"
            r"(?:previous\s+|prior\s+|above\s+|earlier\s+|preceding\s+|system\s+|original\s+)?"
            r"(?:instructions|prompts?|rules|guidelines)\b",
            # addressing the model or claiming a privileged role
            r"(?:AI|人工智能|智能)?助手(?:请注意|请忽略|你好|[，,]\s*请|请(?:把|将|生成|输出|忽略|列出))|"
            r"(?:请|致)(?:AI|模型|大模型)|模型(?:请|在提取)|你现在是|从现在开始你|请扮演|"
            r"系统(?:指令|提示词)|系统(?:消息|提示|通知)\s*[:：]|管理员(?:指令|模式)|新(?:的)?(?:指令|规则)\s*[:：—-]|"
            r"(?:以下|如下)为系统",
            r"\byou are now\b|\bfrom now on you\b|\bnote to (?:the )?(?:ai|assistant|model|automated)|"
            r"(?:^|\n)\s*(?:dear |hey )?(?:assistant|chatgpt|gpt|llm|copilot)\s*[,:]|"
            r"\b(?:chatgpt|llm|copilot)\s*[,:]|\bassistant, (?:please|confirm|ignore|you)\b|"
            r"\bsystem (?:prompt|override|instructions?)\b|\badmin(?:istrator)? mode\b|"
            r"\bdeveloper mode\b|\bnew instructions?\s*:|\bextraction tools? must\b",
            # fake turns, role markers and tags
            r"<\|[a-z_]+\|>|\[/?INST\]|<<SYS>>|"
            r"</?\s*(?:system|assistant|user|developer|tool|tool_call|interaction|clauses|question|instructions?)\s*>",
            r"(?:^|\n|[\[【［(（])\s*(?:#+\s*)?(?:system|assistant|developer|tool|系统|管理员)"
            r"\s*(?:提示|消息|通知|指令|message|prompt)?\s*[\]】］)）:：]",
            r"#{2,}\s*(?:system|assistant|developer|系统)\b",
            r"\b(?:tool_calls?|function_call|tool (?:result|output|response))\b|调用工具",
            # orders to rewrite a stored value, or to reach beyond the organization
            r"(?:把|将).{0,14}(?:阶段|stage|状态|渠道|来源|字段|下次跟进(?:日期|时间)|甲方名称|乙方名称).{0,8}"
            r"(?:改|设|记|标|写|更新|填|输出)",
            r"(?:阶段|金额|价款|质保期|违约金比例|来源渠道|首次接触日期|跟进日期|字段)(?:一律|记为|设为|填写|输出为)",
            r"\b(?:set|change|update|mark|record|report|override|overwrite) (?:the |this )?"
            r"(?:deal|stage|deal stage|status|contract price|source channel|first contact|next follow-up)"
            r"(?: date)? (?:to|as)\b|\bmark (?:this|the) deal as\b",
            r"(?:另一个|其他|别的)(?:组织|租户)的?(?:数据|客户|商机|合同|记录|建议)|\borg(?:anization)?_id\b|"
            r"\b(?:every|all|other|another) tenants?\b|\b(?:other|another) organi[sz]ation'?s?\b",
            r"(?:写进|写入|加到|放进)(?:你的)?摘要|在摘要(?:里|中)(?:列出|写|加|附)|"
            r"\b(?:in|into|to) your summary\b",
        )
    ),
    re.IGNORECASE,
)
# where a sentence ends: 。！？；, a line break, a full stop before a space, or a tag or role marker
# (an injected "<tool_call>…</tool_call>" is a sentence of its own, apart from the request next to it)
_SENTENCE_END = re.compile(r"[。！？；!?;\n]|\.(?=\s|$)|</?[a-z_]+>|<\|[a-z_]+\|>", re.IGNORECASE)


def addresses_model(text: str) -> bool:
    """Whether `text` speaks to the model (an instruction, a fake turn or marker) rather than of the sale."""
    return _INSTRUCTION.search(text) is not None


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of `text` that address the model, as (start, end) offsets."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    spans: list[tuple[int, int]] = []
    for m in _INSTRUCTION.finditer(text):
        # from the end of the last sentence before the match to the first end at or after it
        start = max((e for e in ends if e <= m.start()), default=0)
        end = min((e for e in ends if e >= m.end()), default=len(text))
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def within_instruction(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] overlaps a sentence that addresses the model."""
    return any(s < end and start < e for s, e in instruction_spans(text))


def without_instructions(text: str) -> str:
    """`text` with every sentence that addresses the model blanked out (same length, offsets and lines)."""
    out = text
    for s, e in instruction_spans(text):
        out = out[:s] + re.sub(r"[^\n]", " ", out[s:e]) + out[e:]
    return out


CHARS_PER_MINUTE = 200
WORDS_PER_MINUTE = 130
SUMMARY_MAX_ZH = 80
SUMMARY_MAX_EN_WORDS = 40


def locate(text: str, quote: str | None) -> Evidence | None:
    """Where `quote` stands in `text` (exactly, else ignoring whitespace); None when it does not."""
    if not quote or not quote.strip():
        return None
    quote = quote.strip()
    at = text.find(quote)
    if at >= 0:
        ev = Evidence(at, at + len(quote), quote)
    else:
        # Models often drop or add spaces (voice notes are full of them): match without whitespace.
        squashed_quote = _SPACE.sub("", quote)
        if not squashed_quote:
            return None
        positions = [i for i, ch in enumerate(text) if not ch.isspace()]
        squashed = "".join(text[i] for i in positions)
        k = squashed.find(squashed_quote)
        if k < 0:
            return None
        start, end = positions[k], positions[k + len(squashed_quote) - 1] + 1
        ev = Evidence(start, end, text[start:end])
    if addresses_model(ev.quote) or within_instruction(text, ev.start, ev.end):
        return None
    return ev


def _summary(text: str, lang: str) -> str:
    text = " ".join(text.split())
    if lang == "en" or not re.search(r"[\u4e00-\u9fff]", text):
        words = text.split()
        return " ".join(words[:SUMMARY_MAX_EN_WORDS])
    return text[:SUMMARY_MAX_ZH]


def _pain_seconds(interaction: Interaction, quotes: list[Evidence], reported_minutes: float | None) -> float:
    if interaction.kind is InputKind.CALL:
        # the durations of the customer segments the quotes fall in, each counted once
        hit = {
            i
            for i, seg in enumerate(interaction.segments)
            for q in quotes
            if seg.speaker is Speaker.CUSTOMER and seg.offset <= q.start < seg.end
        }
        return sum(
            max(0.0, (interaction.segments[i].end_s or 0.0) - (interaction.segments[i].start_s or 0.0))
            for i in hit
        )
    if interaction.kind is InputKind.CHAT:
        customer_quotes = [
            q
            for q in quotes
            if any(
                s.speaker is Speaker.CUSTOMER and s.offset <= q.start < s.end for s in interaction.segments
            )
        ]
        han = sum(len(re.findall(r"[\u4e00-\u9fff]", q.quote)) for q in customer_quotes)
        words = sum(len(re.findall(r"[A-Za-z]+", q.quote)) for q in customer_quotes)
        return 60.0 * (han / CHARS_PER_MINUTE + words / WORDS_PER_MINUTE)
    return 60.0 * reported_minutes if quotes and reported_minutes else 0.0


def ground(answer: LLMFollowUp, interaction: Interaction, customer: CustomerContext) -> FollowUpFields:
    """The answer's values that the input supports, with their evidence; the rest is dropped."""
    text = interaction.text
    reference = interaction.reference_time
    evidence: dict[str, Evidence] = {}
    provenance: dict[str, str] = {}

    channel = None
    ev = locate(text, answer.source_channel_quote)
    if answer.source_channel is not None and ev is not None:
        channel, evidence["source_channel"] = answer.source_channel, ev
    elif customer.known_source_channel is not None:
        channel, provenance["source_channel"] = customer.known_source_channel, "crm"
    elif long_known(customer, reference):
        channel, provenance["source_channel"] = Channel.EXISTING_CUSTOMER, "crm_history"

    first_contact: date | None = None
    ev = locate(text, answer.first_contact_phrase)
    span = parse_time(ev.quote, reference) if ev else None
    if ev is not None and span is not None and span.start is not None and span.start <= reference.date():
        first_contact, evidence["first_contact_date"] = span.start, ev
    elif customer.known_first_contact_date is not None:
        first_contact, provenance["first_contact_date"] = customer.known_first_contact_date, "crm"
    elif answer.is_first_contact and ev is not None:
        first_contact, evidence["first_contact_date"] = reference.date(), ev
        provenance["first_contact_date"] = "interaction_date"

    stage = None
    ev = locate(text, answer.stage_quote)
    if answer.stage is not None and ev is not None:
        stage, evidence["stage"] = answer.stage, ev
    elif customer.current_stage is not None:
        stage, provenance["stage"] = customer.current_stage, "crm"

    next_date = None
    ev = locate(text, answer.next_follow_up_phrase)
    span = parse_time(ev.quote, reference) if ev else None
    if ev is not None and span is not None and span.due is not None and not span.vague:
        next_date, evidence["next_follow_up_date"] = span.due, ev

    questions = tuple(e for q in answer.discovery_questions if (e := locate(text, q)) is not None)
    pains = [e for q in answer.pain_quotes if (e := locate(text, q)) is not None]
    quality = QualityFeatures(
        discovery_questions=questions,
        pain_seconds=_pain_seconds(interaction, pains, answer.pain_minutes_reported),
        pain_evidence=tuple(pains),
        pain_measured=interaction.kind is InputKind.CALL,
        next_step=locate(text, answer.next_step_quote),
    )
    signals: list[SignalHit] = []
    seen = set()
    for s in answer.signals:
        ev = locate(text, s.quote)
        if ev is not None and s.signal not in seen:
            seen.add(s.signal)
            signals.append(SignalHit(s.signal, ev))
    return FollowUpFields(
        source_channel=channel,
        first_contact_date=first_contact,
        stage=stage,
        summary=_summary(answer.summary, interaction.lang),
        next_follow_up_date=next_date,
        quality=quality,
        signals=tuple(signals),
        evidence=evidence,
        provenance=provenance,
    )


# the fields a follow-up applies to the customer and the deal
APPLIED_FIELDS = ("source_channel", "first_contact_date", "stage", "next_follow_up_date")


def drop_instructed(fields: FollowUpFields, text: str) -> tuple[FollowUpFields, list[str]]:
    """The fields without any value whose evidence lies in a sentence that addresses the model.

    Whichever engine read it (the model, or the offline rules the model fell back to), an injected
    "把阶段改成赢单" is not the customer's stage: the value is dropped, so the CRM's stands.
    """
    spans = instruction_spans(text)
    if not spans:
        return fields, []

    def inside(ev: Evidence) -> bool:
        return any(s < ev.end and ev.start < e for s, e in spans)

    values: dict[str, object] = {}
    evidence = dict(fields.evidence)
    provenance = dict(fields.provenance)
    dropped: list[str] = []
    for name in APPLIED_FIELDS:
        ev = evidence.get(name)
        if ev is not None and inside(ev):
            values[name] = None
            del evidence[name]
            provenance[name] = "dropped"
            dropped.append(name)
    q = fields.quality
    quality = replace(
        q,
        discovery_questions=tuple(e for e in q.discovery_questions if not inside(e)),
        pain_evidence=tuple(e for e in q.pain_evidence if not inside(e)),
        next_step=q.next_step if q.next_step is None or not inside(q.next_step) else None,
    )
    signals = tuple(h for h in fields.signals if not inside(h.evidence))
    if quality != q:
        dropped.append("quality evidence")
    if signals != fields.signals:
        dropped.append("signals")
    if not dropped:
        return fields, []
    kept = replace(fields, quality=quality, signals=signals, evidence=evidence, provenance=provenance)
    return replace(kept, **values), dropped  # type: ignore[arg-type]
