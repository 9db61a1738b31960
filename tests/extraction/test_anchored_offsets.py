"""Next follow-up: a span counted from an event still to come ('收到后我们两天内回复', 'within two days
once we receive it') is not counted from today; the dated promise it answers is the next step. A span
with no such event is still counted from today. The wording is this file's own. Without the change,
the anchored replies return a day two days from today."""

from __future__ import annotations

import datetime as dt

from tests.extraction.builders import chat, extract

REF = "2026-07-21T20:00:00+08:00"  # a Tuesday


def test_a_reply_counted_from_receipt_leaves_the_promised_day() -> None:
    fields = extract(
        chat(
            ("customer", "法务说这周五前把补充条款发给你们"),
            ("rep", "好的，收到后我们两天内回复"),
            ref=REF,
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 7, 24)


def test_english_once_we_receive() -> None:
    fields = extract(
        chat(
            ("customer", "Our legal team will send the redlines by Friday."),
            ("rep", "Great, we'll turn them around within two days once we receive them."),
            ref=REF,
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 7, 24)


def test_a_span_from_today_still_counts() -> None:
    fields = extract(chat(("customer", "方案我们看过了"), ("rep", "好的，我两天内把报价发您"), ref=REF))
    assert fields.next_follow_up_date == dt.date(2026, 7, 23)
