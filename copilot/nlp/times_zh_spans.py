"""Chinese components that are not calendar fields: durations, windows, times of day, holidays."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from copilot.nlp.times_core import (
    LD,
    LM,
    LT,
    Env,
    Frame,
    add_business_days,
    numeric_date,
    shift,
)
from copilot.nlp.times_holidays import holiday_span
from copilot.nlp.times_zh_rules import count_value, num, one_day

# ---------------------------------------------------------------------------- durations, windows
_UNITS = {
    "天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week", "月": "month", "年": "year",
    "小时": "hour", "钟头": "hour", "分钟": "minute", "秒钟": "second", "秒": "second", "刻钟": "quarter",
    "工作日": "bday", "季度": "quarter_year",
}  # fmt: skip
# Words that make "四周以内" a lead time or a payment term, not a date to act on.
_LEAD_BEFORE = re.compile(
    r"(?:交期|货期|交货期|交付期|周期|工期|账期|期限|时长|时效|有效期|质保|保修|保质期|排产|备货|交付|交货|发货|"
    r"到货|供货|出货|响应|付款|回款|结算|节拍|控制在)"
    r"(?:是|在|为|大概|大约|约|一般|基本上?|要求|要|需要|控制在|能|可以|都|也|得|差不多|最快|最多|不超过|就|会|\s)*$"
)
_LEAD_AFTER = re.compile(
    r"\s*(?:就能|就可以|可以|能)?\s*(?:交货|交付|发货|到货|供货|出货|付款|回款|结清|完工|生产)"
)


def _amount(m: re.Match[str]) -> tuple[float, str] | None:
    """The signed-less count and unit of a duration match; None when the count is vague."""
    value = count_value(m["n"])
    if value is None:
        return None
    if m.groupdict().get("half") or m.groupdict().get("half2"):
        value += 0.5
    unit = _UNITS[m["u"]]
    if unit == "quarter":
        return value * 15, "minute"
    return value, unit


def _offset(env: Env, value: float, unit: str) -> date:
    """The reference moved by a signed amount of a unit (business days skip weekends)."""
    if unit == "bday":
        return add_business_days(env.today, round(value))
    if unit == "quarter_year":
        return shift(env.now, 3 * value, "month")
    return shift(env.now, value, unit)


def duration(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """3天后, 两周内, 三个多月以来, 再过一周: a duration counted from now."""
    direction = m["dir"] or ("后" if m["zai"] else None)
    if direction is None or (m["u"] == "月" and not m["ge"] and m["n"] != "半"):
        return None
    if m["u"] == "日" and direction.endswith("前"):
        return None  # 5日前 is "before the 5th" in business writing; N天前 is "N days ago"
    amount = _amount(m)
    if amount is None:
        return one_day(env.today, vague=True)
    value, unit = amount
    if unit == "year" and value >= 100:
        return None  # 2026年后 is a year, not 2026 years
    text, start, end = m.string, m.start(), m.end()
    before = text[max(0, start - 3) : start].rstrip("的")
    if before.endswith(("后", "起")) and not before.endswith(("然后", "最后", "今后")):
        return None  # 到货后30天内: counted from an event, not from now
    if direction in ("内", "之内", "以内"):
        if unit in ("minute", "second") or _LEAD_BEFORE.search(text, max(0, start - 14), start):
            return None  # 12秒以内, 交期45天以内: a specification or a lead time, not a date to act on
        if _LEAD_AFTER.match(text, end):
            return None
        return one_day(_offset(env, value, unit), deadline=True)
    if direction in ("前", "之前", "以前"):
        return one_day(_offset(env, -value, unit))
    if direction in ("以来", "来"):
        first = _offset(env, -value, unit)
        if m["duo"] and unit in ("month", "year"):
            first = first.replace(day=1)  # 三个多月以来: from the start of that month
        return Frame(first, env.today, LD)
    return one_day(_offset(env, value, unit))


def window(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """未来7天, 近三个月, 过去的50分钟, 前两周: a window that ends or starts today."""
    word = m["w"].rstrip("的")
    before = m.string[m.start() - 1 : m.start()]
    if word == "前" and before and "\u4e00" <= before <= "\u9fff" and before not in "在的了是于和及与从":
        return None  # 发工资前三天: three days before an event, not the last three days
    amount = _amount(m)
    if amount is None or (word == "前" and m["u"] in ("天", "日") and amount[0] <= 2):
        return one_day(env.today, vague=True)  # 前两天, 前几天: "the other day"
    value, unit = amount
    if word in ("未来", "接下来", "今后"):
        last = _offset(env, value, unit)
        if unit in ("month", "year", "quarter_year"):
            last -= timedelta(days=1)  # the next two months: today through the day before the same date
        return Frame(env.today, last, LD)
    first = _offset(env, -value, unit)
    if word == "前" and unit in ("hour", "minute", "second"):
        return one_day(first)
    return Frame(first, env.today, LD)


# -------------------------------------------------------------------------------- times of day
PERIODS = (
    *("后半夜", "前半夜", "凌晨", "清晨", "早晨", "早上", "早间", "一早", "大早上", "大早", "上午", "中午"),
    *("正午", "午间", "晌午", "下午", "午后", "傍晚", "黄昏", "晚上", "晚间", "夜里", "夜间", "夜晚"),
    *("深夜", "半夜", "午夜", "黎明", "白天", "全天", "整天"),
)


def period(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """上午, 晚上, 下班: a part of the day; it keeps the frame's day."""
    word = m["tp"]
    night = word in ("晚上", "晚间", "夜里", "夜间", "夜晚", "深夜", "半夜", "晚", "夜")
    if f is not None:
        return replace(f, level=LT, night=f.night or night)
    return one_day(env.base, LT, night=night)


_CLOCK_FOLLOW = re.compile(
    r"$|[\s，。,.!！?？;；、)）~～\-—至到的过前后左之以起开再见去来在给打碰通准出发回走吧啦了呢吗就才]"
)


def clock(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """三点, 十一点半, 8时35分, 七八点: a clock time; it keeps the frame's day."""
    text = m["h"]
    hour = num(text)
    if hour is not None and hour > 24 and len(text) == 2 and not text.isdigit():
        hour = num(text[0])  # 七八点: about seven
    if hour is None or hour > 24:
        return None
    tail = m["tail"] or ""
    if f is None and env.ctx is None:
        # Alone, "三点"/"一点" is as often "three points"/"a bit": demand a clock-like shape
        if m["u"] in "时時" and not re.search(r"分|刻|许|整|半", tail):
            return None
        if re.search(r"[\d零〇一二三四五六七八九十]", tail) and not re.search(r"[分刻]", tail):
            return None  # 三点五 is 3.5
        if not tail and (text in ("一", "两", "二") or not _CLOCK_FOLLOW.match(m.string, m.end())):
            return None
    day = f.first if f is not None else env.base
    night = f is not None and f.night
    if hour == 24 or (hour == 12 and night):
        day += timedelta(days=1)
    return one_day(day, LT, night=night)


def hhmm(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """15:37, 10：13: a clock time; it keeps the frame's day."""
    day = f.first if f is not None else env.base
    if int(m["hh"]) == 24:
        day += timedelta(days=1)
    return one_day(day, LT)


# ------------------------------------------------------------------------------------- holidays
HOLIDAYS = {
    "元旦": "new_year", "国庆节": "national", "国庆": "national", "劳动节": "labour",
    "五一劳动节": "labour", "五一": "labour", "春节": "spring", "过年": "spring", "元宵节": "spring:15",
    "元宵": "spring:15", "除夕": "eve", "大年三十": "eve", "年三十": "eve", "大年夜": "eve",
    "中秋节": "mid_autumn", "中秋": "mid_autumn", "八月十五": "mid_autumn", "8月十五": "mid_autumn",
    "端午节": "dragon_boat", "端午": "dragon_boat", "五月初五": "dragon_boat", "清明节": "qingming",
    "清明": "qingming", "圣诞节": "christmas", "圣诞": "christmas", "平安夜": "christmas_eve",
    "情人节": "valentine", "妇女节": "women", "儿童节": "children", "六一": "children",
    "教师节": "teachers", "双十一": "singles", "双11": "singles", "双十二": "double12", "双12": "double12",
    "暑假": "summer", "十一": "national",
}  # fmt: skip


def holiday(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """国庆, 春节, 中秋, 大年初十, 元宵: the holiday (期间/假期: its whole break)."""
    if m["lunar_day"]:
        n = num(m["lunar_day"])
        if n is None or not 1 <= n <= 30:
            return None
        kind = f"spring:{n}"
    else:
        kind = HOLIDAYS[m["hol"]]
    span = holiday_span(kind, env.today, None if f is None else f.first.year)
    if span is None:
        return None
    if kind == "summer":
        return Frame(span[0], span[1], LM)
    if m["brk"]:  # 国庆期间, 春节假期
        return Frame(span[0], span[1], LD)
    return Frame(span[0], span[0], LD, holiday_end=span[1])


def before_new_year(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """年前: a deadline on the coming Spring Festival eve."""
    span = holiday_span("eve", env.today, None)
    return None if span is None else one_day(span[0], deadline=True)


def vague(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """过几天, 改天, 回头: no computable date."""
    return one_day(env.today, vague=True)


def numeric(m: re.Match[str], f: Frame | None, env: Env) -> Frame | None:
    """2026-03-05, 2019.9.6, 20240307, 11/3号: a numeric date."""
    found = numeric_date(m, env.today)
    if found is None:
        return None
    return one_day(found[0], LT if found[1] else LD)
