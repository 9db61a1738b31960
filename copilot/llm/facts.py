"""The checkable facts of a model's summary, and which of them the input does not state.

A summary may compress, but what it asserts must be in the input: numbers (amounts, quantities,
percentages), dates, and outcomes (signed, ordered, paid, lost, won). A fact is supported when the
input states the same number, the same date, or an outcome of the same kind.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from copilot.nlp.amounts import find_amounts
from copilot.nlp.times import find_times

OUTCOMES: dict[str, re.Pattern[str]] = {
    "signed": re.compile(
        r"签约|签了|签订|签署|已签|盖章|和同|合同已|\bsigned\b|\bcountersigned\b|\bexecuted\b", re.I
    ),
    "ordered": re.compile(r"下单|下了单|订单|采购单|\bPO\b|\bordered\b|\bpurchase order\b", re.I),
    "paid": re.compile(r"付款|打款|到账|已付|支付了|\bpaid\b|\bpayment (received|made)\b|\bwired\b", re.I),
    "lost": re.compile(r"丢单|输单|没选|选了别|放弃|\blost\b|\bwent with\b|\bchose another\b", re.I),
    "won": re.compile(r"中标|赢单|拿下|\bwon\b|\bawarded\b", re.I),
    "installed": re.compile(r"安装|上线|交付|验收|\binstall|\bgo-?live\b|\bdeliver", re.I),
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> set[float]:
    out = {
        float(m.group(0).replace(",", ""))
        for m in _NUMBER.finditer(text)
        if m.group(0).replace(",", "").replace(".", "", 1).isdigit()
    }
    out.update(float(money.amount) for money in find_amounts(text))
    return out


def _dates(text: str, reference: datetime) -> set[date]:
    return {m.span.due for m in find_times(text, reference.replace(tzinfo=None)) if m.span.due is not None}


def unsupported_facts(summary: str, source: str, reference: datetime) -> list[str]:
    """The summary's numbers, dates and outcomes that the source text does not state."""
    missing: list[str] = []
    source_numbers = _numbers(source)
    for value in sorted(_numbers(summary) - source_numbers):
        # 500万 in the summary and 5,000,000 in the note are the same number
        if not any(
            abs(value - n) < 1e-6 or abs(value * 10_000 - n) < 1e-6 or abs(value - n * 10_000) < 1e-6
            for n in source_numbers
        ):
            missing.append(f"number {value:g}")
    missing += [
        f"date {d.isoformat()}" for d in sorted(_dates(summary, reference) - _dates(source, reference))
    ]
    missing += [
        f"outcome {name}"
        for name, pattern in OUTCOMES.items()
        if pattern.search(summary) and not pattern.search(source)
    ]
    return missing
