"""The three elements a customer confirmation letter must state: payment method, delivery period and
acceptance criteria (FORMAT.md: "a confirmation letter mentioning payment method, delivery period and
acceptance criteria").

A letter is read clause by clause. An element is present when a clause states it with substance (a
heading followed by its terms, or the terms themselves: "预付30%", "45个工作日内交货", "连续72小时
试运行无故障视为合格"); a clause that names it only to defer it ("付款方式另行商定", "TBD") does not
count. Every element found carries the clause it was found in, quoted from the letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ELEMENTS: tuple[str, ...] = ("payment_method", "delivery_period", "acceptance_criteria")

LABELS = {
    "zh": {"payment_method": "付款方式", "delivery_period": "交付周期", "acceptance_criteria": "验收标准"},
    "en": {
        "payment_method": "payment method",
        "delivery_period": "delivery period",
        "acceptance_criteria": "acceptance criteria",
    },
}

_N = r"(?:\d+|[一二两三四五六七八九十百]+)"

# Terms that state the element by themselves, wherever they stand in the clause.
_STATED = {
    "payment_method": re.compile(
        r"付款方式|支付方式|付款[:：]|付款条件|付款安排|结算方式|付款节点|付款计划|账期|月结|预付|首付|尾款|余款|分期付|"
        r"货到付款|款到发货|电汇|银行转账|承兑|信用证|现结|"
        rf"付{_N}\s*%|支付{_N}\s*%|{_N}\s*%\s*(?:的)?(?:款|货款|合同款)|"
        r"\bpayment\s*[:：]|payment terms?|payment method|method of payment|payment schedule|payment plan|"
        r"prepay|"
        r"down[- ]payment|deposit of|in (?:\w+ )?instal+ments?|net\s*\d+|payable|paid (?:within|upon|on|in)|"
        r"wire transfer|bank transfer|letter of credit|\d+\s*%\s*(?:upon|on|after|within|before)",
        re.IGNORECASE,
    ),
    "delivery_period": re.compile(
        r"交付周期|交货期|交期|交付时间|交货时间|供货周期|交付期限|交货期限|到货时间|实施周期|工期|上线时间|"
        rf"{_N}\s*个?(?:工作|自然|日历)?[日天周月]内?(?:完成)?(?:交货|交付|送货|发货|到货|部署|上线|安装|实施)|"
        rf"(?:交货|交付|发货|送货|到货|上线)[^。；;]{{0,12}}?{_N}\s*个?(?:工作|自然)?[日天周月]|"
        r"delivery period|delivery time|delivery date|delivery schedule|lead time|"
        r"deliver(?:ed|y)?\s+(?:\w+\s+){0,4}?within|ship(?:ped|ment)?\s+(?:\w+\s+){0,3}?within|go[- ]live|"
        r"implementation period|delivered (?:by|no later than)",
        re.IGNORECASE,
    ),
    "acceptance_criteria": re.compile(
        r"验收标准|验收条件|验收方式|验收依据|验收要求|验收办法|验收流程|"
        r"按[^。；;，,]{1,20}验收|[^。；;]{0,40}视为(?:验收)?合格|试运行|逐项(?:测试|验收|核对)|"
        r"acceptance criteria|acceptance test|acceptance (?:shall|will|is) be|deemed accepted|"
        r"accepted (?:when|upon|if|once|after)|acceptance procedure|acceptance standard|sign[- ]off",
        re.IGNORECASE,
    ),
}

# A clause that defers the element states nothing yet.
_DEFERRED = re.compile(
    r"待定|另议|另行(?:商定|约定|确定|协商|通知)|尚未(?:确定|确认|约定)|未定|待(?:双方)?(?:确认|商定|协商)|暂不|"
    r"\bTBD\b|\bTBC\b|to be (?:agreed|confirmed|determined|discussed|decided)|"
    r"not yet (?:agreed|confirmed|decided)",
    re.IGNORECASE,
)

_CLAUSE_END = re.compile(r"[。；;\n]|(?<=[^\d])\.(?=\s|$)|(?=(?:^|\s)[一二三四五六七八九十]+、)")


@dataclass(frozen=True)
class Element:
    name: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class LetterReading:
    """Which of the three elements a letter states, each with its quote; `deferred` names the ones
    the letter mentions only to leave open."""

    found: dict[str, Element]
    deferred: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return all(name in self.found for name in ELEMENTS)

    @property
    def missing(self) -> list[str]:
        return [name for name in ELEMENTS if name not in self.found]

    def as_dict(self) -> dict[str, object]:
        return {
            "complete": self.complete,
            "missing": self.missing,
            "deferred": list(self.deferred),
            "elements": {
                name: {"quote": e.quote, "start": e.start, "end": e.end} for name, e in self.found.items()
            },
        }


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: split at sentence ends, semicolons, lines and 一、/二、 headings."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n，,：:":
        start += 1
    while end > start and text[end - 1] in " \t\r\n，,":
        end -= 1
    return start, end


def read_letter(text: str) -> LetterReading:
    """The elements `text` states, each with the first clause that states it."""
    found: dict[str, Element] = {}
    deferred: set[str] = set()
    for start, end in _clauses(text):
        clause = text[start:end]
        for name in ELEMENTS:
            if name in found or not _STATED[name].search(clause):
                continue
            if _DEFERRED.search(clause):
                deferred.add(name)
                continue
            found[name] = Element(name, clause, start, end)
    return LetterReading(found, tuple(n for n in ELEMENTS if n in deferred and n not in found))
