"""Grounding: a model's value is kept only when its quote is really in the input.

Dates and durations are never taken from the model: it returns the phrase, and the project's time
parser computes the date against the reference time.
"""

from __future__ import annotations

import re
from datetime import date

from copilot.domain import (
    CustomerContext,
    Evidence,
    FollowUpFields,
    InputKind,
    Interaction,
    QualityFeatures,
    SignalHit,
    Speaker,
)
from copilot.llm.schema import LLMFollowUp
from copilot.nlp.times import parse_time

_SPACE = re.compile(r"\s+")
# Text that addresses the model is never evidence, whatever the model says.
_INSTRUCTION = re.compile(
    r"忽略(?:以上|之前|前面|上述)?.{0,6}(?:指令|指示|提示|规则)|(?:把|将).{0,8}(?:阶段|stage).{0,4}(?:改|设)|"
    r"ignore (?:all |the )?(?:previous|above|prior) (?:instructions|prompts?)|system prompt|you are now",
    re.IGNORECASE,
)
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
    if _INSTRUCTION.search(ev.quote):
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
