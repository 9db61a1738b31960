"""Next follow-up: the customer wanting or needing our deliverable by a time ('she wants it within a
week', 'they need the revised offer before the 20th') dates the next step. A month told as the past
('clicked our ad back in February') is never rolled to next year, even in a clause that plans ahead.
The notes are this file's own; the first and third tests fail without the change."""

from __future__ import annotations

from datetime import date

from copilot.extraction.dates import find_time_hits
from copilot.extraction.text import build_doc
from tests.extraction.builders import dictation, engine, extract

REF = "2026-06-10T17:00:00-04:00"  # a Wednesday


def test_she_wants_it_within_a_week() -> None:
    note = (
        "met the ops lead at Harbor Foods, they want to replace the old label printers, I'm pulling "
        "together a proposal for the two sites, she wants it within a week"
    )
    assert extract(dictation(note, ref=REF)).next_follow_up_date == date(2026, 6, 17)


def test_they_need_the_revised_offer_before_a_day() -> None:
    note = "Call with Omar at Delta Plastics. They need the revised offer before the 19th."
    assert extract(dictation(note, ref=REF)).next_follow_up_date == date(2026, 6, 19)


def test_a_month_told_as_the_past_is_not_next_year() -> None:
    note = (
        "Dev at Harlow Foods called he wants six percent off I said three he'll take it back he wants our "
        "final number by end of month remember they found us through a trade magazine back in February"
    )
    doc = build_doc(dictation(note, ref=REF))
    rules = engine().dates
    months = [h for h in find_time_hits(doc, engine()._times()) if "February" in doc.text[h.start : h.end]]
    assert months and all(rules._rolled_month(doc, h).due == date(2026, 2, 1) for h in months)
    assert extract(dictation(note, ref=REF)).next_follow_up_date == date(2026, 6, 30)


def test_a_month_ahead_in_a_plan_is_still_the_coming_one() -> None:
    note = "Dev at Harlow Foods wants to start the pilot and I'll call him in February to set it up"
    assert extract(dictation(note, ref=REF)).next_follow_up_date == date(2027, 2, 1)
