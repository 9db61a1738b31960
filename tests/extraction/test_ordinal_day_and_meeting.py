"""A day of the month said as an ordinal closing its clause ("we'll get back to you the 5th") is a
date; an ordinal that goes on to name what it counts ("the 3rd option") is not. Asking to meet the
boss (约我们老板见个面) is a meeting. The wording is this file's own; the date and the meeting cases
fail without the change."""

from __future__ import annotations

from datetime import date, datetime

from copilot.nlp.times import find_times
from tests.extraction.builders import call, extract

EN_REF = "2026-05-20T10:00:00-04:00"  # a Wednesday


def test_an_ordinal_closing_its_clause_is_a_day_of_the_month() -> None:
    found = find_times("Our director will get back to you the 28th.", datetime.fromisoformat(EN_REF))
    assert [m.span.start for m in found] == [date(2026, 5, 28)]


def test_an_ordinal_naming_what_it_counts_is_no_date() -> None:
    assert find_times("The 3rd option is cheaper.", datetime.fromisoformat(EN_REF)) == []


def test_the_customer_promising_an_answer_on_an_ordinal_day_is_the_follow_up() -> None:
    talk = call(
        (0, 10, "rep", "Does the revised scope work for your team?"),
        (10, 20, "customer", "Mostly. Finance needs a look, we'll get back to you the 28th."),
        ref=EN_REF,
    )
    assert extract(talk).next_follow_up_date == date(2026, 5, 28)


def test_asking_to_meet_the_boss_is_a_meeting() -> None:
    talk = call(
        (0, 10, "customer", "价格我们内部基本认可了"),
        (10, 20, "customer", "下周二约我们老板见个面吧"),
        (20, 25, "rep", "好的"),
    )
    assert extract(talk).next_follow_up_date == date(2026, 5, 26)
