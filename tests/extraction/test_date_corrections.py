"""Next follow-up: a day the speaker puts right. 'No sorry', 'make that' and a filler before 'actually'
take the day just said back, and so does a correction opening the words right before the next day
('下周三把报价发过去 不对不对 是下周四'); the day that replaces it, said on its own, is scored by what the
first saying was for, and the day taken back, said again later, is the reason ('周三我要去无锡'), not a
plan. The wording is this file's own. Without the change, every case returns the day taken back or
nothing."""

from __future__ import annotations

import datetime as dt

from tests.extraction.builders import dictation, extract

REF = "2026-07-29T09:00:00-05:00"  # a Wednesday


def test_no_sorry_takes_the_day_back() -> None:
    fields = extract(
        dictation(
            "Set up the sandbox for their QA team yesterday. Their QA lead said we'll do a check-in "
            "call on August tenth, no sorry, August eleventh.",
            ref=REF,
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 8, 11)


def test_make_that_takes_the_day_back() -> None:
    fields = extract(
        dictation("They liked the demo. I'll send the quote on Monday, make that Tuesday.", ref=REF)
    )
    assert fields.next_follow_up_date == dt.date(2026, 8, 4)


def test_a_filler_before_actually_still_corrects() -> None:
    fields = extract(
        dictation(
            "Good call with their plant manager. I'll call him on August 10th, uh, actually August 12th.",
            ref=REF,
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 8, 12)


def test_a_day_taken_back_after_its_clause_stays_taken_back() -> None:
    text = "见了采购李工 我跟他说下周三把报价发过去 不对不对 是下周四 周三我要去无锡开会"
    fields = extract(dictation(text))
    assert fields.next_follow_up_date == dt.date(2026, 5, 28)
