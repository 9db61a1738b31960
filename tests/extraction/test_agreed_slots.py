"""Next follow-up: a day one side proposes as a question and the other side's next turn accepts, by
naming the same day with a yes ('后天上午可以，十点') or by opening with one ('好的'), is an agreed
meeting, in a call as in a chat. A reply that names another day, or turns the slot down, agrees nothing
on the proposed day. A deliverable the rep named earlier in the sentence and then gives a deadline
('两个版本重新发您，周四前给您') is due that day, and so is the day of an event the rep joins ('on site on
the 28th and I'll come with them'). The wording is this file's own. Without the change, the
accepted slots, the deliverable and the joined event return nothing."""

from __future__ import annotations

import datetime as dt

from tests.extraction.builders import call, chat, extract


def test_a_slot_accepted_in_a_call() -> None:
    fields = extract(
        call(
            (0.0, 8.0, "rep", "新增的两个小区，我们想开个交接会，把保洁范围对一下。后天上午可以吗？"),
            (8.5, 20.0, "customer", "后天上午可以，十点，在物业办公室。"),
            (20.5, 24.0, "rep", "明白，我把标准也带过去。"),
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 5, 22)


def test_a_slot_accepted_with_a_plain_yes() -> None:
    fields = extract(
        chat(
            ("rep", "我先去看一下仓库现场，量一下尺寸。这周五下午可以吗？"),
            ("customer", "好的，先看城西那个"),
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 5, 22)


def test_a_slot_turned_down_agrees_nothing() -> None:
    fields = extract(
        chat(("rep", "我先去看一下仓库现场。这周五下午可以吗？"), ("customer", "不行，周五我们盘点"))
    )
    assert fields.next_follow_up_date != dt.date(2026, 5, 22)


def test_a_deliverable_named_earlier_in_the_sentence_is_due_that_day() -> None:
    fields = extract(
        chat(
            ("customer", "你们把滤芯和上门维护的费用也算进去"),
            ("rep", "好的，我把五年总成本都列出来，两个版本重新发您，周四前给您。"),
            ("customer", "可以"),
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 5, 21)


def test_the_rep_joining_what_happens_that_day() -> None:
    fields = extract(
        chat(
            ("customer", "Noted. The system must be running before our audit in July."),
            (
                "rep",
                "Understood. The installation team will be on site on the 28th and I'll come with "
                "them to walk you through the handover.",
            ),
            ("customer", "28th works."),
            ref="2026-05-20T10:00:00+08:00",
        )
    )
    assert fields.next_follow_up_date == dt.date(2026, 5, 28)
