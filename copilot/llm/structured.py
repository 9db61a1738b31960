"""One structured answer from a chat model: retries on transient errors, one re-ask on invalid output."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from copilot.llm.chat import ChatModel, ChatReply, ChatTurn, ModelError, TransientModelError
from copilot.privacy.events import Fallback, publish

T = TypeVar("T", bound=BaseModel)


@dataclass
class CallStats:
    """What answering cost: model calls made and tokens, summed over retries and re-asks."""

    calls: int = 0
    usage: dict[str, int] = field(default_factory=dict)
    redacted: dict[str, int] = field(default_factory=dict)  # values masked before each call, by kind

    def add(self, reply: ChatReply) -> None:
        for k, v in reply.usage.items():
            self.usage[k] = self.usage.get(k, 0) + v
        for k, v in reply.redacted.items():
            self.redacted[k] = self.redacted.get(k, 0) + v


class ModelUnavailable(Exception):
    """No valid answer could be had; `reason` says why, `stats` what trying cost."""

    def __init__(self, reason: str, stats: CallStats) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stats = stats


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    stats: CallStats


class StructuredCaller:
    """Asks a chat model for an instance of a schema, within a retry and re-ask budget."""

    def __init__(
        self,
        chat: ChatModel,
        *,
        retries: int = 2,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.chat = chat
        self.retries = retries
        self.backoff_s = backoff_s
        self.sleep = sleep

    def ask(self, turns: list[ChatTurn], schema: type[T], stats: CallStats | None = None) -> Answer[T]:
        """The model's answer as `schema`; raises ModelUnavailable after the retry and re-ask budget."""
        stats = stats or CallStats()
        reason = ""
        for attempt in range(2):  # the first answer, and one re-ask with the validation error
            reply = self._reply(turns, schema, stats)
            try:
                return Answer(schema.model_validate_json(reply.text), stats)
            except ValidationError as exc:
                reason = f"invalid output: {brief(exc)}"
                if attempt == 0:
                    turns = [
                        *turns,
                        ChatTurn("assistant", reply.text[:4000]),
                        ChatTurn(
                            "user",
                            f"Your answer did not match the schema: {brief(exc)}. "
                            "Answer again with JSON only, exactly matching the schema.",
                        ),
                    ]
        raise self._unavailable(reason, stats)

    def _unavailable(self, reason: str, stats: CallStats) -> ModelUnavailable:
        """The error callers answer offline on; counted as a fallback for the chat's purpose."""
        # every caller of `ask` answers with its offline engine when the model gives no answer
        publish(Fallback(getattr(self.chat, "purpose", "other")))
        return ModelUnavailable(reason, stats)

    def _reply(self, turns: list[ChatTurn], schema: type[BaseModel], stats: CallStats) -> ChatReply:
        """One reply; timeouts, 429 and 5xx are retried with exponential backoff."""
        delay = self.backoff_s
        for attempt in range(1, self.retries + 2):
            stats.calls += 1
            try:
                reply = self.chat.complete_json(turns, schema)
            except TransientModelError as exc:
                if attempt > self.retries:
                    raise self._unavailable(f"{exc} (after {attempt} attempts)", stats) from exc
                self.sleep(delay)
                delay *= 2
                continue
            except ModelError as exc:
                raise self._unavailable(str(exc), stats) from exc
            stats.add(reply)
            return reply
        raise AssertionError("unreachable")


def brief(exc: ValidationError) -> str:
    """The first few validation errors, short enough to send back to the model."""
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'root'}: {e['msg']}" for e in exc.errors()[:5]]
    return "; ".join(parts)
