"""Money amounts: 大写, 万/亿 mixes, currencies, vague and non-money numbers, running text, the suite."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from copilot.nlp.amounts import find_amounts, parse_amount
from evaluators.suites.amounts import AmountsSuite
from evaluators.suites.base import Suite


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        # 大写 with 整, 零, 角 and 分
        ("人民币壹拾贰万伍仟元整", "125000", "CNY"),
        ("人民币伍拾万零捌佰元整", "500800", "CNY"),
        ("人民币叁仟贰佰伍拾元伍角", "3250.5", "CNY"),
        ("人民币玖拾捌万柒仟陆佰伍拾肆元叁角贰分", "987654.32", "CNY"),
        ("肆佰叁拾萬圓整", "4300000", "CNY"),
        ("壹佰元零伍分", "100.05", "CNY"),
        ("一百三十五块六角七分钱", "135.67", "CNY"),
        ("十块三毛", "10.3", "CNY"),
        ("三块五", "3.5", "CNY"),
        # 万/亿 with Arabic numbers, and colloquial forms
        ("报价12.5万", "125000", "CNY"),
        ("1亿2000万", "120000000", "CNY"),
        ("0.8万", "8000", "CNY"),
        ("16.4亿元", "1640000000", "CNY"),
        ("一百二十万的单子", "1200000", "CNY"),
        ("两万五一台", "25000", "CNY"),
        ("十二万八", "128000", "CNY"),
        ("这个项目三个亿", "300000000", "CNY"),
        ("预算20w", "200000", "CNY"),
        # separators, full-width forms and a bare number after a price word
        ("人民币1,286,000.00元", "1286000", "CNY"),
        ("82，225.00元", "82225", "CNY"),
        ("１２万", "120000", "CNY"),
        ("报价3500", "3500", "CNY"),
        ("预算是两千五", "2500", "CNY"),
        # the amount inside a clause, not the percentage
        ("预付30%，即人民币36万元", "360000", "CNY"),
        ("预算大概在80万左右", "800000", "CNY"),
        # currencies before and after, English scales and words
        ("RMB 1.5 million", "1500000", "CNY"),
        ("about 420k RMB", "420000", "CNY"),
        ("USD 45,000", "45000", "USD"),
        ("US$ 80,000", "80000", "USD"),
        ("$2.75 million", "2750000", "USD"),
        ("50K USD", "50000", "USD"),
        ("一共三千美金", "3000", "USD"),
        ("美元12万", "120000", "USD"),
        ("two and a half million dollars", "2500000", "USD"),
        ("£40,000", "40000", "GBP"),
        ("EUR 200k", "200000", "EUR"),
        ("20万欧元", "200000", "EUR"),
        ("三万元欧元", "30000", "EUR"),
        ("港币30万", "300000", "HKD"),
        ("HK$ 1,200", "1200", "HKD"),
        ("500万日元", "5000000", "JPY"),
        ("新台币 177.1 亿元", "17710000000", "TWD"),
        ("两个亿卢布", "200000000", "RUB"),
        # traditional characters and odd numeral forms
        ("肆佰叁拾萬", "4300000", "CNY"),
        ("十六億", "1600000000", "CNY"),
        ("一對元", "2", "CNY"),
        ("五打元", "60", "CNY"),
        ("卅三元", "33", "CNY"),
        ("零点零零一元", "0.001", "CNY"),
    ],
)
def test_parse_amount(text: str, amount: str, currency: str) -> None:
    money = parse_amount(text)
    assert money is not None
    assert (money.amount, money.currency) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    "text",
    [
        # vague amounts
        "三十来万",
        "二十多万",
        "一万多块",
        "十几万",
        "几十万的项目",
        "大概五六十万",
        "一两百万",
        "上百万",
        "三十万出头",
        "万把块",
        "50-60万",
        "30万到50万之间",
        "$40k-$50k",
        "six figures",
        "a few hundred grand",
        "over a million dollars",
        # percentages, discounts, quantities and other numbers
        "百分之三十",
        "首付三成",
        "打九折",
        "降了5个点",
        "a 15% discount",
        "采购300台",
        "五百台",
        "3月20号签约",
        "电话13812345678",
        "2026年预算",
        "3M公司",
        "预算一直没定",
        "千万别忘了",
        "我们一块去吃饭",
        "2026元旦",
    ],
)
def test_not_an_amount(text: str) -> None:
    assert parse_amount(text) is None


def test_approximate_amount_is_kept_and_flagged() -> None:
    money = parse_amount("预算大概在80万左右")
    assert money is not None and money.approximate
    exact = parse_amount("报价80万")
    assert exact is not None and not exact.approximate


def test_total_wins_when_several_amounts_are_stated() -> None:
    money = parse_amount("单价2万，总价20万")
    assert money is not None and money.amount == Decimal(200000)


def test_find_amounts_in_a_rep_note() -> None:
    text = (
        "拜访王总，采购预算大概在120万左右，一年服务费八十多万。我们报价135万，首付30%，"
        "一共50台设备，两条线，3月20号之前上线，电话13812345678。"
    )
    found = find_amounts(text)
    assert [(m.amount, m.text) for m in found] == [(Decimal(1200000), "120万"), (Decimal(1350000), "135万")]
    assert all(text[m.start : m.end] == m.text for m in found)
    assert found[0].approximate and not found[1].approximate


def test_find_amounts_joins_capital_and_figures_of_one_amount() -> None:
    text = (
        "支付合同总额的30%，即人民币叁拾陆万元整（¥360,000.00）；"
        "验收后支付60%，即人民币柒拾贰万元整（¥720,000.00）。"
    )
    found = find_amounts(text)
    assert [m.amount for m in found] == [Decimal(360000), Decimal(720000)]
    assert found[0].text == "人民币叁拾陆万元整（¥360,000.00）"
    assert text[found[0].start : found[0].end] == found[0].text


def test_find_amounts_in_english_with_offsets() -> None:
    text = "Budget is around $250k; we quoted USD 280,000 for 200 seats, a 15% discount, call 555-1234."
    found = find_amounts(text)
    assert [(m.amount, m.currency, m.text) for m in found] == [
        (Decimal(250000), "USD", "$250k"),
        (Decimal(280000), "USD", "USD 280,000"),
    ]
    assert text.index("$250k") == found[0].start


def test_find_amounts_skips_measure_words_and_ranges() -> None:
    assert find_amounts("他们有三块屏要换，每年运维费用50-80万，折扣三成") == []


def test_suite_predict_and_score() -> None:
    suite: Suite = AmountsSuite()  # mypy checks it against the Protocol
    assert suite.name == "amounts"
    assert suite.predict({"id": "x", "text": "人民币叁仟贰佰伍拾元伍角"}) == {
        "amount": 3250.5,
        "currency": "CNY",
    }
    assert suite.predict({"id": "y", "text": "三十来万"}) is None
    cases: list[dict[str, Any]] = [
        {"id": "a", "text": "", "expected": {"amount": 125000, "currency": "CNY"}},
        {"id": "b", "text": "", "expected": {"amount": 3250.5, "currency": "CNY"}},
        {"id": "c", "text": "", "expected": {"amount": 45000, "currency": "USD"}},
        {"id": "d", "text": "", "expected": None},
        {"id": "e", "text": "", "expected": None},
        {"id": "f", "text": "", "expected": {"amount": 1, "currency": "CNY"}},
    ]
    preds: list[dict[str, Any]] = [
        {"id": "a", "predicted": {"amount": 125000.0, "currency": "CNY"}},  # right
        {"id": "b", "predicted": {"amount": 3250.504, "currency": "CNY"}},  # right to 2 decimals
        {"id": "c", "predicted": {"amount": 45000, "currency": "CNY"}},  # wrong currency
        {"id": "d", "predicted": None},  # right null
        {"id": "e", "predicted": {"amount": 300000, "currency": "CNY"}},  # should be null
        # f has no prediction line at all: wrong
    ]
    scores = suite.score(cases, preds)
    assert scores["headline"] == scores["accuracy"] == pytest.approx(3 / 6)
    assert scores["n"] == 6
    assert scores["null_accuracy"] == pytest.approx(1 / 2)
    assert scores["amount_accuracy"] == pytest.approx(2 / 4)
