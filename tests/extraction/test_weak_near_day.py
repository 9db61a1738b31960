"""A day named with weak commitment is the next follow-up only when it is one day, soon, and not asked."""

from __future__ import annotations

import datetime as dt

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract

# REF is Wednesday 2026-05-20


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("客户对方案挺满意 就是想加个报表功能 我改一下 下周一之前再给他看", dt.date(2026, 5, 25)),
        ("老板说下周二再聊聊", dt.date(2026, 5, 26)),
        ("the customer liked the demo. revised deck to him Tuesday", dt.date(2026, 5, 26)),
    ],
)
def test_a_weakly_committed_day_within_two_weeks_is_the_next_follow_up(text: str, due: dt.date) -> None:
    assert extract(dictation(text)).next_follow_up_date == due


@pytest.mark.parametrize(
    "text",
    [
        # the same plans, more than two weeks out or as a span: weak words do not make them due dates
        "客户对方案挺满意 就是想加个报表功能 我改一下 六月十五号之前再给他看",
        "the customer liked the demo. revised deck to him June 30",
        "老板说下个月再聊聊",
    ],
)
def test_a_weak_day_far_off_or_a_span_is_no_follow_up(text: str) -> None:
    assert extract(dictation(text)).next_follow_up_date is None


def test_a_day_only_asked_about_is_no_follow_up_until_it_is_accepted() -> None:
    asked = ("rep", "方案我们再细化一下。这周五下午过去给您讲讲可以吗？")
    assert extract(chat(asked)).next_follow_up_date is None
    assert extract(chat(asked, ("customer", "好的"))).next_follow_up_date == dt.date(2026, 5, 22)


def test_a_day_with_nothing_committing_to_it_counts_within_a_week_only() -> None:
    # no commitment word and no rep action: the next week is the horizon, not two weeks
    soon = extract(dictation("客户看了样品 下周二 技术部 一起 看"))
    assert soon.next_follow_up_date == dt.date(2026, 5, 26)
    assert extract(dictation("客户看了样品 下下周二 技术部 一起 看")).next_follow_up_date is None


@pytest.mark.parametrize(
    "text",
    [
        "这个单子黄了 客户跟原来那家续了 下周一原来那家就来签字",
        "they went with the other supplier, their delivery is on Friday",
    ],
)
def test_a_day_said_in_passing_as_the_deal_is_lost_is_no_follow_up(text: str) -> None:
    fields = extract(dictation(text))
    assert fields.stage is Stage.LOST
    assert fields.next_follow_up_date is None
    assert "next_follow_up_date" not in fields.evidence  # no quote is left for a value not given
    assert fields.quality.next_step is None
