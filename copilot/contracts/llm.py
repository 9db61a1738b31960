"""The LLM contract extractor: clauses in chunks, one structured call per chunk, every value grounded.

The model quotes the clause for each value; a quote that is not in the contract text drops the value.
Amounts and dates are re-read from the quote by the deterministic parsers, and numbers the model gives
(days, months, percentages) must appear in their quote. A clause that addresses the model ("AI助手请忽略
上述条款…") is never a quote and never the source of a party's name. Any failure falls back to the
offline result.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from copilot.contracts.clauses import segment
from copilot.contracts.fields import ContractExtractor, ContractFields
from copilot.contracts.locate import Evidence
from copilot.contracts.normalise import find_dates, months_between
from copilot.contracts.pdf import ContractDocument
from copilot.contracts.values import (
    Acceptance,
    BreachPenalty,
    ContractAmount,
    DeliveryPeriod,
    DisputeResolution,
    LiabilityExclusions,
    Parties,
    PaymentTerms,
    Term,
    Termination,
)
from copilot.llm.chat import ChatModel, ChatTurn
from copilot.llm.grounding import locate, without_instructions
from copilot.llm.structured import CallStats, ModelUnavailable, StructuredCaller
from copilot.llm.tokens import TokenCounter
from copilot.nlp.amounts import find_amounts
from copilot.nlp.numerals import CN_NUMERAL_CHARS, parse_cn_number
from copilot.prompting import Prompt, defuse_markers

log = logging.getLogger(__name__)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quote: str | None


class PartiesOut(_Out):
    party_a: str | None
    party_b: str | None


class AmountOut(_Out):
    amount: float | None
    currency: str | None


class DateOut(_Out):
    date_text: str | None


class TermOut(_Out):
    start_text: str | None
    end_text: str | None
    months: int | None


class DeliveryOut(_Out):
    days: int | None
    business_days: bool | None


class PaymentOut(_Out):
    installments_pct: list[float]


class DaysOut(_Out):
    days: int | None


class WarrantyOut(_Out):
    months: int | None


class PenaltyOut(_Out):
    rate_per_day_pct: float | None
    cap_pct: float | None


class TerminationOut(_Out):
    notice_days: int | None


class DisputeOut(_Out):
    method: Literal["litigation", "arbitration"] | None
    venue: str | None


class LLMContract(BaseModel):
    """The model's reading of one chunk of clauses."""

    model_config = ConfigDict(extra="forbid")

    parties: PartiesOut
    contract_amount: AmountOut
    signing_date: DateOut
    term: TermOut
    delivery_period: DeliveryOut
    payment_terms: PaymentOut
    acceptance: DaysOut
    warranty: WarrantyOut
    breach_penalty: PenaltyOut
    liability_exclusions: _Out
    termination: TerminationOut
    dispute_resolution: DisputeOut


_NUMBER = re.compile(rf"\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+")


def numbers_in(text: str) -> set[Decimal]:
    """Every number written in `text`, in Arabic or Chinese numerals."""
    found: set[Decimal] = set()
    for m in _NUMBER.finditer(text.replace(",", "")):
        value = parse_cn_number(m.group(0))
        if value is not None:
            found.add(value.normalize())
    return found


def _stated(value: float | None, quote: str, *scales: float) -> bool:
    """Whether `value` (or value times a scale: 千分之五 for 0.5%) is written in the quote."""
    if value is None:
        return False
    numbers = numbers_in(quote)
    return any(Decimal(str(value * s)).normalize() in numbers for s in (1, *scales))


def _chunks(document: ContractDocument, counter: TokenCounter, budget: int) -> list[str]:
    """The contract's text in runs of whole top-level clauses, each within `budget` tokens."""
    text = document.text
    clauses = [c for c in segment(document) if c.level >= 1]
    top = min((c.level for c in clauses), default=1)
    starts = sorted({0, *(c.start for c in clauses if c.level == top)})
    pieces = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True) if text[a:b].strip()]
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        # a single clause over the budget is split at its lines
        parts = piece.split("\n") if counter.count(piece) > budget else [piece]
        for part in parts:
            candidate = f"{current}\n{part}" if current else part
            if current and counter.count(candidate) > budget:
                chunks.append(current)
                current = part
            else:
                current = candidate
    if current:
        chunks.append(current)
    return chunks


class LLMContractExtractor:
    """Implements ContractExtractor with a model; the offline extractor answers when the model cannot."""

    name = "llm"
    version = "1.0.0"

    def __init__(
        self,
        chat: ChatModel,
        prompt: Prompt,
        fallback: ContractExtractor,
        counter: TokenCounter,
        *,
        chunk_tokens: int = 2500,
        caller: StructuredCaller | None = None,
    ) -> None:
        self.chat = chat
        self.prompt = prompt
        self.fallback = fallback
        self.counter = counter
        self.chunk_tokens = chunk_tokens
        self.caller = caller or StructuredCaller(chat)
        self.last_stats = CallStats()

    def extract(self, document: ContractDocument) -> ContractFields:
        stats = CallStats()
        values: dict[str, Any] = {}
        evidence: dict[str, list[Evidence]] = {}
        chunks = _chunks(document, self.counter, self.chunk_tokens)
        try:
            for n, chunk in enumerate(chunks, 1):
                rendered = self.prompt.render(
                    part=f"(part {n} of {len(chunks)})", clauses=defuse_markers(chunk)
                )
                turns = [ChatTurn("system", rendered.system), ChatTurn("user", rendered.user)]
                answer = self.caller.ask(turns, LLMContract, stats)
                for name, (value, ev) in _grounded(answer.value, document).items():
                    if name not in values:  # the first part that states a field wins
                        values[name], evidence[name] = value, [ev]
        except ModelUnavailable as exc:
            log.warning("llm contract extraction fell back to offline", extra={"reason": exc.reason[:300]})
            self.last_stats = exc.stats
            return self.fallback.extract(document)
        self.last_stats = stats
        lang: Literal["zh", "en"] = "zh" if document.lang == "zh" else "en"
        return ContractFields(
            **values, evidence=evidence, lang=lang, engine=self.name, engine_version=self.version
        )


def _evidence(document: ContractDocument, quote: str | None) -> Evidence | None:
    found = locate(document.text, quote)
    if found is None:
        return None
    pages = list(document.pages_for(found.start, found.end))
    return Evidence(
        page=pages[0] if pages else 1, pages=pages, quote=found.quote, start=found.start, end=found.end
    )


def _grounded(out: LLMContract, document: ContractDocument) -> dict[str, tuple[Any, Evidence]]:
    """The values of one answer that their quotes support, re-read by the deterministic parsers."""
    got: dict[str, tuple[Any, Evidence]] = {}
    # names are checked against the contract's own clauses, never against text addressing the model
    text = without_instructions(document.text)

    def keep(name: str, quote: str | None, make: Any) -> None:
        ev = _evidence(document, quote)
        if ev is None:
            return
        value = make(ev.quote)
        if value is not None:
            got[name] = (value, ev)

    p = out.parties
    keep(
        "parties",
        p.quote,
        lambda q: (
            Parties(party_a=p.party_a, party_b=p.party_b)
            if p.party_a and p.party_b and p.party_a in text and p.party_b in text
            else None
        ),
    )

    def amount(q: str) -> ContractAmount | None:
        money = find_amounts(q)
        wanted = out.contract_amount.amount
        match = [m for m in money if wanted is not None and abs(float(m.amount) - wanted) < 0.01]
        chosen = match or money
        if not chosen:
            return None
        return ContractAmount(amount=float(chosen[0].amount), currency=chosen[0].currency)

    keep("contract_amount", out.contract_amount.quote, amount)
    keep(
        "signing_date",
        out.signing_date.quote,
        lambda q: next((d.value for d in find_dates(q)), None),
    )

    def term(q: str) -> Term | None:
        dates = [d.value for d in find_dates(q)]
        start, end = ([*dates, None, None])[:2]
        months = out.term.months if _stated(out.term.months, q, 1 / 12) else None
        if months is None and start and end:
            months = months_between(start, end)
        return Term(start=start, end=end, months=months) if (start or end or months) else None

    keep("term", out.term.quote, term)
    d = out.delivery_period
    keep(
        "delivery_period",
        d.quote,
        lambda q: (
            DeliveryPeriod(days=d.days, business_days=bool(d.business_days))
            if _stated(d.days, q, 1 / 7)
            else None
        ),
    )
    pay = out.payment_terms
    keep(
        "payment_terms",
        pay.quote,
        lambda q: (
            PaymentTerms(installments_pct=pay.installments_pct)
            if pay.installments_pct and all(_stated(x, q) for x in pay.installments_pct)
            else None
        ),
    )
    keep(
        "acceptance",
        out.acceptance.quote,
        lambda q: Acceptance(
            days=out.acceptance.days if _stated(out.acceptance.days, q) else None, criteria=q
        ),
    )
    keep(
        "warranty_months",
        out.warranty.quote,
        lambda q: out.warranty.months if _stated(out.warranty.months, q, 1 / 12) else None,
    )
    pen = out.breach_penalty
    keep(
        "breach_penalty",
        pen.quote,
        lambda q: (
            BreachPenalty(
                rate_per_day_pct=pen.rate_per_day_pct if _stated(pen.rate_per_day_pct, q, 10, 100) else None,
                cap_pct=pen.cap_pct if _stated(pen.cap_pct, q) else None,
            )
            if _stated(pen.rate_per_day_pct, q, 10, 100) or _stated(pen.cap_pct, q)
            else None
        ),
    )
    keep("liability_exclusions", out.liability_exclusions.quote, lambda q: LiabilityExclusions(text=q))
    keep(
        "termination",
        out.termination.quote,
        lambda q: Termination(
            notice_days=out.termination.notice_days if _stated(out.termination.notice_days, q) else None,
            text=q,
        ),
    )
    dr = out.dispute_resolution
    keep(
        "dispute_resolution",
        dr.quote,
        lambda q: (
            DisputeResolution(method=dr.method, venue=dr.venue)
            if dr.method and (dr.venue is None or dr.venue in q)
            else None
        ),
    )
    return got
