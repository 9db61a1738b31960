"""Source channel, a third round of classes: someone telling the rep to contact the customer or
taking the rep to them is a referral (王工说…让我联系您, 'Ravi told me to get in touch with you');
the customer already using ours at a first site or phase, the same model as last time, a renewal
done or a price set against the last order is an existing customer; a call opening 'is this …? I
am …', phone prospecting, or a number found on a site board is cold outreach. Our own service desk
telling the customer to add the rep stays the website. The wording is this file's own; every case
but the last fails without the change."""

from __future__ import annotations

import pytest

from copilot.domain import Channel
from tests.extraction.builders import call, chat, dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("王工说他们采购正在找这类设备 让我联系您 我先把资料发您看看", Channel.REFERRAL),
        ("上周二刘主任带我第一次去您实验室 您说想再加两台离心机", Channel.REFERRAL),
        ("二厂那边也想上这套系统 一厂用了三年了还不错 下周我去二厂看现场", Channel.EXISTING_CUSTOMER),
        ("他们又要加一条线 还是要我们上次那个型号 这次要三台", Channel.EXISTING_CUSTOMER),
        ("上个月电话开发的一家五金厂 今天又打过去 问了问螺丝的用量", Channel.COLD_OUTREACH),
        ("在他们工地门口的公示牌上看到的电话 打过去问了保温材料定了没有", Channel.COLD_OUTREACH),
    ],
)
def test_chinese_origin_classes(text: str, channel: Channel) -> None:
    assert extract(dictation(text)).source_channel is channel


def test_someone_telling_the_rep_to_get_in_touch_is_a_referral() -> None:
    talk = chat(
        ("rep", "Hi Megan, Tom from Northfield Tyres here. Ravi told me to get in touch with you."),
        ("customer", "Hi Tom, what is it about?"),
        ref=EN_REF,
    )
    assert extract(talk).source_channel is Channel.REFERRAL


def test_a_price_against_the_last_order_is_an_existing_customer() -> None:
    talk = chat(
        ("customer", "For the five new pumps, can you hold the discount from our last order?"), ref=EN_REF
    )
    assert extract(talk).source_channel is Channel.EXISTING_CUSTOMER


def test_a_cold_call_opening_is_cold_outreach() -> None:
    talk = call(
        (0, 6, "rep", "您好，请问是华达物流的调度室吗？我是恒运轮胎的小刘，我们做货车轮胎。"),
        (6, 10, "customer", "是调度室，你有什么事？"),
    )
    assert extract(talk).source_channel is Channel.COLD_OUTREACH


def test_our_service_desk_passing_the_customer_on_stays_the_website() -> None:
    talk = chat(("customer", "你好，官网客服让我加你的。我们想了解下你们的温湿度监测。"))
    assert extract(talk).source_channel is Channel.WEBSITE
