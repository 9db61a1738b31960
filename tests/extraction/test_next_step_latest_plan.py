"""Next follow-up: a plan made on a later day of a chat replaces one made on an earlier day; going
through the work again with the customer (再给他们过一遍) and the customer telling the rep to come
over and talk (你过来聊) are meetings; a step on our own side first ("once our legal team has
updated it") is no condition on the rep's promise. The wording is this file's own; every case fails
without the change."""

from __future__ import annotations

from datetime import date

from tests.extraction.builders import call, dictation, extract, timed_chat

EN_REF = "2026-05-20T10:00:00-04:00"  # a Wednesday


def test_a_later_days_plan_replaces_an_earlier_days() -> None:
    talk = timed_chat(
        ("2026-05-18T09:00:00-04:00", "rep", "I'll get the revised floor plan over to you by Friday."),
        (
            "2026-05-20T09:30:00-04:00",
            "customer",
            "Could you also add the mezzanine option? Next week is fine.",
        ),
        (
            "2026-05-20T09:45:00-04:00",
            "rep",
            "Sure, I'll send the full revised plan with the mezzanine next week.",
        ),
        ref=EN_REF,
    )
    assert extract(talk).next_follow_up_date == date(2026, 5, 25)


def test_going_through_it_again_with_the_customer_is_a_meeting() -> None:
    note = "今天把改造方案给他们讲了 他们觉得回收期长 让我们改小一点 十天后再给他们过一遍"
    assert extract(dictation(note)).next_follow_up_date == date(2026, 5, 30)


def test_the_customer_asking_the_rep_over_to_talk_is_a_meeting() -> None:
    talk = call(
        (0, 10, "rep", "您看行的话后天我过去把合同签了"),
        (10, 20, "customer", "我再考虑考虑 后天你先过来聊聊"),
    )
    assert extract(talk).next_follow_up_date == date(2026, 5, 22)


def test_our_own_step_first_is_no_condition() -> None:
    note = "They want the cap at five percent. I will send it in four days once our legal updates the clause."
    assert extract(dictation(note, ref=EN_REF)).next_follow_up_date == date(2026, 5, 24)
