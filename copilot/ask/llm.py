"""The LLM engine for questions: the model writes the same typed plan (never SQL), which is then
validated and run exactly like the offline parser's."""

from __future__ import annotations

from datetime import datetime

from copilot.ask.plan import Plan
from copilot.domain import lost_reason_category
from copilot.llm.chat import ChatModel, ChatTurn
from copilot.llm.structured import CallStats, StructuredCaller
from copilot.pipeline.snapshot import PipelineSnapshot
from copilot.prompting import Prompt, defuse_markers


class LLMPlanner:
    """Question -> Plan through one structured call (retries and one re-ask on invalid output)."""

    name = "llm"

    def __init__(self, chat: ChatModel, prompt: Prompt, *, retries: int = 2) -> None:
        self.chat = chat
        self.prompt = prompt
        self.caller = StructuredCaller(chat, retries=retries)

    def plan(self, question: str, snap: PipelineSnapshot, as_of: datetime) -> tuple[Plan, CallStats]:
        """The model's plan; raises ModelUnavailable when none valid could be had."""
        people = "; ".join(f"{u.ext}: {u.name}, {u.role}, {u.team or '-'}" for u in snap.users.values())
        teams = ", ".join(sorted({u.team for u in snap.users.values() if u.team}))
        lost = (
            ", ".join(sorted({lost_reason_category(d.lost_reason) for d in snap.deals if d.lost_reason}))
            or "-"
        )
        rendered = self.prompt.render(
            question=defuse_markers(question),
            as_of=as_of.isoformat(),
            people=people,
            teams=teams,
            lost_reasons=lost,
        )
        answer = self.caller.ask([ChatTurn("system", rendered.system), ChatTurn("user", rendered.user)], Plan)
        return answer.value, answer.stats
