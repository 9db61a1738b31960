"""What the model must answer for a follow-up: values as quotes and phrases, never computed dates.

Every field is required (nullable where "not found" is possible) so the schema works with strict
structured-output modes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from copilot.domain import Channel, Signal, Stage


class SignalQuote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signal: Signal
    quote: str = Field(description="Exact words from the interaction that raise the signal.")


class LLMFollowUp(BaseModel):
    """The model's reading of one interaction."""

    model_config = ConfigDict(extra="forbid")

    source_channel: Channel | None
    source_channel_quote: str | None
    first_contact_phrase: str | None = Field(description="Verbatim words dating the very first contact.")
    is_first_contact: bool
    stage: Stage | None
    stage_quote: str | None
    summary: str
    next_follow_up_phrase: str | None = Field(description="Verbatim date words of the agreed next action.")
    discovery_questions: list[str]
    pain_quotes: list[str]
    pain_minutes_reported: float | None
    next_step_quote: str | None
    signals: list[SignalQuote]
