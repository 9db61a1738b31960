"""How a lead came in, in more of the ways people say it, and a chat opened by the customer saying
where they found us. A person said to have sent the customer to us (介绍你们过来, 让我找你的) is a
referral; the seller's channel people (渠道那边) are a partner; "when I called you cold" is cold
outreach; met at a chamber or an association's event is other. A customer whose first message says
where they saw us starts the contact on that message's day, greeting or not. The wording is this
file's own; every case fails without the change."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Channel, Interaction
from tests.extraction.builders import call, chat, dictation, extract, timed_chat

EN_REF = "2026-05-20T10:00:00-04:00"


@pytest.mark.parametrize(
    ("interaction", "channel"),
    [
        (
            chat(("customer", "孙经理 是刘局介绍你们过来的吧"), ("rep", "对 刘局跟我提过您这边要换门禁")),
            Channel.REFERRAL,
        ),
        (
            chat(("customer", "你是小王吧 老周让我找你的 说你们的烘干机好用"), ("rep", "您好 是的")),
            Channel.REFERRAL,
        ),
        (
            call(
                (0, 10, "rep", "陈总您好 渠道那边的小马跟我说了您仓库要上货架的事"),
                (10, 20, "customer", "对 你们什么时候来看看"),
            ),
            Channel.PARTNER,
        ),
        (
            call(
                (0, 10, "rep", "Hi Dana, it's Omar, I called you cold back in March about shelving."),
                (10, 20, "customer", "I remember, go ahead."),
                ref=EN_REF,
            ),
            Channel.COLD_OUTREACH,
        ),
        (dictation("上个月在市里商会活动上认识的王总 今天去他厂里坐了坐 聊了聊叉车的事"), Channel.OTHER),
    ],
)
def test_origin_in_other_words(interaction: Interaction, channel: Channel) -> None:
    assert extract(interaction).source_channel is channel


def test_a_customer_opening_with_where_they_saw_us_starts_the_contact_that_day() -> None:
    talk = timed_chat(
        ("2026-05-11T20:15:00+08:00", "customer", "在小红书上刷到你们的净水器 我们餐厅想装两台 怎么卖"),
        ("2026-05-11T20:30:00+08:00", "rep", "您好 我把价目表发您"),
        ("2026-05-18T09:00:00+08:00", "rep", "王老板 价目表看了吗 周四我过去量一下"),
        ref="2026-05-18T09:30:00+08:00",
    )
    assert extract(talk).first_contact_date == date(2026, 5, 11)


def test_an_opener_that_says_we_talked_before_is_no_first_contact() -> None:
    talk = timed_chat(
        ("2026-05-11T20:15:00+08:00", "customer", "上次在抖音上看到你们的视频 后来聊过一次 现在想定了"),
        ("2026-05-11T20:30:00+08:00", "rep", "好的 我把合同发您"),
        ref="2026-05-11T21:00:00+08:00",
    )
    assert extract(talk).first_contact_date is None
