"""Chinese calendar components: years, quarters, months, weeks and days.

Each component is a regex (in times_zh) plus a handler here that refines the frame built so far:
`2026年` gives a year, `十一月` then narrows it to a month, `十八日` to a day. times_zh chains them
left to right; durations, times of day and holidays are in times_zh_spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from copilot.nlp.numerals import parse_int
from copilot.nlp.times_core import (
    LD,
    LM,
    LQ,
    LW,
    LY,
    Env,
    Frame,
    add_months,
    expand_year,
    first_monday,
    month_end,
    month_span,
    next_weekday,
    quarter_span,
    safe_date,
    week_span,
    year_for_month,
)

Handler = Callable[[re.Match[str], Frame | None, Env], Frame | None]

DIG = "零〇○一二三四五六七八九"
CN = DIG + "两十廿卅百千万亿"
DAY_NUM = r"(?:[12]\d|3[01]|0?[1-9]|[零〇一二三四五六七八九十廿卅]{1,3})"
MONTH_NUM = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
COUNT = rf"(?:\d+(?:\.\d+)?|两[{DIG}十百几]*|[{DIG}十百几仨俩]+|半)"
WD = "一二三四五六日天"
RANGE_SEP = r"\s*(?:[-~～—–]+|至|到)\s*"
NUM_BEFORE = rf"(?<![\dA-Za-z{CN}./\-:：第每#])"


def _weekday(char: str) -> int:
    """0 = Monday for 一..日/天 or 1..7."""
    return int(char) - 1 if char.isdigit() else min("一二三四五六日天".index(char), 6)


def _rel_offset(word: str) -> int:
    """上上 -2, 上 -1, 本/这/当 0, 下 1, 下下 2: how many periods away a relative word points."""
    for prefix, value in (("上上", -2), ("下下", 2), ("上", -1), ("下", 1)):
        if word.startswith(prefix):
            return value
    return 0


def g(m: re.Match[str], name: str) -> str | None:
    """A named group that may not exist in the component's pattern."""
    return m.groupdict().get(name)


def num(text: str | None) -> int | None:
    """Integer value of a Chinese or Arabic numeral."""
    return None if text is None else parse_int(text.replace("仨", "三").replace("俩", "两"))


def count_value(text: str) -> float | None:
    """A count for durations; None when it is vague (几, 两三)."""
    text = text.replace("仨", "三").replace("俩", "两")
    if "几" in text:
        return None
    if text == "半":
        return 0.5
    if len(text) == 2 and all(ch in DIG[3:] + "两" for ch in text):
        return None  # 两三天, 七八个月: an approximate range
    value = parse_int(text) if not re.fullmatch(r"\d+\.\d+", text) else None
    if value is None and re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return None if value is None else float(value)


def one_day(
    d: date,
    level: int = LD,
    *,
    night: bool = False,
    vague: bool = False,
    whole_only: bool = False,
    deadline: bool = False,
) -> Frame:
    """A one-day frame."""
    return Frame(d, d, level, night=night, vague=vague, whole_only=whole_only, deadline=deadline)


# ----------------------------------------------------------------------------------- years, quarters
def year_abs(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """2026年, 二〇二六年, 98年: an explicit year (2 digits: the century that keeps it near today)."""
    text = m["y"]
    value = num(text)
    if value is None:
        return None
    year = expand_year(value, len(text), env.today)
    if not 1900 <= year <= 2100:
        return None
    return Frame(date(year, 1, 1), date(year, 12, 31), LY, weak=len(text) == 2)


YEAR_REL = {
    "大前年": -3, "前年": -2, "去年": -1, "上一年": -1, "上年": -1, "今年": 0, "本年度": 0, "本年": 0,
    "这一年": 0, "这年": 0, "当年": 0, "同年": 0, "明年": 1, "来年": 1, "下一年": 1, "次年": 1,
    "翌年": 1, "后年": 2, "大后年": 3,
}  # fmt: skip


def year_rel(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """今年, 去年, 明年, 前年, 次年...: a year relative to today (当年/同年: to the range start)."""
    word = m["yr"]
    base = env.base.year if word in ("当年", "同年") else env.today.year
    year = base + YEAR_REL[word]
    return Frame(date(year, 1, 1), date(year, 12, 31), LY)


def _parent_year(f: Frame | None, env: Env, month: int | None = None) -> int:
    """The year a month or quarter belongs to: the frame's, the range start's, or by the rolling rule."""
    if f is not None:
        return f.first.year
    if env.ctx is not None:
        return env.ctx.year
    return env.today.year if month is None else year_for_month(month, env.today)


def quarter(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """一季度, 第三季度, Q3, 上个季度, 本季度: a calendar quarter."""
    if m["qr"]:
        word = m["qr"]
        offset = _rel_offset(word)
        index = env.today.year * 4 + (env.today.month - 1) // 3 + offset
        year, q0 = divmod(index, 4)
        return Frame(*quarter_span(year, q0 + 1), LQ)
    q = 1 if m["q"] == "首" else num(m["q"] or m["qq"])
    if q is None or not 1 <= q <= 4:
        return None
    return Frame(*quarter_span(_parent_year(f, env, 3 * q - 1), q), LQ)


def quarter_part(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """季度初/末: the first or last month of the quarter."""
    assert f is not None
    if m["qp"] == "初":
        return Frame(*month_span(f.first.year, f.first.month), LM)
    return Frame(*month_span(f.last.year, f.last.month), LM)


def half(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """上半年, 下半年."""
    year = _parent_year(f, env)
    if m["h"] == "上":
        return Frame(date(year, 1, 1), date(year, 6, 30), LQ)
    return Frame(date(year, 7, 1), date(year, 12, 31), LQ)


def year_part(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """年初 (Jan-Feb), 年底/年末 (Nov-Dec), 年中, 伊始: part of a year."""
    year = _parent_year(f, env)
    part = m["p"] or g(m, "p2")
    if part == "初":  # JioNLP's 年初: January and February
        return Frame(date(year, 1, 1), month_end(year, 2), LM)
    if part == "伊始":
        return Frame(*month_span(year, 1), LM)
    if part == "中":
        return Frame(date(year, 6, 1), date(year, 7, 31), LM)
    # 年底/年末: FORMAT.md calls it a span without saying which; JioNLP's November-December is used
    return Frame(date(year, 11, 1), date(year, 12, 31), LM)


# ------------------------------------------------------------------------------------------ months
def month_abs(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """3月, 十二月, 2——4月: a month, in the frame's year or by the month-day year rule."""
    month = num(m["m"])
    if month is None or not 1 <= month <= 12:
        return None
    year = _parent_year(f, env, month)
    last_month = month
    if m["m2"]:
        last_month = num(m["m2"]) or 0
        if not month <= last_month <= 12:
            return None
    return Frame(date(year, month, 1), month_end(year, last_month), LM)


def month_rel(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """本月, 上个月, 下下个月, 当月: a month relative to today (当月/同月: to the range start)."""
    word = m["mr"]
    if word in ("当月", "同月"):
        base, offset = env.base, 0
    else:
        base = env.today
        offset = _rel_offset(word)
    moved = add_months(base.replace(day=1), offset)
    return Frame(*month_span(moved.year, moved.month), LM)


def month_ord(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """第8个月, 首月: a month counted within a year."""
    year = _parent_year(f, env)
    month = 1 if m["n"] is None else num(m["n"])
    if month is None or not 1 <= month <= 12:
        return None
    return Frame(*month_span(year, month), LM)


def month_part(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """月初 (1-5), 上旬, 中旬, 下旬, 月底 (the last day): part of a month."""
    if f is None:
        base = env.base
        year, month = base.year, base.month
    else:
        year, month = f.first.year, f.first.month
    part = m["p"].lstrip("月")
    end = month_end(year, month)
    if part in ("底", "末", "尾"):  # FORMAT.md: 月底 is the last day of the month
        return one_day(end)
    first, last = {
        "初": (1, 5),  # JioNLP's 月初: the first five days
        "上旬": (1, 10),
        "中旬": (11, 20),
        "中": (11, 20),
        "下旬": (21, end.day),
        "上中旬": (1, 20),
        "中下旬": (11, end.day),
        "上半月": (1, 15),
        "下半月": (16, end.day),
    }[part.replace("个", "")]
    return Frame(date(year, month, first), date(year, month, last), LD)


def first_n(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """前两天, 最后五天, 前三季度, 前五个月: the first or last units of the frame."""
    n = num(m["n"])
    unit = m["u"]
    if n is None or n < 1:
        return None
    if f is None or f.level == LY:
        year = _parent_year(f, env)
        if unit in ("天", "日") or unit in ("周", "星期", "礼拜"):
            return None
        months = 3 * n if unit == "季度" else n
        if months > 12:
            return None
        if m["fl"] == "最后":
            return Frame(date(year, 13 - months, 1), date(year, 12, 31), LQ)
        return Frame(date(year, 1, 1), month_end(year, months), LQ)
    if unit not in ("天", "日"):
        return None
    if m["fl"] == "最后":
        return Frame(f.last - timedelta(days=n - 1), f.last, LD)
    return Frame(f.first, f.first + timedelta(days=n - 1), LD)


# ------------------------------------------------------------------------------------ weeks, days
def week_of(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """第二周, 第52周: weeks counted from the first Monday of the month or year."""
    assert f is not None
    n = 1 if m["n"] is None else num(m["n"])
    if n is None or not 1 <= n <= 53:
        return None
    start = first_monday(f.first.year, f.first.month) + timedelta(weeks=n - 1)
    return Frame(start, start + timedelta(days=6), LW)


def nth_weekday(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """第一个周二, 最后一个周五 of a month."""
    assert f is not None
    wd = _weekday(m["wd"])
    if m["n"] is None:  # 最后一个周五
        last = f.last - timedelta(days=(f.last.weekday() - wd) % 7)
        return one_day(last)
    n = num(m["n"])
    if n is None or not 1 <= n <= 5:
        return None
    found = next_weekday(f.first, wd, inclusive=True) + timedelta(weeks=n - 1)
    return one_day(found) if found.month == f.first.month else None


def day_ord(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """第三天, 2025年第一天, 第七年: a day or year counted from the frame or today."""
    n = num(m["n"])
    if n is None or n < 1:
        return None
    if m["u"] == "年":
        if f is not None:
            return None
        year = env.today.year + n - 1
        return Frame(date(year, 1, 1), date(year, 12, 31), LY, whole_only=True)
    start = f.first if f is not None else env.base
    return one_day(start + timedelta(days=n - 1), whole_only=f is None and env.ctx is None)


def day_abs(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """12号, 三日, 5-8号: a day of the frame's month, or of this month when alone."""
    day = num(m["d"])
    if day is None:
        return None
    d2 = g(m, "d2")
    last_day = num(d2) if d2 else day
    if last_day is None or last_day < day:
        return None
    anchor = f.first if f is not None else env.ctx
    if anchor is not None:
        first, last = (
            safe_date(anchor.year, anchor.month, day),
            safe_date(anchor.year, anchor.month, last_day),
        )
    else:
        # A bare day of month: this month, unless that is over 20 days gone ("3号" said on the 30th)
        today = env.today
        first = safe_date(today.year, today.month, day)
        if first is None or first < today - timedelta(days=20):
            nxt = add_months(today.replace(day=1), 1)
            first = safe_date(nxt.year, nxt.month, day)
        last = None if first is None else safe_date(first.year, first.month, last_day)
    if first is None or last is None:
        return None
    return Frame(first, last, LD, bare_day=anchor is None)


DAY_REL = {
    "大大前天": -4, "大前天": -3, "前天": -2, "前儿": -2, "昨天": -1, "昨日": -1, "昨儿个": -1, "昨儿": -1,
    "昨晚": -1, "昨夜": -1, "今天": 0, "今日": 0, "今儿个": 0, "今儿": 0, "今晚": 0, "今早": 0,
    "今晨": 0, "今夜": 0, "本日": 0, "明天": 1, "明日": 1, "明儿个": 1, "明儿": 1, "明晚": 1,
    "明早": 1, "明晨": 1, "后天": 2, "后儿": 2, "大后天": 3, "大大后天": 4,
}  # fmt: skip
DAY_CTX = {
    "当天": 0, "当日": 0, "当晚": 0, "当夜": 0, "次日": 1, "翌日": 1, "第二天": 1, "隔天": 1, "隔日": 1,
}  # fmt: skip
DAY_SPAN = {"今明两天": (0, 1), "今明天": (0, 1), "明后两天": (1, 2), "明后天": (1, 2)}
WHOLE_ONLY_NOW = ("现在", "此刻", "此时")
_NIGHT_WORDS = ("晚", "夜")


def day_rel(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """今天, 明天, 大后天, 昨晚, 次日, 今明两天: a day relative to today (次日: to the range start)."""
    word = m["dr"]
    night = word.endswith(_NIGHT_WORDS)
    if word in DAY_SPAN:
        a, b = DAY_SPAN[word]
        return Frame(env.today + timedelta(days=a), env.today + timedelta(days=b), LD)
    if word in WHOLE_ONLY_NOW:
        return one_day(env.today, whole_only=True)
    if word in DAY_CTX:
        return one_day(env.base + timedelta(days=DAY_CTX[word]), night=night)
    return one_day(env.today + timedelta(days=DAY_REL[word]), night=night)


def week_rel(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """本周, 下周, 上个礼拜, 下下个星期: a Monday-to-Sunday week relative to today."""
    word = m["wk"]
    offset = _rel_offset(word)
    return Frame(*week_span(env.today, offset), LW)


def weekday_in_week(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """三 in 下周三: a weekday of the week in the frame."""
    assert f is not None
    return one_day(f.first + timedelta(days=_weekday(m["wd"])))


def weekday_bare(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """周三, 星期天: the next such day strictly after today (repeats a full date it follows)."""
    wd = _weekday(m["wd"])
    if f is not None:  # 6月1日周六: a weekday after a full date only repeats it
        return f
    if env.ctx is not None:  # the end of a range: the first such day from its start on
        return one_day(next_weekday(env.ctx, wd, inclusive=True))
    return one_day(next_weekday(env.today, wd))  # FORMAT.md: strictly after the reference date


def weekend(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """周末: Saturday and Sunday of the frame's week or of this week."""
    start = f.first if f is not None else week_span(env.today)[0]
    return Frame(start + timedelta(days=5), start + timedelta(days=6), LD)
