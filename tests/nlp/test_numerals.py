"""Chinese and Arabic numerals: units, 大写, big-unit mixes, abbreviations, fractions and bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copilot.nlp.numerals import CN_NUMERAL_CHARS, DIGITS, parse_cn_number, parse_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain and 大写
        ("十", "10"),
        ("一十一", "11"),
        ("二十三", "23"),
        ("一百零五", "105"),
        ("一千零十", "1010"),
        ("一千零一十一", "1011"),
        ("壹佰贰拾", "120"),
        ("貳佰零參", "203"),
        ("參萬肆仟伍佰陸拾柒", "34567"),
        # a lone digit after a unit is one unit lower
        ("两千三", "2300"),
        ("一百二", "120"),
        ("千一", "1100"),
        ("百二萬", "1200000"),
        ("萬九", "19000"),
        ("十二万八", "128000"),
        ("一百二十万三", "1203000"),
        ("1万5", "15000"),
        # but not after 零, and not after 十
        ("一万零一", "10001"),
        ("廿二", "22"),
        # big units, nested and mixed with Arabic numbers
        ("一亿五千万零六千三百五十五", "150006355"),
        ("一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一", "1111111111111111"),
        ("3千万亿", "3000000000000000"),
        ("1亿2000万", "120000000"),
        ("200亿零四千230", "20000004230"),
        ("1百01", "101"),
        ("1万600", "10600"),
        ("12.5万", "125000"),
        ("一点五万", "15000"),
        ("一万零百一十一", "10111"),
        ("两个亿", "200000000"),
        # shorthand tens
        ("五百卅四", "534"),
        ("一萬零卌", "10040"),
        # decimals, positional digits, Arabic
        ("零点零零一", "0.001"),
        ("一百点123", "100.123"),
        ("零點77", "0.77"),
        ("一七二零点一三四", "1720.134"),
        ("二〇二六", "2026"),
        ("3,200.50", "3200.50"),
        (".77", "0.77"),
        # fractions and halves
        ("二分之一", "0.5"),
        ("百分之三十", "0.3"),
        ("十份十一", "1.1"),
        ("一又十分一", "1.1"),
        ("一半半", "0.5"),
        ("两个半", "2.5"),
    ],
)
def test_parse_cn_number(text: str, expected: str) -> None:
    assert parse_cn_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["", "三点", "五六十", "十五六万", "一二万", "两万五一", "一百一千", "四千5000", "元", "abc"],
)
def test_malformed_or_vague_numerals_are_none(text: str) -> None:
    assert parse_cn_number(text) is None


def test_parse_int() -> None:
    assert parse_int("十二") == 12
    assert parse_int("12") == 12
    assert parse_int("二点五") is None
    assert parse_int("三点") is None


def test_public_tables_for_other_parsers() -> None:
    assert DIGITS["两"] == 2 and DIGITS["〇"] == 0
    assert all(ch in CN_NUMERAL_CHARS for ch in "零一十百千万亿萬億廿")
    # 陌拜 (cold visit) and 参加 must not look like numerals to the time parser
    assert "陌" not in CN_NUMERAL_CHARS and "参" not in CN_NUMERAL_CHARS
