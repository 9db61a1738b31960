"""Stage read from the structure of a clause rather than a fixed phrase: a deal document first and
its completed verb later (an order said to be placed, a contract said to be signed), a wanted
quantity of goods, a price or term moved or refused, a counter-offer with a figure, a third party
chosen, and a hedged want that confirms nothing. The wording is this file's own. Without the
classes, 12 of the 15 stage cases fail; the rest, the hedged want and the orders not yet placed
guard against reading too much."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        # the document first, the completed verb after other words
        (dictation("订单他们昨天在系统里都下了 三十箱灭火器 周五送货"), Stage.WON),
        (dictation("续费的单子财务今天签了 两年 下周开票"), Stage.WON),
        (dictation("采购单对方已经发我邮箱了 明天安排备货"), Stage.WON),
        (dictation("框架协议双方法务看完今天签好了 下个月开始供货"), Stage.WON),
        (
            chat(
                ("customer", "Morning! Our purchase order for the pallet racking went out an hour ago."),
                ("rep", "Great news, I'll confirm the install crew tomorrow."),
                ref=EN_REF,
            ),
            Stage.WON,
        ),
        # a wanted quantity of goods is a confirmed need
        (
            chat(
                ("customer", "我们新开的仓库要配四十个货架 还有两台叉车 你们能供吗"),
                ("rep", "能的 明天我把型号表发您"),
            ),
            Stage.INTENT,
        ),
        (dictation("一家连锁药房打来电话 说下个月要采购一批冷藏柜 让我先发目录"), Stage.INTENT),
        # a price or term moved, refused or traded, a counter-offer with a figure
        (
            chat(
                ("rep", "续约报价发您了 单价比去年涨了百分之五"),
                ("customer", "涨价我们不太能接受 价格能不能维持去年的"),
            ),
            Stage.NEGOTIATION,
        ),
        (
            chat(
                ("customer", "二十台一共十六万太贵了 能不能十四万"),
                ("rep", "我去申请 明天回您"),
            ),
            Stage.NEGOTIATION,
        ),
        (dictation("客户说付款要分三次 质保改为两年 我回去请示"), Stage.NEGOTIATION),
        # a document revised or sent, its noun first
        (dictation("消防改造的方案昨晚改了一版 加了两个喷淋区 已经发给王工了"), Stage.PROPOSAL),
        # a third party chosen, a lot lost, an incumbent kept
        (
            dictation(
                "Bad news on the school cafeteria job: they signed with another caterer last Friday.",
                ref=EN_REF,
            ),
            Stage.LOST,
        ),
        (
            dictation("Results are in, we lost the second lot of the tender, price again.", ref=EN_REF),
            Stage.LOST,
        ),
        (
            dictation("Our bid came second behind a local firm, so we close it here.", ref=EN_REF),
            Stage.LOST,
        ),
        (dictation("他们领导开会定了 还是跟原来的供应商再签一年"), Stage.LOST),
    ],
)
def test_stage_from_clause_structure(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]


def test_a_hedged_want_confirms_no_need() -> None:
    note = "今天回了个电话 对方说明年也许要添两台离心机 现在只是收集资料 我下周把彩页发过去"
    assert extract(dictation(note)).stage is Stage.LEAD


@pytest.mark.parametrize(
    "text",
    [
        "订单还没下 他们说等预算批了再说",
        "合同要等法务看完才能签",
        "订单下了吗 我问了两次没回",
    ],
)
def test_an_order_not_yet_placed_is_not_won(text: str) -> None:
    assert extract(dictation(text)).stage is not Stage.WON
