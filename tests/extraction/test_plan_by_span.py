"""Next follow-up: the rep's own plan dated by a span of up to a month ('下个月初我再去问问',
'十月份我再问问') is due on the span's first day, as FORMAT.md dates a span; a span saying when our
side has an event of its own ('我们六月中旬有个沙龙'), or when something starts ('from July'), is no
plan, and neither is a year. The wording is this file's own; the first two cases fail without the
change, the next two without its guards."""

from __future__ import annotations

from datetime import date

from tests.extraction.builders import dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"  # a Wednesday


def test_own_plan_dated_by_the_start_of_next_month() -> None:
    note = "二期还没立项 资金要等集团批下来 下个月初我再去问问进展"
    assert extract(dictation(note)).next_follow_up_date == date(2026, 6, 1)


def test_own_plan_dated_by_a_named_month() -> None:
    note = "今年的预算已经批完了 十月份我再问问他们明年的打算"
    assert extract(dictation(note)).next_follow_up_date == date(2026, 10, 1)


def test_our_own_event_in_a_month_is_no_plan() -> None:
    note = "聊了聊他们仓库的情况 还没有预算 我们六月中旬在苏州有个行业沙龙"
    assert extract(dictation(note)).next_follow_up_date is None


def test_when_something_starts_is_no_plan() -> None:
    note = "They asked about support. We can offer a local service engineer from July."
    assert extract(dictation(note, ref=EN_REF)).next_follow_up_date is None


def test_a_year_is_no_plan() -> None:
    note = "预算今年已经用完了 我明年再去问问"
    assert extract(dictation(note)).next_follow_up_date is None
