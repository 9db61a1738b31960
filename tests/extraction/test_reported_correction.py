"""Next follow-up: a day put right in someone's words ('on Tuesday, no wait, he said next Wednesday',
'周二给答复 不对 他说是周四') replaces the day taken back, and is scored by what that day was for. The
notes are this file's own; both tests fail without the change."""

from __future__ import annotations

from datetime import date

from tests.extraction.builders import dictation, extract

EN_REF = "2026-09-24T18:00:00+03:00"  # a Thursday


def test_an_english_day_put_right_in_his_words() -> None:
    note = (
        "long meeting at Pamir Foods about the packing line, now it is all about price, they want six "
        "percent off, the owner is back on Monday and they'll come back to us on Tuesday, no wait, "
        "he said next Wednesday, he was clear on that"
    )
    assert extract(dictation(note, ref=EN_REF)).next_follow_up_date == date(2026, 9, 30)


def test_a_chinese_day_put_right_in_her_words() -> None:
    note = "今天跟采购谈了价格 她要再降三个点 她说周二给我们答复 不对 她说是周四给答复"
    assert extract(dictation(note)).next_follow_up_date == date(2026, 5, 21)
