"""The LLM follow-up engine: one structured call, grounded, with retries and an offline fallback."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace

from copilot.domain import CustomerContext, EngineRun, FollowUpFields, Interaction
from copilot.followups.engine import FollowUpEngine
from copilot.llm.chat import ChatModel, ChatTurn
from copilot.llm.facts import unsupported_facts
from copilot.llm.grounding import ground
from copilot.llm.schema import LLMFollowUp
from copilot.llm.structured import CallStats, ModelUnavailable, StructuredCaller
from copilot.llm.tokens import TokenCounter
from copilot.privacy.redact import names_in_scope
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
        self.caller = StructuredCaller(chat, retries=retries, backoff_s=backoff_s, sleep=sleep)

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
        # the customer's and its contacts' names are masked too when the deployment masks names
        with names_in_scope([customer.name, *customer.contacts]):
            return self._extract(interaction, customer)

    def _extract(self, interaction: Interaction, customer: CustomerContext) -> FollowUpFields:
        turns = self.build_turns(interaction, customer)
        try:
            answer = self.caller.ask(turns, LLMFollowUp)
        except ModelUnavailable as exc:
            log.warning("llm extraction fell back to offline", extra={"reason": exc.reason[:300]})
            fields = self.fallback.extract_followup(interaction, customer)
            return replace(
                fields,
                run=EngineRun(
                    engine=self.fallback.name,
                    version=self.fallback.version,
                    model=self.chat.model,
                    prompt=self.prompt.ref,
                    usage=exc.stats.usage or None,
                    calls=exc.stats.calls,
                    note=f"LLM fallback to the offline engine: {exc.reason}"[:1000],
                ),
            )
        fields = ground(answer.value, interaction, customer)
        offline = self.fallback.extract_followup(interaction, customer)
        fields, notes = _fill_dropped(fields, answer.value, offline)
        summary_issue = unsupported_facts(fields.summary, interaction.text, interaction.reference_time)
        if summary_issue:
            retry = self._reask_summary(turns, answer.value.model_dump_json(), summary_issue, answer.stats)
            still = (
                unsupported_facts(retry, interaction.text, interaction.reference_time)
                if retry
                else summary_issue
            )
            if retry and not still:
                fields = replace(fields, summary=retry)
                notes.append(f"summary re-asked: it stated {', '.join(summary_issue)} not in the input")
            else:
                fields = replace(
                    fields,
                    summary=offline.summary,
                    provenance={**fields.provenance, "summary": "offline"},
                )
                notes.append(
                    f"summary replaced by the offline engine's: it stated {', '.join(still)} not in the input"
                )
        if answer.stats.redacted:
            masked = ", ".join(f"{kind} {n}" for kind, n in sorted(answer.stats.redacted.items()))
            notes.append(f"masked before the model call: {masked}")
        return replace(
            fields,
            run=EngineRun(
                engine=self.name,
                version=self.version,
                model=self.chat.model,
                prompt=self.prompt.ref,
                usage=answer.stats.usage,
                calls=answer.stats.calls,
                note="; ".join(notes)[:1000] or None,
            ),
        )

    def _reask_summary(
        self, turns: list[ChatTurn], previous: str, issues: list[str], stats: CallStats
    ) -> str | None:
        """Ask once more for the answer, naming the summary's facts the input does not state."""
        turns = [
            *turns,
            ChatTurn("assistant", previous[:4000]),
            ChatTurn(
                "user",
                "Your summary states facts that are not in the interaction ("
                + "; ".join(issues)
                + "). Answer again with the same JSON; the summary may only state amounts, dates, "
                "outcomes and names that the interaction itself states.",
            ),
        ]
        try:
            return self.caller.ask(turns, LLMFollowUp, stats).value.summary
        except ModelUnavailable:
            return None


# fields a model answers with a quote; when the quote is not in the input, the offline reading stands
GROUNDED_FIELDS: tuple[tuple[str, str], ...] = (
    ("source_channel", "source_channel_quote"),
    ("first_contact_date", "first_contact_phrase"),
    ("stage", "stage_quote"),
    ("next_follow_up_date", "next_follow_up_phrase"),
)


def _fill_dropped(
    fields: FollowUpFields, answer: LLMFollowUp, offline: FollowUpFields
) -> tuple[FollowUpFields, list[str]]:
    """Each field the model answered but grounding left empty takes the offline engine's reading;
    provenance says where every field came from (llm, offline, crm)."""
    provenance = dict(fields.provenance)
    evidence = dict(fields.evidence)
    values: dict[str, object] = {}
    notes: list[str] = []
    for name, quote_field in GROUNDED_FIELDS:
        if name in evidence:
            provenance.setdefault(name, "llm")
            continue
        answered = getattr(answer, name, None) is not None or getattr(answer, quote_field, None)
        if not answered or provenance.get(name) == "crm":
            continue  # nothing was dropped, or the CRM's value stands (as without a model)
        value = getattr(offline, name)
        if value is None:
            continue
        values[name] = value
        provenance[name] = "offline"
        if name in offline.evidence:
            evidence[name] = offline.evidence[name]
        notes.append(f"{name}: the model's quote is not in the input; the offline reading is kept")
    provenance.setdefault("summary", "llm")
    return replace(fields, provenance=provenance, evidence=evidence, **values), notes  # type: ignore[arg-type]


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1
