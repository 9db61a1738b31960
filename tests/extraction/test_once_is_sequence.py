"""Next follow-up: 'once' orders a dated step after something else ('regroup in ten days once their
engineer has finished the drawings', 'send the schedule on Friday once the factory confirms'); it
is no condition that takes the step back, as 'if' is. The wording is this file's own; the first two
cases fail without the change."""

from __future__ import annotations

from datetime import date

from tests.extraction.builders import dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"  # a Wednesday


def test_a_step_after_their_work_is_still_dated() -> None:
    note = (
        "They need forty pallets of matting. "
        "We agreed to regroup in ten days once their engineer has finished the survey."
    )
    assert extract(dictation(note, ref=EN_REF)).next_follow_up_date == date(2026, 5, 30)


def test_a_promise_after_a_supplier_confirms_is_still_dated() -> None:
    note = "the order is in. I told them I'd send the delivery schedule on Friday once the mill confirms"
    assert extract(dictation(note, ref=EN_REF)).next_follow_up_date == date(2026, 5, 22)


def test_if_still_takes_the_step_back() -> None:
    note = "they are not sure yet. I'll send the schedule on Friday if they decide to go ahead"
    assert extract(dictation(note, ref=EN_REF)).next_follow_up_date is None
