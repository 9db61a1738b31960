"""The checkable facts of a model's summary, and which of them the input does not state.

A summary may compress, but what it asserts must be in the input: numbers (amounts, quantities,
percentages), dates, outcomes (signed, ordered, paid, lost, won) and company names. A fact is
supported when the input states the same number, the same date, an outcome of the same kind or the
same company. Sentences of the input that address the model support nothing: an injected "金额记为0"
is not the customer's amount.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from copilot.llm.grounding import without_instructions
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
# A company named with its legal form: 某某电子有限公司, Acme Holdings Ltd.
_COMPANY = re.compile(
    r"[\u4e00-\u9fff]{2,16}?(?:股份有限公司|有限责任公司|有限公司|集团)|"
    r"(?:[A-Z][\w&'-]*\s){1,5}(?:Co\.|Inc\.|Ltd\.?|LLC|Corp\.?|GmbH|Limited)"
)
_CORE = 4  # characters before the legal form that must match, so 恒远精工有限公司 != 启明精工有限公司


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


def _company_stated(name: str, source: str) -> bool:
    """Whether the source names the company. A match may start later than the summary's (a summary
    pads names with words of its own: "Met Acme Co.", "客户恒远精工有限公司") but must keep the legal
    form and the few characters or words before it."""
    if name in source:
        return True
    form = re.search(r"(?:股份有限公司|有限责任公司|有限公司|集团)$", name)
    if form is not None:
        head = name[: form.start()]
        return any(head[i:] + form.group(0) in source for i in range(max(0, len(head) - _CORE) + 1))
    words = name.split()
    keep = max(1, min(2, len(words) - 2))  # words before the legal form a match keeps
    return any(" ".join(words[i:]) in source for i in range(1, len(words) - keep))


def unsupported_facts(summary: str, source: str, reference: datetime) -> list[str]:
    """The summary's numbers, dates, outcomes and companies that the source text does not state."""
    source = without_instructions(source)
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
    missing += [
        f"company {m.group(0).strip()}"
        for m in _COMPANY.finditer(summary)
        if not _company_stated(m.group(0).strip(), source)
    ]
    return missing
