"""Each detector on the forms people write and voice-to-text produces, and on the business numbers
that look like them but must stay readable."""

from __future__ import annotations

import pytest

from copilot.privacy.detect import Kind, find_personal_data, id_check_digit_ok


def found(text: str, names: list[str] | None = None) -> list[tuple[str, Kind]]:
    return [(text[s.start : s.end], s.kind) for s in find_personal_data(text, names)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("王总手机13912345678，明天打给他", "13912345678"),
        ("call me on 139 1234 5678 tomorrow", "139 1234 5678"),
        ("手机号+86 139-1234-5678", "+86 139-1234-5678"),
        ("mobile 0086 13912345678", "0086 13912345678"),
        ("my mobile: (+86) 139-1234-5678.", "(+86) 139-1234-5678"),
        ("座机010-62345678转8001", "010-62345678"),
        ("前台电话(0571)8821 3456", "(0571)8821 3456"),
        ("热线400-615-3377", "400-615-3377"),
        ("我座机号是62345678", "62345678"),
        ("Mobile: 138.1234.5678", "138.1234.5678"),
        ("WhatsApp +852 9123 4567", "+852 9123 4567"),
        ("cell (415) 555-0100", "(415) 555-0100"),
    ],
)
def test_phones_in_digits(text: str, value: str) -> None:
    assert found(text) == [(value, "phone")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("电话是一三九 一二三四 五六七八", "一三九 一二三四 五六七八"),
        ("手机幺三九幺二三四五六七八", "幺三九幺二三四五六七八"),
        ("号码是一七七，零二八六，三一九九。", "一七七，零二八六，三一九九"),
        ("手机139 幺二六七 8890 你记一下", "139 幺二六七 8890"),
        ("你打一三九一二三四五六七八一下", "一三九一二三四五六七八"),
        ("他的号码 幺三九 嗯 一二三四 五六七八", "幺三九 嗯 一二三四 五六七八"),
        ("座机零二一杠五八八八杠一二三四", "零二一杠五八八八杠一二三四"),
        ("电话一三九，一二三四，五六七八", "一三九，一二三四，五六七八"),
    ],
)
def test_phones_read_out_in_chinese_digits(text: str, value: str) -> None:
    assert found(text) == [(value, "phone")]


def test_id_numbers_by_region_and_birth_date() -> None:
    assert found("身份证110105199003071234") == [("110105199003071234", "id_card")]
    assert found("身份证号 11010519900307123X。") == [("11010519900307123X", "id_card")]
    assert found("Guarantor: ID No. 130104720823511;") == [("130104720823511", "id_card")]
    assert found("身份证幺幺零幺零五幺九九零零三零七幺二三叉") == [
        ("幺幺零幺零五幺九九零零三零七幺二三叉", "id_card")
    ]
    # a region that does not exist, or a birth date that does not, is not an ID number
    assert found("990105199003071234") == []
    assert found("110105199013071234") == []
    assert id_check_digit_ok("11010519491231002X") and not id_check_digit_ok("110105194912310021")


def test_bank_cards_by_luhn_or_grouping_with_context() -> None:
    assert found("卡号6222 0212 3456 7890 128") == [("6222 0212 3456 7890 128", "bank_card")]
    assert found("工资卡6222621092160192207") == [("6222621092160192207", "bank_card")]
    assert found("pay to 4111111111111111 please") == [("4111111111111111", "bank_card")]
    assert found("卡号是六二二二零二一二三四五六七八九零一二八") == [
        ("六二二二零二一二三四五六七八九零一二八", "bank_card")
    ]


def test_emails_written_and_spelled_out() -> None:
    assert found("邮箱finance@hx-tech.com.cn 对账单发这个") == [("finance@hx-tech.com.cn", "email")]
    assert found("new one is pan.jing+sales@cmec-intl.com, thanks") == [
        ("pan.jing+sales@cmec-intl.com", "email")
    ]
    assert found("write to li.ming at example dot com") == [("li.ming at example dot com", "email")]
    assert found("邮箱 zhangwei艾特qq点com") == [("zhangwei艾特qq点com", "email")]


def test_names_only_when_given() -> None:
    assert found("苏州恒拓的周工说下周来") == []
    assert found("苏州恒拓的周工说下周来", ["苏州恒拓"]) == [("苏州恒拓", "name")]
    assert found("Spoke to ACME Corp today", ["Acme Corp"]) == [("ACME Corp", "name")]


@pytest.mark.parametrize(
    "text",
    [
        "订单号：13912345678",
        "PO#4500123456 已下",
        "金额 13900000000元",
        "总价¥1,380,000 含税",
        "合计 13,912,345,678.00",
        "发货 2026-03-15 14:30",
        "服务器 10.0.3.17",
        "SKU 1234567890123",
        "顺丰单号 SF1234567890",
        "运单号 773123456789012",
        "交易流水号 20240315123456789012",
        "合同号 HT20240315-001",
        "发票号码 31245678，发票代码 044031900111",
        "统一社会信用代码91310000MA1FL8XQ30",
        "数量分别是15, 300, 200, 450台",
        "the total was 13912345678 units",
        "invoice no. 4403123456",
        "报价单号 202403150001",
        "版本 13.8.1234.5678",
        "服务器 114.114.114.114",
        "price 13912345678.00",
        "合计1,380.50元",
        "tracking 1Z999AA10123456784",
        "生日1990年3月7日，二零二六年三月十五日签约",
        "大概一两个月，第一三八期",
    ],
)
def test_business_numbers_are_not_personal(text: str) -> None:
    assert found(text) == []


def test_a_label_names_only_the_number_it_stands_before() -> None:
    # 发票 names what is sent, not the number after it; 订单号 names the order number only
    assert found("发票寄给我，0755-8660 2233") == [("0755-8660 2233", "phone")]
    assert found("订单号 20240315001，联系电话 13912345678") == [("13912345678", "phone")]
