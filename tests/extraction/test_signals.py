"""Signals count only in this deal's sense: not negated, not a third party's, not the rep's side."""

from __future__ import annotations

from copilot.domain import Signal
from tests.extraction.builders import call, chat, dictation, extract


def signals(interaction) -> set[Signal]:  # type: ignore[no-untyped-def]
    return {s.signal for s in extract(interaction).signals}


def test_basic_cues_with_evidence() -> None:
    it = dictation("院长要求打九折 还想分三期付款 月底前就定下来 他们也在看先临的 预算六十万 交期四周")
    got = signals(it)
    assert {Signal.PRICE, Signal.PAYMENT, Signal.CLOSING_SOON, Signal.COMPETITOR, Signal.BUDGET} <= got
    assert {Signal.DELIVERY, Signal.DECISION_MAKER} <= got
    for hit in extract(it).signals:
        assert it.text[hit.evidence.start : hit.evidence.end] == hit.evidence.quote


def test_rep_own_boss_is_not_the_decision_maker() -> None:
    assert Signal.DECISION_MAKER not in signals(dictation("价格我得回去跟我们老板申请一下"))
    assert Signal.DECISION_MAKER not in signals(chat(("rep", "折扣我得跟领导申请一下 明天答复您")))
    assert Signal.DECISION_MAKER in signals(chat(("customer", "我跟我们总经理商量过了 再降三万")))
    # a surname + title is a form of address, not a role
    assert Signal.DECISION_MAKER not in signals(dictation("今天见了王老板 聊了铺货"))


def test_third_party_contract_and_price_are_not_signals() -> None:
    story = (
        "另外原厂的维保合同去年到期了 原厂现在报的续保价格特别高 不续吧出了问题没人管 续吧又太贵 "
        "我们也很头疼 现在就是拆东墙补西墙"
    )
    got = signals(call((0, 5, "rep", "现在运行上主要有什么问题吗"), (5, 40, "customer", story)))
    assert not got & {Signal.CONTRACT, Signal.PRICE, Signal.OBJECTION}
    assert Signal.CONTRACT not in signals(dictation("上次的合同已经执行完了 这次想再加十台"))
    assert Signal.CONTRACT not in signals(dictation("they send samples out to a contract lab"))


def test_negation_and_rep_questions() -> None:
    assert Signal.OBJECTION not in signals(dictation("客户说价格也不算太贵"))
    assert Signal.OBJECTION not in signals(chat(("rep", "现在的设备有什么不满意的地方？")))
    assert Signal.OBJECTION in signals(chat(("customer", "你们上次的方案节拍达不到要求 不太满意")))


def test_competitor_by_pattern_not_by_brand_list() -> None:
    assert Signal.COMPETITOR in signals(dictation("客户说要跟汇川的对比一下"))
    assert Signal.COMPETITOR in signals(dictation("他们现在用的是怡宝"))
    assert Signal.COMPETITOR in signals(dictation("they're also looking at Descartes"))
    assert Signal.COMPETITOR not in signals(dictation("他说还是用Excel 现在用的是什么系统也不清楚"))


def test_closing_soon_needs_an_imminent_decision() -> None:
    assert Signal.CLOSING_SOON in signals(dictation("可以的话这周就下单"))
    assert Signal.CLOSING_SOON not in signals(dictation("下半年定", ref="2026-05-26T10:00:00+08:00"))
    assert Signal.CLOSING_SOON not in signals(dictation("昨天院长在合同上签了"))


def test_future_quote_is_a_next_step_not_a_price_discussion() -> None:
    assert Signal.PRICE not in signals(dictation("我们月底前出平面布局和报价给她"))
    assert Signal.PRICE in signals(dictation("我把变频器改造方案和报价给他们讲了"))
