"""How the lead came in and when contact began, read as classes in words of this file's own: how the
customer will buy is no origin, a partner heard from is the partner, our product in use or bought
again is an existing customer, a German fair is a trade show, an English first approach is cold
outreach, and 'we never spoke before' starts the contact today. Each case fails if its class goes."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Channel, Interaction
from tests.extraction.builders import call, chat, dictation, extract

EN_REF = "2026-05-20T10:00:00+02:00"


@pytest.mark.parametrize(
    ("interaction", "channel"),
    [
        (
            call(
                (0, 9, "customer", "听合作伙伴华拓说你们的冷库门做得好 我们下半年有个冷链园区要招标"),
                (9, 15, "rep", "好的 您这边大概要多少樘门"),
            ),
            Channel.PARTNER,
        ),
        (
            chat(
                ("customer", "小何 我们三车间那台空压机是你们家的吧 今年打算再上一台"),
                ("rep", "是的 我下周带方案过来"),
            ),
            Channel.EXISTING_CUSTOMER,
        ),
        (
            call(
                (0, 8, "rep", "刘经理 咱们的排班系统用了两年多了 最近用着怎么样"),
                (8, 14, "customer", "还行 就是想加个考勤模块"),
            ),
            Channel.EXISTING_CUSTOMER,
        ),
        (
            dictation(
                "Existing account, this is the expansion order for their second warehouse. They want the "
                "same racking as before.",
                ref=EN_REF,
            ),
            Channel.EXISTING_CUSTOMER,
        ),
        (
            chat(
                ("customer", "The pallet scanners you installed last spring work well. We want six more."),
                ("rep", "Great, I'll send a quote Friday."),
                ref=EN_REF,
            ),
            Channel.EXISTING_CUSTOMER,
        ),
        (
            dictation(
                "Met their buyer, Lena, at Agritechnica Messe in November. They want a demo.", ref=EN_REF
            ),
            Channel.TRADE_SHOW,
        ),
        (
            call(
                (0, 8, "rep", "Hi, Priya from Gridwise, first time reaching out. We do feeder monitoring."),
                (8, 12, "customer", "Okay, send me something."),
                ref=EN_REF,
            ),
            Channel.COLD_OUTREACH,
        ),
        (
            chat(("customer", "合同盖好章了 还是跟前年那批一样"), ("rep", "收到 谢谢！")),
            Channel.EXISTING_CUSTOMER,
        ),
        (
            chat(
                ("customer", "Dear bidder, please see the clarification questions on ITT 2291 attached."),
                ref=EN_REF,
            ),
            Channel.TENDER,
        ),
        (
            call((0, 6, "rep", "刘老师您好 我是百度上您留言咨询烘箱的那家"), (6, 9, "customer", "哦 你好")),
            Channel.ONLINE_ADS,
        ),
        (chat(("customer", "你好 在行业协会的会员名录上看到你们的 你们做冷却塔吗")), Channel.OTHER),
        (chat(("customer", "你好 章总推的你微信 我们想看看你们的喷灌机")), Channel.REFERRAL),
        (chat(("rep", "合同收到了 也谢谢当初孔院长的介绍！")), Channel.REFERRAL),
        (chat(("customer", "@小林 我们代理区域的客户要换三台风机 我把他们拉群里了")), Channel.PARTNER),
        (chat(("rep", "您好 我是上午去贵司门卫那留名片的小郑 做空压机的")), Channel.COLD_OUTREACH),
        (
            call(
                (0, 6, "rep", "Hi Tom, I first rang you back in March about the pallet wrappers."),
                (6, 9, "customer", "Right, still no budget."),
                ref=EN_REF,
            ),
            Channel.COLD_OUTREACH,
        ),
        # how the customer always buys is no origin
        (
            dictation("今天扫楼进了一家做五金的 备件都是集团总部统一招标的 他们自己不采购"),
            Channel.COLD_OUTREACH,
        ),
    ],
)
def test_the_origin_class_is_read(interaction: Interaction, channel: Channel) -> None:
    assert extract(interaction).source_channel is channel


@pytest.mark.parametrize(
    "interaction",
    [
        call(
            (0, 8, "customer", "你好 我们之前没联系过 想问一下你们的污泥烘干设备"),
            (8, 14, "rep", "您好 您这边每天的污泥量大概多少"),
        ),
        call(
            (0, 8, "customer", "戴经理 咱们第一次通话 我是做光伏支架的"),
            (8, 14, "rep", "您好 请问您这边的项目在哪里"),
        ),
    ],
)
def test_never_spoken_before_starts_the_contact_today(interaction: Interaction) -> None:
    assert extract(interaction).first_contact_date == date(2026, 5, 20)
