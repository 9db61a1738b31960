"""Rules added after the second blind batch: stage cues, the follow-up choice, signal senses.

The reference time is Wednesday 2026-05-20.
"""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Signal, Stage
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("好消息 他们的PO下来了 一共二十台", Stage.WON),
        ("采购单今天走完审批了 下周发货", Stage.WON),
        ("the PO has been raised for the 40 licenses", Stage.WON),
        ("their wire landed this morning for the first batch", Stage.WON),
        ("光伏那个项目砍了 集团不让做了", Stage.LOST),
        ("集团把预算全收回去了 这个事就算了", Stage.LOST),
        ("budget got pulled after the reorg, closing it out", Stage.LOST),
        ("sent over the SOW for phase one this morning", Stage.PROPOSAL),
        ("we're putting together the quote for both buildings", Stage.PROPOSAL),
        ("他们确实有这个需要 约了下周去看看", Stage.INTENT),
        ("they definitely want to replace the old chillers", Stage.INTENT),
        ("园区说可以先在一栋楼试点", Stage.INTENT),
    ],
)
def test_new_stage_cues(text: str, stage: Stage) -> None:
    assert extract(dictation(text)).stage is stage


def test_tender_won_is_not_yet_won() -> None:
    # winning the tender opens contract talks; only signing, an order or payment is 'won'
    assert extract(dictation("我们中标了 现在在谈合同的付款方式")).stage is Stage.NEGOTIATION


def test_a_softened_lost_cue_does_not_hide_a_firm_one() -> None:
    text = "今年的投资全冻结了 改造项目直接取消了"
    assert extract(dictation(text)).stage is Stage.LOST
    assert extract(dictation("他说今年不做了 明年再看")).stage is Stage.LEAD


@pytest.mark.parametrize(
    ("text", "due"),
    [
        # several firm actions: the next one is the earliest
        ("我明天上午过去取合同 我们六月一号进场施工", date(2026, 5, 21)),
        ("they'll ship on June 8th. I'll email you the tracking on Monday.", date(2026, 5, 25)),
        # a festival naming a product is not the follow-up when a commitment comes earlier
        ("端午的粽子礼盒报价单发过去了 我说月底前再跟她确认一下", date(2026, 5, 31)),
        # the rep's own action about a delivery requirement is still the rep's action
        ("我明天跟仓库确认一下库存再给他回个交货时间", date(2026, 5, 21)),
        ("我打算下周二再打个电话问问", date(2026, 5, 26)),
        ("我跟他说三天内给他一个最终的方案", date(2026, 5, 23)),
        ("他说那你们月底之前给个准话", date(2026, 5, 31)),
        ("I told her I'd get answers from legal within 5 days.", date(2026, 5, 25)),
        ("You'll have it by end of day tomorrow.", date(2026, 5, 21)),
        ("我下周二去他们工厂开个交付对接会", date(2026, 5, 26)),
    ],
)
def test_follow_up_choice(text: str, due: date) -> None:
    assert extract(dictation(text)).next_follow_up_date == due


def test_waiting_on_someone_elses_plans_is_no_follow_up() -> None:
    text = "项目取消了 明年看集团的安排吧 有消息再说"
    assert extract(dictation(text)).next_follow_up_date is None


def test_invoice_is_not_a_commitment_to_send() -> None:
    fields = extract(
        chat(
            ("customer", "预付款今天上午已经转了 麻烦开下发票"),
            ("rep", "收到 发票下午就开"),
            ("rep", "下周一我们的技术员进场做第一次保养"),
        )
    )
    assert fields.next_follow_up_date == date(2026, 5, 25)


def _signals(text: str) -> set[Signal]:
    return {hit.signal for hit in extract(dictation(text)).signals}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("理事长说就是担心电费太高", Signal.OBJECTION),
        ("觉得投资回收期三年有点长", Signal.OBJECTION),
        ("单独收对接费感觉不太划算", Signal.OBJECTION),
        ("the onboarding fee is a sticking point for them", Signal.OBJECTION),
        ("这个得他们财务总监点头", Signal.DECISION_MAKER),
        ("能不能按月租 不要一次性买断", Signal.PAYMENT),
        ("下周一我们的工程师进场调试", Signal.DELIVERY),
        ("暑假一定要装完", Signal.DELIVERY),
        ("整改的钱从哪出 他说物业费里有专项", Signal.BUDGET),
        ("说我们每吨比别人贵了三百", Signal.COMPETITOR),
        ("they want this wrapped up before the quarter closes next week", Signal.CLOSING_SOON),
        ("the customer signed the order form today", Signal.CONTRACT),
    ],
)
def test_new_signal_cues(text: str, signal: Signal) -> None:
    assert signal in _signals(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("紫金金融租赁的行政说预算五十万", Signal.PAYMENT),  # a company name, not a lease
        ("新品气泡水下个月进场 条件还要再谈", Signal.DELIVERY),  # shelf entry, not installation
        ("the implementation fee is too high", Signal.DELIVERY),
        ("他们食堂外包给一家公司做 合同到明年六月", Signal.CONTRACT),  # the incumbent's contract
        ("will check back when their contract comes up for renewal", Signal.CONTRACT),
        ("下周三之前把施工队进场时间定下来", Signal.CLOSING_SOON),  # scheduling, not the purchase
    ],
)
def test_signal_senses_that_do_not_count(text: str, absent: Signal) -> None:
    assert absent not in _signals(text)
