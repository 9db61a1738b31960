"""Next follow-up: 'the week of the 21st' is that whole week, from its Monday, and a firm plan for one
day inside a firm span ('the demo the week of the 21st … we bring the unit on the 22nd', '下周 … 下周三上午
过去') is that day, not the span's first day. A span with no day inside it keeps its first day. The
wording is this file's own. Without the change, the first two cases fail."""

from __future__ import annotations

import datetime as dt

from copilot.extraction.dates import default_find_times, find_time_hits
from copilot.extraction.text import build_doc
from tests.extraction.builders import dictation, extract

REF = "2026-09-07T20:00:00+08:00"  # a Monday


def test_the_week_of_a_day_is_that_week() -> None:
    doc = build_doc(dictation("They want a demo the week of the 23rd, before harvest.", ref=REF))
    (hit,) = find_time_hits(doc, default_find_times())
    assert (hit.first, hit.last) == (dt.date(2026, 9, 21), dt.date(2026, 9, 27))


def test_a_day_inside_a_planned_week_is_the_day() -> None:
    fields = extract(
        dictation(
            "Met the QC manager today. We'll run the demo for them the week of the 21st. "
            "We'll bring the demo unit on the 22nd, the distributor confirmed.",
            ref=REF,
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 9, 22)


def test_a_planned_week_alone_keeps_its_monday() -> None:
    fields = extract(
        dictation("Met the QC manager today. We'll run the demo for them the week of the 21st.", ref=REF)
    )
    assert fields.next_follow_up_date == dt.date(2026, 9, 21)
