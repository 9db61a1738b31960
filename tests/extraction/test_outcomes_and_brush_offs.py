"""Stage: a customer who says there is no need, then asks for a brochure, is still a lead (the
request is polite interest, and a stated lack of need outranks it); an order sent to the rep's
inbox, a payment that has arrived, an e-signature envelope signed and a deposit of a written amount
sent are won; an order given to another firm, or a contract signed with an outside firm, is lost.
Guards: a brochure asked for with no word against a need is still interest; a payment to come is
no payment. The wording is this file's own. Without the change, every case of the first two tests
fails but the two guards."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract

EN_REF = "2026-06-10T11:00:00+01:00"


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (
            chat(
                ("rep", "Hello Priya, we haven't spoken before; we make warehouse scanning software."),
                ("customer", "Thanks. There's no real need on our side now. Send me your brochure anyway."),
                ref=EN_REF,
            ),
            Stage.LEAD,
        ),
        (
            dictation("给一家印染厂打了电话 厂办主任说目前没有这方面的需求 让我发份资料过来存着"),
            Stage.LEAD,
        ),
        (
            chat(
                ("rep", "Morning Tom, quick intro from our side."),
                ("customer", "We're not going to look at anything before the audit. Send me details though."),
                ref=EN_REF,
            ),
            Stage.LEAD,
        ),
        # guard: interest with a request for material and nothing against it
        (chat(("customer", "你们这款设备挺有意思 发点资料过来我研究一下")), Stage.INTENT),
    ],
)
def test_a_stated_lack_of_need_outranks_a_request_for_material(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (chat(("customer", "采购单我已经让助理发到你微信了 你核对下数量")), Stage.WON),
        (dictation("物业那边这个季度的维保费今天款到了 一共四万二"), Stage.WON),
        (chat(("customer", "Just signed the DocuSign for the second site."), ref=EN_REF), Stage.WON),
        (
            chat(("customer", "Hi Sam, down payment of $12,000 was wired this morning."), ref=EN_REF),
            Stage.WON,
        ),
        (dictation("年会礼品那个单子最后给了别家 说是他们老板的熟人"), Stage.LOST),
        (
            chat(("customer", "空调清洗这块今年不用你们了 我们跟外面一家保洁公司签了")),
            Stage.LOST,
        ),
    ],
)
def test_outcomes_said_in_more_ways(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]


def test_a_payment_still_to_come_is_no_payment() -> None:
    assert extract(chat(("customer", "报价没问题 等款到了你们再安排发货"))).stage is not Stage.WON
