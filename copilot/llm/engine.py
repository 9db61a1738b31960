"""The LLM follow-up engine: one structured call, grounded, with retries and an offline fallback."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from pydantic import ValidationError

from copilot.domain import CustomerContext, EngineRun, FollowUpFields, Interaction
from copilot.engines import FollowUpEngine
from copilot.llm.chat import ChatModel, ChatReply, ChatTurn, ModelError, TransientModelError
from copilot.llm.grounding import ground
from copilot.llm.schema import LLMFollowUp
from copilot.llm.tokens import TokenCounter
from copilot.prompting import Prompt, RenderedPrompt

log = logging.getLogger(__name__)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class LLMFollowUpEngine:
    """Extracts with a model; on any failure it answers with the offline engine and says why."""

    name = "llm"
    version = "1.0.0"

    def __init__(
        self,
        chat: ChatModel,
        prompt: Prompt,
        fallback: FollowUpEngine,
        counter: TokenCounter,
        *,
        max_prompt_tokens: int = 3000,
        retries: int = 2,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.chat = chat
        self.prompt = prompt
        self.fallback = fallback
        self.counter = counter
        self.max_prompt_tokens = max_prompt_tokens
        self.retries = retries
        self.backoff_s = backoff_s
        self.sleep = sleep

    def build_turns(self, interaction: Interaction, customer: CustomerContext) -> list[ChatTurn]:
        """The messages for one call, with the interaction trimmed to the token budget."""
        ref = interaction.reference_time
        known = {
            "customer": customer.name,
            "first_contact_date": customer.known_first_contact_date.isoformat()
            if customer.known_first_contact_date
            else None,
            "source_channel": customer.known_source_channel,
            "stage_before": customer.current_stage,
        }
        known_text = json.dumps({k: v for k, v in known.items() if v}, ensure_ascii=False)
        body = self._fit(
            interaction,
            lambda text: self.prompt.render(
                reference=f"{ref.isoformat(timespec='minutes')} ({_WEEKDAYS[ref.weekday()]})",
                known=known_text,
                kind=interaction.kind.value,
                interaction=text,
            ),
        )
        return [ChatTurn("system", body.system), ChatTurn("user", body.user)]

    def _fit(self, interaction: Interaction, render: Callable[[str], RenderedPrompt]) -> RenderedPrompt:
        """Render, dropping the oldest segments (never the last) until the prompt fits the budget."""
        text = interaction.text
        starts = [_line_start(text, s.offset) for s in interaction.segments[1:]]
        while True:
            rendered = render(text)
            tokens = self.counter.count(rendered.system + rendered.user)
            if tokens <= self.max_prompt_tokens:
                return rendered
            if not starts:
                # one long segment: keep its end, where the agreement usually is
                keep = max(200, len(text) * self.max_prompt_tokens // max(tokens, 1) - 100)
                return render("…" + text[-keep:])
            text = interaction.text[starts.pop(0) :]

    def extract_followup(self, interaction: Interaction, customer: CustomerContext) -> FollowUpFields:
        turns = self.build_turns(interaction, customer)
        usage: dict[str, int] = {}
        calls = 0
        reason = ""
        for ask in range(2):  # the first answer, and one re-ask with the validation error
            try:
                reply = self._call_with_retries(turns)
            except _GaveUp as exc:
                calls += exc.calls
                reason = exc.reason
                break
            calls += reply.calls
            for k, v in reply.reply.usage.items():
                usage[k] = usage.get(k, 0) + v
            try:
                answer = LLMFollowUp.model_validate_json(reply.reply.text)
            except ValidationError as exc:
                reason = f"invalid output: {_brief(exc)}"
                if ask == 0:
                    turns = [
                        *turns,
                        ChatTurn("assistant", reply.reply.text[:4000]),
                        ChatTurn(
                            "user",
                            f"Your answer did not match the schema: {_brief(exc)}. "
                            "Answer again with JSON only, exactly matching the schema.",
                        ),
                    ]
                continue
            fields = ground(answer, interaction, customer)
            return replace(
                fields,
                run=EngineRun(
                    engine=self.name,
                    version=self.version,
                    model=self.chat.model,
                    prompt=self.prompt.ref,
                    usage=usage,
                    calls=calls,
                ),
            )
        log.warning("llm extraction fell back to offline", extra={"reason": reason[:300]})
        fields = self.fallback.extract_followup(interaction, customer)
        return replace(
            fields,
            run=EngineRun(
                engine=self.fallback.name,
                version=self.fallback.version,
                model=self.chat.model,
                prompt=self.prompt.ref,
                usage=usage or None,
                calls=calls,
                note=f"LLM fallback to the offline engine: {reason}"[:1000],
            ),
        )

    def _call_with_retries(self, turns: list[ChatTurn]) -> _Attempt:
        """One answer; timeouts, 429 and 5xx are retried with exponential backoff."""
        delay = self.backoff_s
        attempt = 0
        while True:
            attempt += 1
            try:
                return _Attempt(self.chat.complete_json(turns, LLMFollowUp), attempt)
            except TransientModelError as exc:
                if attempt > self.retries:
                    raise _GaveUp(f"{exc} (after {attempt} attempts)", attempt) from exc
                self.sleep(delay)
                delay *= 2
            except ModelError as exc:
                raise _GaveUp(str(exc), attempt) from exc


@dataclass(frozen=True)
class _Attempt:
    reply: ChatReply
    calls: int


class _GaveUp(Exception):
    def __init__(self, reason: str, calls: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.calls = calls


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _brief(exc: ValidationError) -> str:
    errs = exc.errors()
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'root'}: {e['msg']}" for e in errs[:5]]
    return "; ".join(parts)
