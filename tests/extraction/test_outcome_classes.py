"""Stage: won and lost as classes of wording, not as listed phrases.

Won: a deal document whose signing is done (签署完成, 正式生效, 用印完成), an order placed with us
(下了…采购单, 订单推送给我们, 订购了二十台), money arrived (首期款…已到账, 收到…预付款), the deal
itself done (这单终于成了); in English, money landed or paid, a signing of a deal document, an order
placed, the deal closed. Lost: the business given to someone else (签给了…, 转投了竞争对手), a deal
taken from us (截胡), the customer turning it down (不再跟我们合作了, 被否了, 未能入选), the plan or
its budget gone (计划作废, 经费被砍); in English, going with another party, passing, deciding against,
not proceeding, not selected, the project withdrawn, keeping it in-house, the deal moved to lost.

The classes were written from FORMAT.md's stage meanings and checked against a corpus of outcome
sentences written by people who saw only FORMAT.md; the sentences here are this file's own. Without
the change every case of the first two tests reads as lead. The look-alikes in the third
test are wordings the classes must not take: a contract's edits sent back, a payment term under
negotiation, the customer's own past system dropped, a quote passed to a boss, quotes gathered from
two firms, a problem with the current machine, budget money that exists."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import dictation, extract


@pytest.mark.parametrize(
    "text",
    [
        "上周那批阀门的订单客户已经签署完成了",
        "客户今天下了采购单 三十台",
        "他们采购把订单推送给我们了 下周排产",
        "客户订购了二十台烘干机",
        "首期款五十万已到账",
        "刚收到客户的预付款 明天安排备货",
        "跟了半年 这单终于成了",
        "Olga transferred the remaining balance yesterday.",
        "The remittance hit our account this afternoon.",
        "They inked the distribution deal on Monday.",
        "They placed a repeat order for the blue cartons.",
    ],
)
def test_won_classes(text: str) -> None:
    assert extract(dictation(text)).stage is Stage.WON


@pytest.mark.parametrize(
    "text",
    [
        "这单最后签给了一家做钢构的公司",
        "客户转投了竞争对手",
        "这个项目被人截胡了",
        "客户说以后不再跟我们合作了",
        "我们的方案在评审会上被否了",
        "客户那边的采购计划作废了",
        "他们的经费被砍了 智慧食堂没戏",
        "Looks like they're sticking with their current vendor.",
        "Jonas said they will pass on this one.",
        "They don't see a fit for our platform.",
        "They won't be proceeding with the upgrade.",
        "Our bid was not successful this time.",
        "The RFP has been withdrawn.",
        "They are keeping it in-house for now.",
        "No budget left, move it to lost.",
    ],
)
def test_lost_classes(text: str) -> None:
    assert extract(dictation(text)).stage is Stage.LOST


@pytest.mark.parametrize(
    ("text", "not_stage"),
    [
        ("客户把合同的修改意见发回来了 主要是违约金那条", Stage.WON),
        ("客户要求付款改成验收后一次付清 我说得回去申请", Stage.WON),
        ("他们去年试过一个排班系统 用了两个月就放弃了 想看看我们的", Stage.LOST),
        ("报价发过去了 他说先转给老板看看", Stage.LOST),
        ("客户说这次找了两家比价 我们是其中一家", Stage.LOST),
        ("I asked what's going wrong with the current machine and he talked for ten minutes.", Stage.LOST),
        ("The money is in this year's capex, they want a quote by Friday.", Stage.WON),
    ],
)
def test_outcome_look_alikes(text: str, not_stage: Stage) -> None:
    assert extract(dictation(text)).stage is not not_stage
