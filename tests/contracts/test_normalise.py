"""Contract readings: periods, daily rates, absolute dates, month counts, party names."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.contracts.normalise import clean_name, find_dates, find_durations, find_rates, months_between


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("签订之日起45个工作日内", 45, "business_day"),
        ("六周（42日）内完成", 42, "day"),
        ("10个自然日", 10, "day"),
        ("有效期一年", 1, "year"),
        ("质保期为十二个月", 12, "month"),
        ("within thirty (30) business days", 30, "business_day"),
        ("for a period of one (1) year", 1, "year"),
        ("twenty-four (24) months", 24, "month"),
        ("60 calendar days", 60, "day"),
    ],
)
def test_durations(text: str, value: int, unit: str) -> None:
    (d,) = find_durations(text)
    assert (d.value, d.unit) == (value, unit)


def test_duration_conversions_and_non_durations() -> None:
    assert find_durations("有效期一年")[0].months == 12
    assert find_durations("6周")[0].days == 42
    assert find_durations("3月18日签订") == []
    assert find_durations("2026年") == []


@pytest.mark.parametrize(
    ("text", "pct"),
    [
        ("千分之五", 0.5),
        ("万分之五", 0.05),
        ("百分之五", 5.0),
        ("0.1%", 0.1),
        ("5‰", 0.5),
        ("8 percent", 8.0),
    ],
)
def test_rates(text: str, pct: float) -> None:
    assert find_rates(text)[0].pct == pct


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("签订日期：2026年3月18日", date(2026, 3, 18)),
        ("签署日期：二〇二六年五月二十日", date(2026, 5, 20)),
        ("entered into on February 9, 2026", date(2026, 2, 9)),
        ("the 9th day of February, 2026", date(2026, 2, 9)),
        ("Date: 2026-03-18", date(2026, 3, 18)),
    ],
)
def test_dates(text: str, day: date) -> None:
    assert find_dates(text)[0].value == day


def test_impossible_date_is_skipped() -> None:
    assert find_dates("2026年2月30日") == []


def test_months_between() -> None:
    assert months_between(date(2026, 2, 1), date(2026, 12, 31)) == 11
    assert months_between(date(2026, 6, 1), date(2029, 5, 31)) == 36
    assert months_between(date(2026, 1, 1), date(2026, 1, 15)) is None


def test_clean_name() -> None:
    assert clean_name("华为技术（深圳）有限公司 ") == clean_name("华为技术有限公司")
