"""Which of several dates is the next follow-up, in words of this file's own: a bare hour with 前
after a day belongs to that day, the rep named after the object of the work still commits, a
dictated day followed by going to the customer is the rep's plan, a time inside a purpose clause is
what the action serves, the customer's internal review is no touchpoint with us, and a surname
(老周) is no weekday; a vague day made precise with 具体, a dictated handover, trying again later
today; a contract's end and 'or so' name no follow-up. Each case fails if its rule goes, except
the past visit, which guards the move rule against reports of what was done."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from copilot.domain import Interaction
from copilot.nlp.times import find_times
from tests.extraction.builders import call, chat, dictation, extract

REF = "2026-05-20T10:00:00+08:00"  # a Wednesday: Thu 21, Fri 22, next Mon 25, Tue 26
EN_REF = "2026-05-20T10:00:00-05:00"


@pytest.mark.parametrize(
    ("interaction", "due"),
    [
        # the hour belongs to the day just named, not to today
        (
            call(
                (0.0, 6.0, "customer", "上次那批货再来一遍 钱我下午让会计打过去"),
                (6.5, 12.0, "rep", "没问题 收到款马上安排 明天一早送过去，八点前到"),
                (12.5, 14.0, "customer", "行，明天一早"),
            ),
            date(2026, 5, 21),
        ),
        # the object first, then the rep and the day
        (
            chat(
                ("customer", "新开的两个门店也要开系统账号 下个月1号起用"),
                ("rep", "好的 门店账号我这周五前开好 发您"),
            ),
            date(2026, 5, 22),
        ),
        # a dictated day and a move towards the customer
        (dictation("老板让我出一版改造方案 下周二去给他们车间主任讲一遍"), date(2026, 5, 26)),
        # a time inside a purpose clause is what the promised action serves
        (
            chat(
                ("customer", "Thanks for the quote. Our purchase committee meets on the 29th."),
                ("rep", "I'll send the revised quote by Friday so you have it well before the 29th."),
                ref=EN_REF,
            ),
            date(2026, 5, 22),
        ),
        # the customer's internal review comes before the answer they owe us
        (
            dictation("新版报价已经发给采购了 他说周末前内部先过一下 下周一给我回复"),
            date(2026, 5, 25),
        ),
        (
            chat(
                ("rep", "刘经理 合同修改稿发您了"),
                ("customer", "好的 我们周四开会内部讨论一下 下周二给你答复"),
            ),
            date(2026, 5, 26),
        ),
    ],
)
def test_the_next_follow_up_among_several_dates(interaction: Interaction, due: date) -> None:
    assert extract(interaction).next_follow_up_date == due


def test_a_surname_before_a_weekday_is_no_date() -> None:
    hits = find_times("今天跟代理商老周一起去了医院 下周二之前给答复", datetime.fromisoformat(REF))
    said = [h.text for h in hits]
    assert not any(t.startswith("周一") for t in said)
    assert any("下周二" in t for t in said)


def test_a_past_visit_after_a_day_is_no_plan() -> None:
    # '去了' reports what was done; only the promised answer is ahead
    fields = extract(dictation("周一去了他们工厂 看了产线 我说下周二之前给他们答复"))
    assert fields.next_follow_up_date == date(2026, 5, 26)


@pytest.mark.parametrize(
    ("interaction", "due"),
    [
        # a vague span made precise with 具体: the precise day is meant
        (
            chat(
                ("customer", "合同盖好章了 什么时候开始实施"),
                ("rep", "实施团队端午后进场，具体6月22号我们先开启动会"),
            ),
            date(2026, 6, 22),
        ),
        # a dictated handover to the customer after a day
        (dictation("我这边先把新的配置单做出来 下周五之前给她 她要拿去上会"), date(2026, 5, 29)),
        # trying again later today is a plan, not a report
        (dictation("上午打了两次没人接 今天下午再打"), date(2026, 5, 20)),
    ],
)
def test_a_day_meant_in_other_words(interaction: Interaction, due: date) -> None:
    assert extract(interaction).next_follow_up_date == due


@pytest.mark.parametrize(
    "interaction",
    [
        # a contract's end is the end of a state, not a touchpoint
        call(
            (0.0, 5.0, "customer", "We won't renew; we'll keep using it until the contract ends on June 30."),
            (5.5, 8.0, "rep", "Understood, thanks for telling me."),
            ref=EN_REF,
        ),
        # 'or so' leaves no day
        call(
            (0.0, 4.0, "customer", "Not this quarter. Call me in a month or so."),
            (4.5, 6.0, "rep", "Will do."),
            ref=EN_REF,
        ),
    ],
)
def test_no_follow_up_day_is_meant(interaction: Interaction) -> None:
    assert extract(interaction).next_follow_up_date is None
