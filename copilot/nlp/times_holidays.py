"""Holiday dates: fixed Gregorian ones by rule, lunar ones from small tables of their Gregorian dates."""

from __future__ import annotations

from datetime import date, timedelta

from copilot.nlp.times_core import year_for_month

# Gregorian date of the Spring Festival (正月初一), China time. Outside the table lunar holidays are
# simply not recognised.
_SPRING_FESTIVAL: dict[int, tuple[int, int]] = {
    1990: (1, 27), 1991: (2, 15), 1992: (2, 4), 1993: (1, 23), 1994: (2, 10), 1995: (1, 31),
    1996: (2, 19), 1997: (2, 7), 1998: (1, 28), 1999: (2, 16), 2000: (2, 5), 2001: (1, 24),
    2002: (2, 12), 2003: (2, 1), 2004: (1, 22), 2005: (2, 9), 2006: (1, 29), 2007: (2, 18),
    2008: (2, 7), 2009: (1, 26), 2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10),
    2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29),
    2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23),
    2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
}  # fmt: skip
# 中秋 (八月十五) and 端午 (五月初五).
_MID_AUTUMN: dict[int, tuple[int, int]] = {
    2015: (9, 27), 2016: (9, 15), 2017: (10, 4), 2018: (9, 24), 2019: (9, 13), 2020: (10, 1),
    2021: (9, 21), 2022: (9, 10), 2023: (9, 29), 2024: (9, 17), 2025: (10, 6), 2026: (9, 25),
    2027: (9, 15), 2028: (10, 3), 2029: (9, 22), 2030: (9, 12),
}  # fmt: skip
_DRAGON_BOAT: dict[int, tuple[int, int]] = {
    2015: (6, 20), 2016: (6, 9), 2017: (5, 30), 2018: (6, 18), 2019: (6, 7), 2020: (6, 25),
    2021: (6, 14), 2022: (6, 3), 2023: (6, 22), 2024: (6, 10), 2025: (5, 31), 2026: (6, 19),
    2027: (6, 9), 2028: (5, 28), 2029: (6, 16), 2030: (6, 5),
}  # fmt: skip
# 清明 is a solar term: April 4 or 5.
_QINGMING_4TH = {2016, 2017, 2020, 2021, 2024, 2025, 2028, 2029}

# Fixed holidays: (month, day, days of the usual break). A break matters for "节后" (after it).
FIXED: dict[str, tuple[int, int, int]] = {
    "new_year": (1, 1, 1),
    "valentine": (2, 14, 1),
    "women": (3, 8, 1),
    "labour": (5, 1, 5),
    "children": (6, 1, 1),
    "teachers": (9, 10, 1),
    "national": (10, 1, 7),
    "singles": (11, 11, 1),
    "double12": (12, 12, 1),
    "christmas_eve": (12, 24, 1),
    "christmas": (12, 25, 1),
    "halloween": (10, 31, 1),
    "independence": (7, 4, 1),
}


def spring_festival(lunar_year: int) -> date | None:
    """正月初一 of a lunar year, when it is in the table."""
    md = _SPRING_FESTIVAL.get(lunar_year)
    return None if md is None else date(lunar_year, *md)


def nearest_spring_festival_year(today: date) -> int:
    """The lunar year whose 正月初一 is nearest to today (初十 in June: this year's; in December: next)."""
    best, best_gap = today.year, 10**6
    for year in (today.year - 1, today.year, today.year + 1):
        day = spring_festival(year)
        if day is not None and abs((day - today).days) < best_gap:
            best, best_gap = year, abs((day - today).days)
    return best


def new_years_eve(today: date, year: int | None) -> date | None:
    """除夕 / 大年三十: the eve of lunar year `year` + 1, or without a year the next one from today."""
    if year is not None:
        nxt = spring_festival(year + 1)
        return None if nxt is None else nxt - timedelta(days=1)
    for candidate in (today.year, today.year + 1):
        nxt = spring_festival(candidate)
        if nxt is not None and nxt - timedelta(days=1) >= today:
            return nxt - timedelta(days=1)
    return None


def lunar_table_day(kind: str, year: int) -> date | None:
    """中秋, 端午 or 清明 of a Gregorian year."""
    if kind == "qingming":
        return date(year, 4, 4 if year in _QINGMING_4TH else 5)
    table = _MID_AUTUMN if kind == "mid_autumn" else _DRAGON_BOAT
    md = table.get(year)
    return None if md is None else date(year, *md)


def holiday_span(kind: str, today: date, year: int | None) -> tuple[date, date] | None:
    """The holiday day and the last day of its usual break; `year` None means the nearest occurrence."""
    if kind in FIXED:
        month, day, length = FIXED[kind]
        found = date(year if year is not None else year_for_month(month, today), month, day)
        return found, found + timedelta(days=length - 1)
    if kind in ("mid_autumn", "dragon_boat", "qingming"):
        if year is None:
            # month-day rule on the holiday's usual month (September, June, April)
            year = year_for_month({"mid_autumn": 9, "dragon_boat": 6, "qingming": 4}[kind], today)
        found_day = lunar_table_day(kind, year)
        return None if found_day is None else (found_day, found_day)
    if kind == "eve":
        eve = new_years_eve(today, year)
        return None if eve is None else (eve, eve)
    if kind.startswith("spring"):
        # spring:N = 正月初N; the Spring Festival break runs 初一 to 初七
        offset = int(kind.partition(":")[2] or 1) - 1
        base = spring_festival(year if year is not None else nearest_spring_festival_year(today))
        if base is None:
            return None
        found = base + timedelta(days=offset)
        return found, (base + timedelta(days=6) if offset == 0 else found)
    if kind == "summer":
        y = year if year is not None else today.year
        return date(y, 7, 1), date(y, 8, 31)
    return None
