"""The model boundary: every chat call to an external endpoint passes here, masked and metered.

`GuardedChat` wraps any `ChatModel`. With a `Redactor` it masks personal data in every message, sends
the masked messages, and restores the real values in the answer before anything else (grounding,
storage, display) sees it. With or without one, it publishes one `ModelCall` event per call.
"""

from __future__ import annotations

from pydantic import BaseModel

from copilot.llm.chat import ChatModel, ChatReply, ChatTurn, TransientModelError
from copilot.privacy.events import ModelCall, Outcome, publish
from copilot.privacy.redact import Redactor

# told to the model only when something was masked, so quotes keep the placeholders verbatim
PLACEHOLDER_NOTE = (
    "\nMarks like ⟦PHONE_1⟧, ⟦EMAIL_1⟧, ⟦ID_1⟧, ⟦CARD_1⟧ or ⟦NAME_1⟧ stand for masked personal data: "
    "copy them exactly as written when you quote or mention them."
)


class GuardedChat:
    """A `ChatModel` that masks what leaves, restores what comes back, and counts every call."""

    def __init__(self, inner: ChatModel, purpose: str, redactor: Redactor | None) -> None:
        self.inner = inner
        self.model = inner.model
        self.purpose = purpose
        self.redactor = redactor

    def complete_json(self, turns: list[ChatTurn], schema: type[BaseModel]) -> ChatReply:
        """The inner model's answer to the masked turns, with the real values restored."""
        redaction = self.redactor.session() if self.redactor else None
        sent = [ChatTurn(t.role, redaction.mask(t.content)) for t in turns] if redaction else turns
        counts = dict(redaction.counts) if redaction else {}
        if counts and sent and sent[0].role == "system":
            sent[0] = ChatTurn("system", sent[0].content + PLACEHOLDER_NOTE)
        outcome: Outcome = "error"
        reply: ChatReply | None = None
        try:
            reply = self.inner.complete_json(sent, schema)
            outcome = "ok"
        except TransientModelError:
            outcome = "transient_error"
            raise
        finally:
            usage = reply.usage if reply else {}
            publish(
                ModelCall(
                    self.purpose,
                    outcome,
                    input_tokens=usage.get("prompt_tokens", 0),
                    output_tokens=usage.get("completion_tokens", 0),
                    redactions=counts,
                )
            )
        text = redaction.restore_json(reply.text) if redaction else reply.text
        return ChatReply(text=text, usage=reply.usage, redacted=counts)
