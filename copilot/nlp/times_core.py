"""Shared pieces of the time parser: the raw hit type, calendar arithmetic and numeric date formats."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Hit:
    """One expression found by a language scanner, before it becomes a public TimeMatch."""

    start: int
    end: int
    first: date | None
    last: date | None
    deadline: bool = False
    vague: bool = False
    # only meaningful when it is the whole input (现在, a bare "2018"): never reported by find_times
    whole_only: bool = False


# Levels of detail of a frame; they decide which components may refine it.
L0, LY, LQ, LM, LW, LD, LT = range(7)


@dataclass(frozen=True)
class Frame:
    """The span denoted so far by a partly parsed expression, at some level of detail."""

    first: date
    last: date
    level: int
    weak: bool = False  # a bare 2-digit year ("10年" is more often ten years than 2010)
    night: bool = False  # 晚上/夜里: 12点 then means the next midnight
    holiday_end: date | None = None  # last day of a holiday's break, for 节后
    bare_day: bool = False  # a day of month without a month ("15号"): a past deadline means next month's
    vague: bool = False
    whole_only: bool = False
    deadline: bool = False


@dataclass(frozen=True)
class Env:
    """What resolution needs: the reference instant and, inside a range, the date the range started on."""

    now: datetime
    ctx: date | None = None
    whole: bool = False

    @property
    def today(self) -> date:
        """The reference date in the reference's own UTC offset."""
        return self.now.date()

    @property
    def base(self) -> date:
        """The date that fills unstated higher fields: the range start inside a range, else today."""
        return self.ctx or self.now.date()


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (Feb 30) or is out of range."""
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1 <= year <= 9999):
        return None
    if day > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_span(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), month_end(year, month)


def monday(day: date) -> date:
    """Monday of the (Monday-to-Sunday) week containing `day`."""
    return day - timedelta(days=day.weekday())


def week_span(day: date, weeks: int = 0) -> tuple[date, date]:
    """Monday and Sunday of the calendar week `weeks` away from the one containing `day`."""
    start = monday(day) + timedelta(weeks=weeks)
    return start, start + timedelta(days=6)


def quarter_span(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter (1-4)."""
    return date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)


def first_monday(year: int, month: int) -> date:
    """The first Monday of a month: weeks of a month or year are counted from it (JioNLP does too)."""
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def next_weekday(after: date, weekday: int, inclusive: bool = False) -> date:
    """The first given weekday (0 = Monday) strictly after `after`, or on it when inclusive."""
    delta = (weekday - after.weekday()) % 7
    if delta == 0 and not inclusive:
        delta = 7
    return after + timedelta(days=delta)


def add_business_days(day: date, count: int) -> date:
    """`count` Monday-to-Friday days after `day` (public holidays are not modelled)."""
    step = 1 if count >= 0 else -1
    left = abs(count)
    while left:
        day += timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def year_for_month(month: int, today: date) -> int:
    """The year of a month stated without one.

    Normally the reference year (JioNLP and FORMAT.md read "3月20号" that way, past or not). A
    scheduling product must not send "1月5号" said in November back ten months, nor "12月28号" said in
    early January eleven months ahead: near the turn of the year, a month 10 or more months away inside
    the reference year is read in the adjacent year instead, the nearer occurrence (November/December
    against January/February).
    """
    diff = month - today.month
    if diff <= -10:
        return today.year + 1
    if diff >= 10:
        return today.year - 1
    return today.year


def expand_year(value: int, digits: int, today: date) -> int:
    """A 2-digit year in the century that keeps it at most 10 years ahead (98 -> 1998, 24 -> 2024)."""
    if digits != 2:
        return value
    year = 2000 + value
    return year if year <= today.year + 10 else year - 100


_EN_ORDINAL = r"(?:st|nd|rd|th)"
_TIME_TAIL = r"(?:\s*[T\-]?\s*(?:[01]?\d|2[0-4])\s*[:：]\s*[0-5]\d(?:\s*[:：]\s*[0-5]\d)?(?:\s*时)?)?"
# Numeric dates shared by both languages. Digit boundaries keep phone and order numbers out, and every
# value is validated as a real date before it counts.
NUMERIC_DATE_RE = re.compile(
    r"(?<![\d.:/\-#])(?:"
    # 2026-03-05, 2026/3/5, 2019.9.6, 1994.01-19 (a day glued to a time: 2018-12-1209:03)
    rf"(?P<y1>(?:19|20)\d\d)\s*[-/.]\s*(?P<m1>\d{{1,2}})\s*[-/.]\s*(?P<d1>\d\d|\d(?!\d))\s*[日号]?{_TIME_TAIL}"
    # 20240307
    r"|(?P<y2>(?:19|20)\d\d)(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?!\d)"
    # 2022 11 23
    r"|(?P<y3>(?:19|20)\d\d) (?P<m3>\d{1,2}) (?P<d3>\d{1,2})(?![\d.])"
    # 3/15/2026 (month first, as in US English and as Chinese order anyway)
    r"|(?P<m4>\d{1,2})/(?P<d4>\d{1,2})/(?P<y4>(?:19|20)\d\d|\d\d)(?![\d/])"
    # 11/3号
    r"|(?P<m5>\d{1,2})/(?P<d5>\d{1,2})\s*(?:日|号|號)"
    # 6·30 (event-style dates)
    r"|(?P<m6>\d{1,2})[·•](?P<d6>\d{1,2})(?![\d.])"
    # 09-01 only before a clock time or at the very end: "10-15天" is a range of days
    rf"|(?P<m7>0[1-9]|1[0-2])-(?P<d7>0[1-9]|[12]\d|3[01])(?=\s+\d{{1,2}}[:：]\d\d|\s*$){_TIME_TAIL}"
    r")"
)


def numeric_date(m: re.Match[str], today: date) -> tuple[date, bool] | None:
    """The date a NUMERIC_DATE_RE match denotes, and whether it carried a clock time; None if invalid."""
    groups = m.groupdict()
    for i in range(1, 8):
        month_text = groups.get(f"m{i}")
        if month_text is None:
            continue
        month, day = int(month_text), int(groups[f"d{i}"])
        year_text = groups.get(f"y{i}")
        if year_text is None:
            year = year_for_month(month, today) if 1 <= month <= 12 else today.year
        else:
            year = expand_year(int(year_text), len(year_text), today)
        found = safe_date(year, month, day)
        if found is None:
            return None
        return found, ":" in m.group(0) or "：" in m.group(0)
    return None


def roll_past_deadline(frame: Frame, today: date) -> Frame:
    """A deadline on a bare day of month that is already past ("15号前" said on the 20th) is next month's."""
    if not frame.bare_day or frame.last >= today:
        return frame
    moved = add_months(frame.last, 1)
    return Frame(moved, moved, frame.level, deadline=frame.deadline)


def shift(now: datetime, amount: float, unit: str) -> date:
    """The reference moved by a signed amount of a unit (day, week, month, year, hour, minute, second)."""
    if unit in ("month", "year"):
        months = amount * (12 if unit == "year" else 1)
        whole = int(months)
        moved = add_months(now.date(), whole)
        frac = months - whole
        # half a month is read as 15 days (一个半月)
        return moved + timedelta(days=round(frac * 30))
    seconds = {"day": 86400, "week": 604800, "hour": 3600, "minute": 60, "second": 1}[unit]
    return (now + timedelta(seconds=amount * seconds)).date()
