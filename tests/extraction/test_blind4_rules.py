"""Rules added after the fourth blind batch: the strongest stage, agreed deadlines, signal senses.

The reference time is Wednesday 2026-05-20. Phrasings differ from the blind cases on purpose.
"""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Signal, Stage
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        # signed / stamped / paid, renewals included
        ("年度维保的续签合同昨天下午盖好章了 快递在路上", Stage.WON),
        ("尾款二十万上午已经转过去了 让我们查收", Stage.WON),
        ("the clinic countersigned the order form this morning", Stage.WON),
        ("they signed the renewal for three more years", Stage.WON),
        # commercial terms being negotiated
        ("老板说可以 让我出个合同给他们法务先看看", Stage.NEGOTIATION),
        ("单价能不能再便宜点 他说量大的话", Stage.NEGOTIATION),
        ("他嫌出厂价偏高 要我们再让两个点", Stage.NEGOTIATION),
        ("经销商说进货价太高了 年底前返点要给够", Stage.NEGOTIATION),
        ("they asked for a term sheet with 48 months instead of 36", Stage.NEGOTIATION),
        ("can you put the paperwork together so legal can look at it", Stage.NEGOTIATION),
        # something prepared for the customer to evaluate
        ("客户要的礼盒我们先打个样 下周寄过去", Stage.PROPOSAL),
        ("门头的效果图这周五之前出来 给他们老板看", Stage.PROPOSAL),
        ("we are drafting our response to the county's RFP", Stage.PROPOSAL),
        ("开了一个测试环境给他们IT自己测", Stage.PROPOSAL),
        # the customer confirming a need
        ("他说正好想把仓库的老叉车都换成电动的", Stage.INTENT),
        ("对方说你先发点资料过来我们内部看看", Stage.INTENT),
        # an award to someone else
        ("they awarded the catering contract to another caterer", Stage.LOST),
    ],
)
def test_stage_phrasings(text: str, stage: Stage) -> None:
    assert extract(dictation(text)).stage is stage


def test_future_stamping_is_not_won() -> None:
    assert extract(dictation("下周三之前要把合同盖好章寄回来")).stage is not Stage.WON


def test_catalogue_price_sheet_is_not_negotiation() -> None:
    text = "给他过了一遍进货价格表 约了周五再去仓库看看"
    assert extract(dictation(text)).stage is not Stage.NEGOTIATION


@pytest.mark.parametrize(
    ("text", "due"),
    [
        # a deadline both sides agreed for an action
        ("投标文件在做 下周三之前要把投标文件递交", date(2026, 5, 27)),
        ("他们说月底之前要定下来用哪家", date(2026, 5, 31)),
        # a dated signature is the next step when nothing else is agreed
        ("价格谈好了 我们下周一签", date(2026, 5, 25)),
        # the customer's answer promised by a date
        ("他说周五前给我们个准话", date(2026, 5, 22)),
        ("明天先给他们开三个试用账号", date(2026, 5, 21)),
        ("后天我过去跟他当面谈谈细节", date(2026, 5, 22)),
        ("we need the revised deck internally by next Wednesday", date(2026, 5, 27)),
    ],
)
def test_agreed_deadlines(text: str, due: date) -> None:
    assert extract(dictation(text)).next_follow_up_date == due


def test_earlier_action_beats_a_dated_signature() -> None:
    text = "我明天把合同发过去 他说下周一就签"
    assert extract(dictation(text)).next_follow_up_date == date(2026, 5, 21)


def test_deferred_decision_is_no_follow_up() -> None:
    text = "要等他们经理下个月回来再定"
    assert extract(dictation(text)).next_follow_up_date is None


def _signals(fields: object) -> set[Signal]:
    return {s.signal for s in fields.signals}  # type: ignore[attr-defined]


def test_distributor_price_and_objection() -> None:
    found = _signals(extract(dictation("他嫌我们的批发价高 想再压一压")))
    assert Signal.PRICE in found
    assert Signal.OBJECTION in found


def test_hypothetical_worry_is_no_objection() -> None:
    found = _signals(extract(chat(("customer", "如果到时候担心效果 可以先小范围试吗"))))
    assert Signal.OBJECTION not in found


def test_negated_worry_is_no_objection() -> None:
    found = _signals(extract(chat(("customer", "售后这块我们不用担心 你们口碑挺好"))))
    assert Signal.OBJECTION not in found


def test_chose_another_is_competitor() -> None:
    assert Signal.COMPETITOR in _signals(extract(dictation("他们最后选了另一家 说本地有仓库")))
    assert Signal.COMPETITOR in _signals(extract(dictation("they went with another supplier in the end")))


def test_over_budget_quote_is_budget_but_own_cost_overrun_is_not() -> None:
    assert Signal.BUDGET in _signals(extract(chat(("customer", "The second quote is still over budget."))))
    overrun = "Their freight costs ran 20 percent over budget last year."
    assert Signal.BUDGET not in _signals(extract(dictation(overrun)))


def test_customers_other_vendor_contract_is_no_contract_signal() -> None:
    text = "Their current cleaning contract ends in June, so they are looking around."
    assert Signal.CONTRACT not in _signals(extract(dictation(text)))


def test_countersigned_is_contract() -> None:
    assert Signal.CONTRACT in _signals(extract(dictation("they countersigned it this morning")))


def test_signing_on_a_day_is_closing_soon() -> None:
    found = _signals(extract(chat(("rep", "合同我周五带过去您签字"), ("customer", "好"))))
    assert Signal.CLOSING_SOON in found
