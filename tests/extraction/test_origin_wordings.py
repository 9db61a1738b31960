"""Channel: more of the ways an origin is said. Met at an exhibition and added on WeChat there is a
trade show, even when the customer later mentions their own distributors; someone thanked for the
introduction, someone who passed the customer "our way" or introduced us to them ("介绍给您") is a
referral, also when that someone is an old customer; a demo or enquiry form is the website; the same
price or model as last time, or a third year working together, is an existing customer; canvassing
the street (扫街) and the customer answering the email we sent them are cold outreach. Guards: a
friend recommending another vendor's product gives no referral to us; "还是老规矩" about payment
names no origin. The wording is this file's own. Without the change, every case of the first test
fails."""

from __future__ import annotations

import pytest

from copilot.domain import Channel
from tests.extraction.builders import call, chat, dictation, extract

EN_REF = "2026-06-10T11:00:00+01:00"


@pytest.mark.parametrize(
    ("interaction", "channel"),
    [
        (
            call(
                (0, 10, "rep", "李总您好，我是上个月在建材展上加过您微信的小周。"),
                (10, 30, "customer", "记得。我们现在下面的经销商多了，想看看你们的供货价。"),
            ),
            Channel.TRADE_SHOW,
        ),
        (
            call(
                (0, 10, "rep", "王院长好，报价单您看了吗？也替我谢谢陈主任的介绍。"),
                (10, 20, "customer", "看了，我们再商量一下。"),
            ),
            Channel.REFERRAL,
        ),
        (
            dictation("今天去见了一家烘焙连锁 是老客户刘总把我们介绍给他们老板的 聊了门店的排班问题"),
            Channel.REFERRAL,
        ),
        (
            chat(
                ("customer", "Contract's back with our lawyers."),
                ("rep", "Great, thanks. And thanks again to Marta for sending you our way."),
                ref=EN_REF,
            ),
            Channel.REFERRAL,
        ),
        (
            dictation("Call with a facilities lead who filled in our demo request form.", ref=EN_REF),
            Channel.WEBSITE,
        ),
        (chat(("customer", "再订二十箱滤芯，还是上次那个价格吧")), Channel.EXISTING_CUSTOMER),
        (
            chat(("customer", "Third year working together, so invoice us as before."), ref=EN_REF),
            Channel.EXISTING_CUSTOMER,
        ),
        (dictation("下午扫街 进了一家五金店 老板说仓库的货架要换"), Channel.COLD_OUTREACH),
        (chat(("customer", "你好，你发到我邮箱的那份培训方案我看了，想了解一下价格")), Channel.COLD_OUTREACH),
    ],
)
def test_origins_said_in_more_ways(interaction: object, channel: Channel) -> None:
    assert extract(interaction).source_channel is channel  # type: ignore[arg-type]


def test_a_recommendation_of_another_vendor_is_no_referral_to_us() -> None:
    found = extract(
        chat(
            ("customer", "当初是在你们官网留言才联系上的。"),
            ("customer", "不过我们最后用了另一家的系统，是朋友推荐的。"),
        )
    )
    assert found.source_channel is Channel.WEBSITE


def test_old_payment_terms_name_no_origin() -> None:
    found = extract(chat(("customer", "单价一块六可以的话这周就下单 货款还是老规矩 月结")))
    assert found.source_channel is None
