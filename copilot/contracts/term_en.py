"""An English agreement's term: `commence on X and expire on Y`, `for a period of N years from the Effective
Date`, `until the fifth anniversary of the Effective Date`, `through December 31, 2026`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from copilot.contracts.locate import Contract, Span
from copilot.contracts.normalise import (
    FoundDate,
    add_months,
    count_value,
    find_dates,
    find_durations,
    months_between,
)

# A sentence about this agreement's own term (not a confidentiality period that survives it).
_TERM_CUE_RE = re.compile(
    r"(?i:\b(?:initial\s+)?term\b(?!\s+sheet)|\bduration\b|(?:remain|continue|be|stay)\s+in\s+(?:full\s+)?"
    r"(?:force|effect)|\bexpire|\b(?:terminate|end)\s+on\b|take\s+effect|\bcommence|\bin\s+effect\s+(?:for|until)"
    r"|\b(?:continue|remain|run)\s+(?:until|through|to)\b)"
)
_SURVIVAL_RE = re.compile(
    r"(?i:(?:after|following|beyond)\s+(?:the\s+)?(?:termination|expiration|expiry|end)\s+(?:of|or)|\bsurviv"
    r"|\bthereafter\s+for|confidential|non-?compet|restricted\s+period|statute\s+of|obligations?\s+(?:of|under|shall))"
)
_DEFINES_OTHER_RE = re.compile(
    r"[\"“](?!(?:Initial\s+)?Term\b)[^\"”]{1,40}[\"”]\s+(?:means|shall\s+mean)", re.I
)
_END_BEFORE_RE = re.compile(
    r"(?i:\b(?:expire[sd]?|expiring|terminate[sd]?|terminating|end(?:s|ing)?|until|through|thru|to|till"
    r"|expiration\s+date\s+(?:is|of|shall\s+be)|and\s+including)\s+(?:on\s+|at\s+|upon\s+|and\s+including\s+)?"
    r"(?:the\s+)?(?:close\s+of\s+business\s+on\s+)?)$"
)
_START_BEFORE_RE = re.compile(
    r"(?i:\b(?:commenc\w*|begin\w*|start\w*|effective|take\s+effect|from|as\s+of|dated)\s+(?:on\s+|as\s+of\s+|from\s+)?"
    r"(?:the\s+)?)$"
)
_EFFECTIVE_ANCHOR_RE = re.compile(
    r"(?i:\b(?:from|on|upon|commenc\w*|begin\w*|as\s+of|after|of|effective|through)\s+(?:on\s+|upon\s+)?"
    r"(?:the\s+)?(?:Effective|Commencement|Start)\s+Date\b)"
)
_SIGNING_ANCHOR_RE = re.compile(
    r"(?i:date\s+(?:of\s+)?(?:its\s+|this\s+agreement['’]?s?\s+)?(?:execution|signing|signature)|date\s+hereof"
    r"|date\s+of\s+this\s+(?:agreement|contract|document)|date\s+first\s+(?:above\s+)?(?:written|set\s+forth|stated|mentioned)"
    r"|upon\s+(?:its\s+)?(?:execution|signature|signing)|execution\s+date|when\s+signed|signed\s+by\s+both)"
)
# What may precede a stated length: `for a period of`, `term of`, `shall be`, `in force for`, `expire in`.
_LENGTH_BEFORE_RE = re.compile(
    r"(?i:(?:\b(?:period|term)\s+of|\bshall\s+be(?:\s+for)?|\bwill\s+be(?:\s+for)?|\bis(?:\s+for)?"
    r"|(?:force|effect)(?:\s+and\s+effect)?(?:\s+for)?|\bfor|\bexpires?\s+in|\bterminates?\s+in|\blast)"
    r"(?:\s+a\s+(?:period|term)\s+of)?(?:\s+(?:at\s+least|not\s+less\s+than|up\s+to))?\s*(?:an?\s+)?)$"
)
_NOT_LENGTH_AFTER_RE = re.compile(
    r"(?i:^\W{0,3}(?:['’]s?\s+)?(?:prior|advance|written|notice|after\s+(?:the\s+)?(?:termination|expiration|receipt)"
    r"|following\s+(?:the\s+)?(?:termination|expiration)|before|preceding))"
)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "fifteenth": 15, "twentieth": 20,
}  # fmt: skip
_ANNIVERSARY_RE = re.compile(
    r"(?i:(?:until|through|on|to|end\s+on|expire\s+on|ending\s+on)\s+(?:the\s+(?:later|earlier)\s+of\s+)?"
    r"(?:\(\w\)\s+)?the\s+(?:(?P<word>"
    + "|".join(_ORDINALS)
    + r")\s*(?:\(\s*\d+(?:st|nd|rd|th)\s*\)\s*)?|(?P<num>\d+)(?:st|nd|rd|th)\s+"
    r"|(?P<count>[\w-]+\s*\(\s*\d+\s*\)|\d+)[\s-]+years?\s+)anniversary\s+of\s+the\s+(?P<anchor>Effective\s+Date"
    r"|Commencement\s+Date|date\s+(?:hereof|of\s+(?:this\s+Agreement|execution|signing))|Closing\s+Date))"
)
_YEAR_TERM_RE = re.compile(
    r"(?i:(?P<count>[\w-]+\s*\(\s*\d+\s*\)|\d+)[\s-]+(?P<unit>year|month)\s+(?:initial\s+)?term)"
)


@dataclass(frozen=True)
class TermReading:
    """What one sentence says about the term, before anchors are resolved."""

    start: date | None
    end: date | None
    months: int | None
    days: int | None
    anchor: str | None  # "effective" or "signing": the start is a date defined elsewhere


def read_term_sentence(sentence: str) -> TermReading | None:
    """The term stated in one English sentence, or None when it states no end and no length."""
    sentence = re.sub(r"-{3,}|_{3,}", " ", sentence)  # EDGAR rules inside a sentence
    if _SURVIVAL_RE.search(sentence) or _DEFINES_OTHER_RE.search(sentence):
        return None
    dates = find_dates(sentence)
    start = end = None
    for d in dates:
        before = sentence[max(0, d.start - 45) : d.start]
        if end is None and _END_BEFORE_RE.search(before):
            end = d.value
        elif start is None and _START_BEFORE_RE.search(before):
            start = d.value
    months, days = _length(sentence)
    anchor = None
    if _EFFECTIVE_ANCHOR_RE.search(sentence):
        anchor = "effective"
    elif _SIGNING_ANCHOR_RE.search(sentence):
        anchor = "signing"
    if end is None and months is None and days is None:
        return None
    if start is not None and end is not None and end <= start:
        return None
    return TermReading(start, end, months, days, anchor)


def _length(sentence: str) -> tuple[int | None, int | None]:
    """(months, days) of a stated length: `for a period of three (3) years`, `until the fifth anniversary`."""
    a = _ANNIVERSARY_RE.search(sentence)
    if a is not None:
        if a.group("word"):
            return _ORDINALS[a.group("word").lower()] * 12, None
        number = a.group("num") or re.sub(r"[^\d]", "", a.group("count") or "") or a.group("count") or ""
        value = count_value(number) if number else None
        if value is not None:
            return value * 12, None
    y = _YEAR_TERM_RE.search(sentence)
    if y is not None:
        value = count_value(re.sub(r"\s*\(.*", "", y.group("count"))) or count_value(y.group("count"))
        if value is not None:
            return (value * 12 if y.group("unit").lower() == "year" else value), None
    for d in find_durations(sentence):
        if not _LENGTH_BEFORE_RE.search(sentence[max(0, d.start - 60) : d.start]):
            continue
        if _NOT_LENGTH_AFTER_RE.search(sentence[d.end : d.end + 40]):
            continue
        if d.months is not None:
            return d.months, None
        if d.days is not None and d.unit != "business_day":
            return None, d.days
    return None, None


@dataclass(frozen=True)
class TermStart:
    """A term as read: its start, its end (stated or computed) and its stated length in months."""

    start: date | None
    end: date | None
    months: int | None


def _sentences(c: Contract) -> Iterator[tuple[int, Span]]:
    """Sentences that may state the term, clauses titled `Term` first."""
    for i, s in c.reading_order(c.titled("term", inherit=False)):
        if _TERM_CUE_RE.search(s.text):
            yield i, s


def english_term(c: Contract, signed: date | None) -> tuple[TermStart, int] | None:
    """The term (start, end, months) and the clause stating it; an end is computed from a stated length
    and a known start (`N years from the Effective Date` ends on the Nth anniversary)."""
    for i, s in _sentences(c):
        reading = read_term_sentence(s.text)
        if reading is None:
            continue
        start = reading.start
        if start is None and reading.anchor == "signing":
            start = signed
        elif start is None:
            start = (
                effective_date(c) or signed
            )  # a term runs from the effective date unless it says otherwise
        end = reading.end
        months = reading.months
        if end is None and start is not None:
            if months is not None:
                end = add_months(start, months)
            elif reading.days is not None:
                end = date.fromordinal(start.toordinal() + reading.days)
        if start is not None and end is not None and end <= start:
            continue  # an end before the start belongs to another period
        if months is None and start is not None and reading.end is not None:
            months = months_between(start, reading.end)
        return TermStart(start, end, months), i
    return None


_EFFECTIVE_DEF_RE = re.compile(
    r"[(（]\s*(?:the\s+|this\s+)?[\"“]?(?:Effective|Commencement)\s+Date[\"”]?\s*[)）]|[\"“](?:Effective|Commencement)"
    r"\s+Date[\"”]\s+(?:means|shall\s+mean|is|shall\s+be)",
    re.I,
)


def effective_date(c: Contract) -> date | None:
    """The date the agreement calls its Effective (or Commencement) Date, where it defines one."""
    for m in _EFFECTIVE_DEF_RE.finditer(c.text):
        before: list[FoundDate] = find_dates(c.text[max(0, m.start() - 90) : m.start()])
        if before and m.group(0).startswith(("(", "（")):
            return before[-1].value  # `effective as of February 9, 2026 (the "Effective Date")`
        after = find_dates(c.text[m.end() : m.end() + 90])
        if after:
            return after[0].value
    return None
