"""Builders for extraction tests: interactions from short texts, one shared engine."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from copilot.domain import CustomerContext, FollowUpFields, Interaction
from copilot.extraction.offline import OfflineEngine
from copilot.followups.interactions import build_interaction

REF = "2026-05-20T10:00:00+08:00"  # a Wednesday


@lru_cache(maxsize=1)
def engine() -> OfflineEngine:
    return OfflineEngine()


def dictation(text: str, ref: str = REF) -> Interaction:
    return build_interaction({"kind": "dictation", "text": text}, datetime.fromisoformat(ref))


def chat(*messages: tuple[str, str], ref: str = REF) -> Interaction:
    msgs = [{"at": ref, "from": who, "name": None, "text": text} for who, text in messages]
    return build_interaction({"kind": "chat", "messages": msgs}, datetime.fromisoformat(ref))


def timed_chat(*messages: tuple[str, str, str], ref: str) -> Interaction:
    """A chat whose messages carry their own send times: (at, from, text)."""
    msgs = [{"at": at, "from": who, "name": None, "text": text} for at, who, text in messages]
    return build_interaction({"kind": "chat", "messages": msgs}, datetime.fromisoformat(ref))


def call(*segments: tuple[float, float, str, str], ref: str = REF) -> Interaction:
    segs: list[dict[str, Any]] = [
        {"start_s": s, "end_s": e, "speaker": who, "text": text} for s, e, who, text in segments
    ]
    return build_interaction({"kind": "call", "segments": segs}, datetime.fromisoformat(ref))


def extract(interaction: Interaction, customer: CustomerContext | None = None) -> FollowUpFields:
    return engine().extract_followup(interaction, customer or CustomerContext())


def assert_evidence_quotes_input(fields: FollowUpFields, interaction: Interaction) -> None:
    spans = list(fields.evidence.values()) + [s.evidence for s in fields.signals]
    spans += list(fields.quality.discovery_questions) + list(fields.quality.pain_evidence)
    if fields.quality.next_step is not None:
        spans.append(fields.quality.next_step)
    for ev in spans:
        assert interaction.text[ev.start : ev.end] == ev.quote
