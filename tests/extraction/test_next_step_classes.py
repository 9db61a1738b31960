"""Next follow-up read from how a date is used, in words of this file's own: a document put first and
then handed over, a slot fixed with 定在 or pencilled in, the customer telling the rep when to call,
a promise, a day turned down for a reason, a service level, a payment already made today, a date
said again in other words, and an English day named for something already done. Most cases fail
if their rule goes; a few (the promise, 'Nothing scheduled', a visit to look at the site, a plan
dropped) guard what already held."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Interaction
from tests.extraction.builders import call, chat, dictation, extract

REF = "2026-05-20T10:00:00+08:00"  # a Wednesday: Fri 22, next Mon 25, Tue 26
EN_REF = "2026-05-20T10:00:00-05:00"


@pytest.mark.parametrize(
    ("interaction", "due"),
    [
        (dictation("客户要改型号 我回去核一下成本 这周五之前把新的报价单给他们"), date(2026, 5, 22)),
        (dictation("客户那边要来我们展厅看样机 时间定在下周二"), date(2026, 5, 26)),
        (dictation("打过去是前台接的 说采购经理出差了 让我下周一再打"), date(2026, 5, 25)),
        (
            dictation(
                "Went through the retrofit scope with their engineer. Let's pencil in the 28th for the "
                "site survey, he was fine with that.",
                ref=EN_REF,
            ),
            date(2026, 5, 28),
        ),
        (
            dictation(
                "They want the cable lengths changed. Promised them the cable schedule for Tuesday.",
                ref=EN_REF,
            ),
            date(2026, 5, 26),
        ),
        # said again in other words: the second saying is the date meant
        (dictation("他说端午节前给个准信 就是五月二十九号之前"), date(2026, 5, 29)),
        # an English day already past: 'on Monday' after 'sent'; the promise is the next step
        (
            chat(
                ("rep", "We sent the revised layout on Monday. Any thoughts?"),
                ("customer", "Looks fine, but split out the freight."),
                ("rep", "Will do, I'll have the split quote to you by the 27th."),
                ref=EN_REF,
            ),
            date(2026, 5, 27),
        ),
    ],
)
def test_a_dated_step_is_found(interaction: Interaction, due: date) -> None:
    assert extract(interaction).next_follow_up_date == due


@pytest.mark.parametrize(
    "interaction",
    [
        # a day turned down for a reason, and only a vague one offered
        call(
            (0, 8, "rep", "七月份我们先来做个现场勘察 然后出方案"),
            (8, 16, "customer", "七月份我们在搞年中盘点 八月以后吧 具体到时候再通知你"),
        ),
        # what a breakdown gets is no step
        call(
            (0, 8, "customer", "你们售后怎么保证"),
            (8, 16, "rep", "设备坏了二十四小时内工程师到现场"),
        ),
        # paid today, already: it reports, it plans nothing
        chat(
            ("rep", "续费合同已经发您"),
            ("customer", "合同已盖章 今年的服务费今天财务已付"),
        ),
        dictation(
            "Bad news, they've gone with a local supplier for the mixers. Delivery in six weeks was the "
            "issue. Nothing scheduled.",
            ref=EN_REF,
        ),
    ],
)
def test_no_step_is_found(interaction: Interaction) -> None:
    assert extract(interaction).next_follow_up_date is None


@pytest.mark.parametrize(
    ("interaction", "due"),
    [
        (
            chat(("customer", "三成现金不行"), ("rep", "理解 我跟老板商量一下 明天上午回您")),
            date(2026, 5, 21),
        ),
        (chat(("customer", "一样的型号 报个价 下周一之前给我 我们周三要定")), date(2026, 5, 25)),
        (dictation("价格还没谈拢 说好了后天上午再碰一次"), date(2026, 5, 22)),
        (
            call(
                (0, 6, "customer", "My director wants to meet you first. He can meet on the 28th."),
                (6, 9, "rep", "The 28th works. I will be there."),
                ref=EN_REF,
            ),
            date(2026, 5, 28),
        ),
        (dictation("She needs it by the 27th, their board pack closes then.", ref=EN_REF), date(2026, 5, 27)),
        (dictation("我说下周二去他那边看看场地 他说行"), date(2026, 5, 26)),
        # goods leave earlier, but the touchpoint is the call
        (
            call(
                (0, 6, "customer", "订单今天下了 一定要月底前发货"),
                (6, 12, "rep", "没问题 周五前发出 下周二我再给您打电话确认收货信息"),
            ),
            date(2026, 5, 26),
        ),
        # the customer's own meeting comes first; the rep asks after it
        (
            chat(
                ("customer", "下周一我们内部开会定 要老板拍板"),
                ("rep", "好的 那下周二我再问您结果"),
            ),
            date(2026, 5, 26),
        ),
        # not ready before the holiday: the promised day after it is the step
        (dictation("方案端午前肯定出不来了 我说节后六月二十二号之前把方案给他 他说行"), date(2026, 6, 22)),
    ],
)
def test_more_dated_steps(interaction: Interaction, due: date) -> None:
    assert extract(interaction).next_follow_up_date == due


def test_a_plan_that_was_dropped_is_no_step() -> None:
    note = "我本来还想约他们下礼拜去看一下我们的样板工程 结果项目黄了 后面有机会再说吧"
    assert extract(dictation(note)).next_follow_up_date is None
