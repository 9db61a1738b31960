"""The three elements of a confirmation letter, found with their quotes."""

from __future__ import annotations

import pytest

from copilot.letters.elements import read_letter

COMPLETE_ZH = (
    "采购确认函：甲方确认采购伺服驱动系统。一、付款方式：合同签订后7日内预付30%，到货验收合格后付60%，"
    "余款10%质保期满后支付。二、交付周期：合同签订后45个工作日内交货。三、验收标准：按技术协议验收，"
    "连续72小时试运行无故障视为合格。"
)


def test_a_complete_chinese_letter_states_all_three_with_quotes() -> None:
    reading = read_letter(COMPLETE_ZH)
    assert reading.complete and reading.missing == []
    for element in reading.found.values():
        assert COMPLETE_ZH[element.start : element.end] == element.quote
    assert "预付30%" in reading.found["payment_method"].quote
    assert "45个工作日内交货" in reading.found["delivery_period"].quote
    assert "试运行" in reading.found["acceptance_criteria"].quote


def test_payment_after_acceptance_is_not_an_acceptance_criterion() -> None:
    # "验收合格后付60%" names acceptance only as a payment milestone
    reading = read_letter("确认函：付款方式：到货验收合格后付60%，余款月结。交付周期：20个工作日内交货。")
    assert reading.missing == ["acceptance_criteria"]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("确认函：付款方式：月结60天。交付周期：合同签订后20个工作日内交货。", ["acceptance_criteria"]),
        (
            "确认函：交付周期：合同签订后60日内完成部署上线。验收标准：按需求清单逐项测试通过。",
            ["payment_method"],
        ),
        ("确认函：预付50%，安装验收后付50%。验收标准：按清单核对数量规格。", ["delivery_period"]),
        (
            "Payment terms: 30% deposit, 70% upon delivery. Delivery within 45 business days of signing. "
            "Acceptance criteria: the system passes the acceptance test in Annex 2.",
            [],
        ),
        (
            "Delivery within 30 days of the order. Deemed accepted if no defect is reported in 7 days.",
            ["payment_method"],
        ),
    ],
)
def test_what_each_letter_lacks(text: str, missing: list[str]) -> None:
    assert read_letter(text).missing == missing


def test_an_element_left_open_is_not_stated() -> None:
    reading = read_letter("确认函：付款方式另行商定。交付周期：30天内交货。验收标准：按合同附件验收。")
    assert reading.missing == ["payment_method"] and reading.deferred == ("payment_method",)
    english = read_letter("Payment: TBD. Delivery within 30 days. Acceptance criteria: per Annex 1.")
    assert english.missing == ["payment_method"] and english.deferred == ("payment_method",)


def test_quotes_and_contracts_are_not_letters() -> None:
    assert read_letter("办公家具报价单V1：120个工位、6间会议室，合计760,000元。").found == {}
