"""More ways a lead's origin is said, in words of this file's own: a repeat of an earlier order and a
renewal turned down (an existing customer), our name seen on a shopfront, a van or a site hoarding
(other), an ad clicked, a first approach by the seller, a person thanked for the introduction or
said to have pointed the customer our way; and the seller describing itself as a distributor is no
partner origin. Each case fails if its class goes."""

from __future__ import annotations

import pytest

from copilot.domain import Channel
from tests.extraction.builders import call, chat, dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"


@pytest.mark.parametrize(
    ("interaction", "channel"),
    [
        (
            chat(("customer", "照上次的单子再发一批 螺丝加五百盒"), ("rep", "好的 明天发货")),
            Channel.EXISTING_CUSTOMER,
        ),
        (
            dictation("对方说用我们的仓储系统差不多三年了 想加个扫码模块 让我报个价"),
            Channel.EXISTING_CUSTOMER,
        ),
        (
            dictation("打给物业公司的行政 年费到期他们决定不续了 换了集团统一采购的"),
            Channel.EXISTING_CUSTOMER,
        ),
        (dictation("一个老板开车路过 看到我们店的招牌进来问 要做五十平的地暖"), Channel.OTHER),
        (
            dictation(
                "Site manager rang after spotting our number on one of our vans parked near his job, "
                "wants a price for scaffolding.",
                ref=EN_REF,
            ),
            Channel.OTHER,
        ),
        (
            call(
                (0.0, 5.0, "customer", "Hi, I clicked your ad for the label printers and left my number."),
                (5.5, 9.0, "rep", "Thanks for calling! How many lines do you run?"),
                ref=EN_REF,
            ),
            Channel.ONLINE_ADS,
        ),
        (
            chat(
                ("rep", "Hello Ms. Park, we haven't spoken before - I'm with a pallet wrap supplier."),
                ("customer", "OK, send me a spec sheet."),
                ref=EN_REF,
            ),
            Channel.COLD_OUTREACH,
        ),
        (
            chat(
                (
                    "customer",
                    "The order for the shelving went through. Please thank Marta for the introduction.",
                ),
                ("rep", "Will do, thanks!"),
                ref=EN_REF,
            ),
            Channel.REFERRAL,
        ),
        (
            chat(
                ("customer", "Hi, Leon at Harbor Supply pointed us your way for forklift tyres."),
                ("rep", "Great, what sizes do you run?"),
                ref=EN_REF,
            ),
            Channel.REFERRAL,
        ),
    ],
)
def test_origin_classes(interaction: object, channel: Channel) -> None:
    assert extract(interaction).source_channel is channel  # type: ignore[arg-type]


def test_the_seller_describing_itself_as_a_distributor_is_no_origin() -> None:
    interaction = call(
        (0.0, 4.0, "rep", "您好 这里是医用耗材热线 请问有什么可以帮您"),
        (4.5, 9.0, "customer", "想问下你们的检查手套批发吗"),
        (9.5, 14.0, "rep", "批发的 我们是厂家授权的经销商 您是单店还是连锁"),
    )
    assert extract(interaction).source_channel is not Channel.PARTNER
