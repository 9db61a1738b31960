"""Contract-specific readings: durations, daily rates and percentages, absolute dates, party names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from copilot.nlp.numerals import parse_cn_number, parse_int

_CN_NUM = r"[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+"
_EN_ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_WORD = (
    rf"(?:(?:{'|'.join(_EN_TENS)})(?:[\s-](?:{'|'.join(_EN_ONES)}))?|{'|'.join(_EN_ONES)}"
    r"|(?:one\s+)?hundred(?:\s+(?:and\s+)?\w+)?|a|an)"
)
# An English count: "thirty (30)", "30", "thirty", "one hundred twenty (120)".
EN_COUNT = rf"(?:(?i:{_EN_WORD})\s*\(\s*(\d+)\s*\)|(\d+)|((?i:{_EN_WORD})))"
ZH_COUNT = rf"(\d+|{_CN_NUM})"


def en_int(word: str) -> int | None:
    """Value of an English number phrase up to 999 (`twenty-four`, `one hundred twenty`, `a`)."""
    total = 0
    current = 0
    seen = False
    for piece in re.split(r"[\s-]+", word.lower().strip()):
        if not piece or piece == "and":
            continue
        if piece in ("a", "an"):
            current += 1
        elif piece in _EN_ONES:
            current += _EN_ONES[piece]
        elif piece in _EN_TENS:
            current += _EN_TENS[piece]
        elif piece == "hundred":
            current = max(current, 1) * 100
        elif piece.isdigit():
            current += int(piece)
        else:
            return None
        seen = True
    total += current
    return total if seen else None


def count_value(text: str) -> int | None:
    """Integer value of an Arabic, Chinese or English count."""
    text = text.strip().strip("()（）")
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(_CN_NUM, text):
        return parse_int(text)
    return en_int(text)


@dataclass(frozen=True)
class Duration:
    """A stated period: a count and its unit, with its span in the text searched."""

    value: int
    unit: str  # day, business_day, week, month, year
    start: int
    end: int

    @property
    def days(self) -> int | None:
        """Length in days when the unit is days or weeks (months and years have no fixed length)."""
        if self.unit in ("day", "business_day"):
            return self.value
        return self.value * 7 if self.unit == "week" else None

    @property
    def months(self) -> int | None:
        """Length in months when the unit is months or years."""
        if self.unit == "month":
            return self.value
        return self.value * 12 if self.unit == "year" else None


_ZH_DURATION_RE = re.compile(
    rf"{ZH_COUNT}\s*(?:(个)?\s*(工作日|日历日|自然日|日|天|周|星期|月|年|个月)|(个工作日|个自然日|个日历日|周年))"
)
_EN_DURATION_RE = re.compile(
    rf"(?<![\w.]){EN_COUNT}\s*(?:\(\s*\d+\s*\)\s*)?(?i:(business|working|banking|calendar)\s+)?"
    r"(?i:(days?|weeks?|months?|years?))(?![a-z])(?:['’]s?)?"
)
_UNITS = {
    "工作日": "business_day", "个工作日": "business_day", "日历日": "day", "自然日": "day", "个自然日": "day",
    "个日历日": "day", "日": "day", "天": "day", "周": "week", "星期": "week", "月": "month", "个月": "month",
    "年": "year", "周年": "year",
}  # fmt: skip


def find_durations(text: str) -> list[Duration]:
    """Every period in the text; `六周（42日）` keeps only the bracketed day count."""
    found: list[Duration] = []
    for m in _ZH_DURATION_RE.finditer(text):
        unit_text = m.group(3) or m.group(4) or ""
        if unit_text == "月" and not m.group(2):
            continue  # 3月 is March, not three months
        if unit_text == "年" and re.fullmatch(r"\d{4}", m.group(1)):
            continue  # 2026年 is a year, not 2026 years
        if unit_text in ("日", "天", "号") and (
            text[m.end() : m.end() + 1] == "期"
            or re.search(r"月\s*$", text[max(0, m.start() - 2) : m.start()])
        ):
            continue  # 日期, and 3月18日 is a day of the month
        value = count_value(m.group(1))
        if value is not None:
            found.append(Duration(value, _UNITS[unit_text], m.start(), m.end()))
    for m in _EN_DURATION_RE.finditer(text):
        number = m.group(1) or m.group(2) or m.group(3) or ""
        value = count_value(number)
        if value is None:
            continue
        kind = (m.group(4) or "").lower()
        unit = m.group(5).lower().rstrip("s")
        unit = "business_day" if unit == "day" and kind in ("business", "working", "banking") else unit
        found.append(Duration(value, unit, m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    kept: list[Duration] = []
    for d in found:
        if kept and re.fullmatch(r"\s*[（(]\s*", text[kept[-1].end : d.start]) and d.days is not None:
            kept[-1] = d  # 六周（42日）: the bracket restates the period in days
        elif not kept or d.start >= kept[-1].end:
            kept.append(d)
    return kept


_RATE_RE = re.compile(
    rf"(千分之|万分之|百分之)\s*(\d+(?:\.\d+)?|{_CN_NUM}(?:[点點]{_CN_NUM})?)"
    r"|(\d+(?:\.\d+)?)\s*(%|％|‰|(?i:per\s*cent|percent)(?![a-z]))"
)
_SCALE = {"千分之": Decimal("0.1"), "万分之": Decimal("0.01"), "百分之": Decimal(1), "‰": Decimal("0.1")}


@dataclass(frozen=True)
class Rate:
    """A percentage as a number of percent (千分之五 -> 0.5), with its span."""

    pct: float
    start: int
    end: int


# `thirty percent` written only in words (`thirty percent (30%)` is read from its figure)
_EN_RATE_RE = re.compile(rf"(?<![\w-])((?i:{_EN_WORD}))\s+(?i:per\s*cent|percent)(?![a-z])(?!\s*\(\s*\d)")


def find_rates(text: str) -> list[Rate]:
    """Every percentage, per-mille and per-ten-thousand figure, as percent (`thirty percent` too)."""
    rates: list[Rate] = []
    for m in _EN_RATE_RE.finditer(text):
        spelled = en_int(m.group(1))
        if spelled is not None and m.group(1).lower() not in ("a", "an"):
            rates.append(Rate(float(spelled), m.start(), m.end()))
    for m in _RATE_RE.finditer(text):
        if m.group(1):
            value = parse_cn_number(m.group(2).replace("點", "点"))
            scale = _SCALE[m.group(1)]
        else:
            value = Decimal(m.group(3))
            scale = _SCALE.get(m.group(4), Decimal(1))
        if value is None:
            continue
        rates.append(Rate(float((value * scale).normalize()), m.start(), m.end()))
    rates.sort(key=lambda r: r.start)
    return rates


_MONTHS = {
    m: i
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        1,
    )
    for m in names
}  # fmt: skip
_MONTH_RE = r"(?i:(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?)"
_CN_DIGITS = "零〇○一二三四五六七八九十"
_DATE_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "ymd_zh",
        re.compile(
            rf"(\d{{4}}|[{_CN_DIGITS}]{{4}})\s*年\s*(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*月"
            rf"\s*(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*[日号]"
        ),
    ),
    ("ymd", re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)")),
    ("mdy", re.compile(rf"{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(\d{{4}})")),
    ("dmy", re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\)?\s+(?:day\s+of\s+)?{_MONTH_RE}\s*,?\s*(\d{{4}})")),
)


@dataclass(frozen=True)
class FoundDate:
    """An absolute date written in the text, with its span."""

    value: date
    start: int
    end: int


def _cn_year(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return int("".join(str("零一二三四五六七八九".index(ch)) if ch not in "〇○" else "0" for ch in text))


def find_dates(text: str) -> list[FoundDate]:
    """Every absolute calendar date (2026年3月18日, 二〇二六年五月二十日, 2026-03-18, February 9, 2026)."""
    found: list[FoundDate] = []
    for style, pattern in _DATE_RES:
        for m in pattern.finditer(text):
            try:
                if style == "ymd_zh":
                    year, month, day = _cn_year(m.group(1)), count_value(m.group(2)), count_value(m.group(3))
                elif style == "ymd":
                    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
                elif style == "mdy":
                    year, month, day = int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))
                else:
                    year, month, day = int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))
                if year is None or month is None or day is None:
                    continue
                found.append(FoundDate(date(year, month, day), m.start(), m.end()))
            except (ValueError, KeyError):
                continue  # 2026年2月30日 and other impossible dates are not dates
    found.sort(key=lambda d: d.start)
    return found


def add_months(start: date, months: int) -> date:
    """The same day `months` later (Jan 31 + 1 month -> Feb 28/29): a term's anniversary."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day, start.day))
        except ValueError:
            continue
    raise ValueError(f"no date {months} months after {start}")


def months_between(start: date, end: date) -> int | None:
    """Whole months from `start` to the inclusive `end` (2026-02-01..2026-12-31 -> 11), or None."""
    after = date.fromordinal(end.toordinal() + 1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day == start.day:
        return months
    # A period a few days short of or over a whole number of months still reads as that many months.
    anchor_year, anchor_month = divmod(start.month - 1 + months, 12)
    try:
        anchor = date(start.year + anchor_year, anchor_month + 1, start.day)
    except ValueError:
        return months if months > 0 else None
    gap = (after - anchor).days
    if abs(gap) <= 3:
        return months
    return None


_BRACKETS_RE = re.compile(r"[（(][^）)]*[）)]")


def clean_name(name: str) -> str:
    """A party name without spaces and bracketed notes, for comparing (FORMAT.md's parties rule)."""
    return re.sub(r"\s+", "", _BRACKETS_RE.sub("", name)).lower()
