"""Chinese and English time expressions -> the days they denote, by the conventions of FORMAT.md.

`parse_time` resolves one expression (the `times` eval suite); `find_times` finds every expression in
a rep's note, chat or call transcript. Relative dates resolve against the reference instant in its own
UTC offset. Conventions, briefly: weeks run Monday to Sunday; a bare weekday is the next one strictly
after the reference date; `下周三`/`next Wednesday` is Wednesday of the next calendar week; a span
without a deadline word is its whole range; with one (前, 之前, 内, 截止, by, before, within...) it is
its last day; vague phrases (过几天, 改天, sometime soon) carry no date. Where FORMAT.md is silent the
choices are documented next to the rule (times_core, times_zh_rules, times_en_rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from copilot.nlp import times_en, times_zh
from copilot.nlp.times_core import Env, Hit


@dataclass(frozen=True)
class TimeSpan:
    """The days an expression denotes (day grain)."""

    start: date | None
    end: date | None
    deadline: bool = False  # a deadline word marked it; then start == end == the deadline day
    vague: bool = False  # a vague phrase with no computable date; then start = end = None

    @property
    def due(self) -> date | None:
        """The single due date of FORMAT.md: the first day of a span, or the deadline day."""
        return self.start


@dataclass(frozen=True)
class TimeMatch:
    """One expression found in running text."""

    span: TimeSpan
    start: int
    end: int
    text: str


_BARE_YEAR = re.compile(r"\s*((?:19|20)\d\d)\s*")


def _scan(text: str, env: Env) -> list[Hit]:
    """Hits of both languages, overlaps resolved longest first, in text order."""
    hits = [h for h in times_zh.scan(text, env) + times_en.scan(text, env) if env.whole or not h.whole_only]
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def _span(hit: Hit) -> TimeSpan:
    """The public span of a hit."""
    if hit.vague or hit.first is None:
        return TimeSpan(None, None, vague=True)
    return TimeSpan(hit.first, hit.last, deadline=hit.deadline)


def find_times(text: str, reference: datetime) -> list[TimeMatch]:
    """Every time expression in running text: left to right, non-overlapping, longest first, vague too."""
    hits = _scan(text, Env(now=reference))
    return [TimeMatch(_span(h), h.start, h.end, text[h.start : h.end]) for h in hits]


def parse_time(text: str, reference: datetime) -> TimeSpan | None:
    """Resolve one whole time expression (the `times` suite input); None when it holds none."""
    if m := _BARE_YEAR.fullmatch(text):  # "2018" alone is a year; in running text it is usually a number
        year = int(m.group(1))
        return TimeSpan(date(year, 1, 1), date(year, 12, 31))
    hits = _scan(text, Env(now=reference, whole=True))
    dated = [h for h in hits if not h.vague]
    if dated:
        return _span(max(dated, key=lambda h: h.end - h.start))  # the longest, e.g. not a stray 今天
    return TimeSpan(None, None, vague=True) if hits else None
