"""Dates: 'the Monday after' is the first Monday after the day named after it ('the Tuesday after the
26th'), or, with nothing named, after the day said just before it in the same turn ('our board meets
on the 26th. Give me a call the Monday after'). A weekday with a day of another month ('Thursday the
2nd' said in March) stays that later date. The sentences are this file's own; all but the third test
fail without the change."""

from __future__ import annotations

from datetime import date, datetime

from copilot.nlp.times import find_times
from tests.extraction.builders import chat, extract

REF = datetime.fromisoformat("2026-02-18T13:40:00+02:00")  # a Wednesday


def _days(text: str, ref: datetime = REF) -> list[date | None]:
    return [m.span.start for m in find_times(text, ref)]


def test_the_weekday_after_a_named_day() -> None:
    assert _days("call me the Tuesday after the 26th") == [date(2026, 3, 3)]


def test_the_weekday_after_the_day_said_before_in_the_sentence() -> None:
    assert _days("I am out until Thursday the 26th, call me the Monday after.") == [
        date(2026, 2, 26),
        date(2026, 3, 2),
    ]


def test_a_weekday_with_a_day_of_a_later_month() -> None:
    ref = datetime.fromisoformat("2026-03-24T10:00:00+00:00")
    assert _days("legal is out until Thursday the 2nd", ref) == [date(2026, 4, 2)]


def test_the_weekday_after_across_sentences_of_one_message() -> None:
    talk = chat(
        ("rep", "Happy to share the case study from the chrome mine if useful."),
        (
            "customer",
            "Our board meets on the 26th and energy is on the agenda. Give me a call the Monday after.",
        ),
        ("rep", "Will do, thanks."),
        ref="2026-02-18T13:40:00+02:00",
    )
    assert extract(talk).next_follow_up_date == date(2026, 3, 2)
