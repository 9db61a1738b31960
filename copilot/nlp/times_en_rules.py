"""English date phrases: patterns and the handlers that resolve them to a frame."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from copilot.nlp.times_core import (
    LD,
    LM,
    LQ,
    LT,
    LW,
    LY,
    Env,
    Frame,
    add_business_days,
    add_months,
    expand_year,
    month_end,
    month_span,
    next_weekday,
    numeric_date,
    quarter_span,
    safe_date,
    shift,
    week_span,
    year_for_month,
)
from copilot.nlp.times_en_words import (
    DATE_PREPS,
    MONTHS,
    WEEKDAYS,
    count,
    ordinal,
    prev_word,
    unit_of,
)
from copilot.nlp.times_holidays import holiday_span

EnHandler = Callable[[re.Match[str], Env], Frame | None]


def _move(env: Env, value: float, unit: str) -> date:
    """The reference moved by a signed amount of a unit."""
    if unit == "bday":
        return add_business_days(env.today, round(value))
    if unit == "fortnight":
        return shift(env.now, 14 * value, "day")
    return shift(env.now, value, unit)


def _day(d: date, level: int = LD, *, vague: bool = False, deadline: bool = False) -> Frame:
    """A one-day frame."""
    return Frame(d, d, level, vague=vague, deadline=deadline)


def _week_offset(word: str | None) -> int:
    """this 0, next/following/coming +1, last/previous/past -1."""
    word = (word or "this").lower().split()[-1]
    return {"next": 1, "following": 1, "coming": 1, "last": -1, "previous": -1, "past": -1}.get(word, 0)


# -------------------------------------------------------------------------------------- handlers
def relday(m: re.Match[str], env: Env) -> Frame | None:
    """today, tonight, tomorrow, yesterday, the day after tomorrow."""
    w = re.sub(r"\s+", " ", m["w"].lower()).removeprefix("the ")
    offset = {"day after tomorrow": 2, "day before yesterday": -2, "tomorrow": 1, "tmrw": 1, "tmr": 1,
              "yesterday": -1, "last night": -1}.get(w, 0)  # fmt: skip
    return _day(env.today + timedelta(days=offset))


# chat shorthand for a slot: "Tue ok", "Thu not ok", "can he visit Tue?", "pls try Mon"
_SLOT_AFTER = re.compile(
    r"[ \t]*(?:(?:ok|okay|not|works?|fine|better|busy|pls|please|is|then|good|confirmed)\b"
    r"|[?!.\U0001F44D]|$)",
    re.IGNORECASE,
)
_SLOT_BEFORE = frozenset({"ok", "okay", "try", "visit", "say", "until", "till", "or", "and", "maybe"})


def _chat_slot(m: re.Match[str], token: str) -> bool:
    """A capitalised weekday abbreviation used as a slot in a terse message (not "Sat"/"Sun",
    which double as words and surnames)."""
    if token.lower() in ("sat", "sun"):
        return False
    after = m.string[m.end() : m.end() + 14]
    return bool(_SLOT_AFTER.match(after)) or prev_word(m.string, m.start()) in _SLOT_BEFORE


def weekday(m: re.Match[str], env: Env) -> Frame | None:
    """Monday, this Friday, next Tuesday, last Friday, Thursday next week."""
    token = m["wd"].rstrip(".")
    wd = WEEKDAYS[token.lower()]
    mod = (m["mod"] or "").lower()
    alone = env.whole and m.start() == 0 and not m.string[m.end() :].strip()
    if len(token) < 6 and not mod and not alone:
        # Abbreviations stand for days only in a date-like place: "on Fri", "Fri 3/20", not "sat", "Mon-Fri"
        after = m.string[m.end() : m.end() + 12]
        if (
            not token[0].isupper()
            or m.string[m.start() - 1 : m.start()] in ("-", "–", "/")
            or (
                prev_word(m.string, m.start()) not in DATE_PREPS
                and not re.match(r"[\s,]*(?:\d|the\b|at\b|morning|afternoon|evening|night|next|this)", after)
                and not _chat_slot(m, token)
            )
        ):
            return None
    if m["wk"]:
        start = week_span(env.today, _week_offset(m["wk"]))[0]
        return _day(start + timedelta(days=wd))
    if m["after"]:
        return _day(week_span(env.today, 2)[0] + timedelta(days=wd))
    if mod.endswith("following"):
        mod = ""  # the following Monday: the next one
    if mod in ("this",):
        return _day(week_span(env.today)[0] + timedelta(days=wd))
    if mod.endswith(("next", "last", "past", "previous")):  # FORMAT.md: next X is X of next week
        return _day(week_span(env.today, _week_offset(mod))[0] + timedelta(days=wd))
    if env.ctx is not None and not mod:
        return _day(next_weekday(env.ctx, wd, inclusive=True))
    return _day(next_weekday(env.today, wd))


def period(m: re.Match[str], env: Env) -> Frame | None:
    """this/next/last week, month, year, quarter, weekend; the week after next."""
    if m["p4"] and (
        prev_word(m.string, m.start()) not in ("within", "by", "during", "over", "until", "till", "before")
        or re.match(r"\s+after\b", m.string[m.end() :])
    ):
        return None  # "the week" alone is rarely this week ("a demo the week after")
    kind = (m["p"] or m["p2"] or m["p3"] or m["p4"]).lower()
    mod = (m["mod"] or "").lower()
    offset = 2 if m["p2"] else _week_offset(mod) if mod else 0
    if mod.endswith("past") and kind != "weekend":  # the past week/month: the last 7 days, month...
        return Frame(_move(env, -1, kind), env.today, LD)
    today = env.today
    if kind in ("week", "weekend"):
        start, end = week_span(today, offset)
        return Frame(start + timedelta(days=5), end, LD) if kind == "weekend" else Frame(start, end, LW)
    if kind == "month":
        moved = add_months(today.replace(day=1), offset)
        return Frame(*month_span(moved.year, moved.month), LM)
    if kind == "quarter":
        year, q0 = divmod(today.year * 4 + (today.month - 1) // 3 + offset, 4)
        return Frame(*quarter_span(year, q0 + 1), LQ)
    year = today.year + offset
    return Frame(date(year, 1, 1), date(year, 12, 31), LY)


_LEAD_TIME = re.compile(r"lead\s*-?\s*time|turnaround|ships?\b|shipping|delivery\s+(?:time|takes)", re.I)


# ... unless the lead time is what someone will send ("I'll send you the quote and lead time within a week")
_SENT_LEAD_TIME = re.compile(
    r"\b(?:send|give|confirm|provide|share|email|get back to you with)\b[^.;]{0,40}\blead\s*-?\s*times?\s*$",
    re.I,
)


def offset(m: re.Match[str], env: Env) -> Frame | None:
    """in 3 days, two weeks from now, a week ago, within 3 days, the next 2 weeks."""
    value = count(m["n"])
    if value is None:
        return _day(env.today, vague=True)  # in a few days, in a couple of weeks
    unit = unit_of(m["u"])
    text = m.string
    if _LEAD_TIME.search(text, max(0, m.start() - 30), m.start()) and not _SENT_LEAD_TIME.search(
        text, max(0, m.start() - 60), m.start()
    ):
        return None  # a lead time is a duration, not a date
    direction = (m.groupdict().get("dir") or "").lower()
    if direction in ("ago", "back"):
        return _day(_move(env, -value, unit))
    if m.groupdict().get("within"):
        if re.match(r"\s+(?:of|after|from|following)\s+(?!now\b|today\b)", text[m.end() :], re.I):
            return None  # within 30 days of delivery: counted from an event
        return _day(_move(env, value, unit), deadline=True)
    return _day(_move(env, value, unit))


def window_past(m: re.Match[str], env: Env) -> Frame | None:
    """the last 7 days, the past two weeks."""
    value = count(m["n"])
    if value is None:
        return _day(env.today, vague=True)
    return Frame(_move(env, -value, unit_of(m["u"])), env.today, LD)


def _target(kind: str, mod: str | None, year_text: str | None, env: Env) -> tuple[date, date, str] | None:
    """The span a part-of phrase applies to: day, week, month, year, quarter or a named month."""
    kind_l = kind.lower().rstrip(".")
    offset = _week_offset(mod) if mod else 0
    today = env.today
    if kind_l == "day":
        return today, today, "day"
    if kind_l == "week":
        return (*week_span(today, offset), "week")
    if kind_l == "month":
        moved = add_months(today.replace(day=1), offset)
        return (*month_span(moved.year, moved.month), "month")
    if kind_l == "quarter":
        year, q0 = divmod(today.year * 4 + (today.month - 1) // 3 + offset, 4)
        return (*quarter_span(year, q0 + 1), "quarter")
    if kind_l == "year":
        return date(today.year + offset, 1, 1), date(today.year + offset, 12, 31), "year"
    if re.fullmatch(r"q[1-4]", kind_l):
        return (*quarter_span(today.year, int(kind_l[1])), "quarter")
    month = MONTHS.get(kind_l)
    if month is None:
        return None
    year = int(year_text) if year_text else year_for_month(month, today)
    return (*month_span(year, month), "month")


def _part(part: str, first: date, last: date, kind: str) -> Frame:
    """end/beginning/middle/early/late of a span, by the conventions of 月底, 月初, 上中下旬."""
    part = re.sub(r"\s+", " ", part.lower())
    if part in ("end", "close"):
        return _day(last)  # like 月底: the last day
    if part in ("first week", "last week"):  # of a month: its first or last seven days
        if part == "first week":
            return Frame(first, first + timedelta(days=6), LD)
        return Frame(last - timedelta(days=6), last, LD)
    if kind == "day":
        return _day(first)
    if kind == "week":
        if part in ("beginning", "start", "early"):
            return Frame(first, first + timedelta(days=2), LD)
        if part in ("middle", "mid"):
            return _day(first + timedelta(days=2))
        return Frame(first + timedelta(days=4), last, LD)  # late next week: Friday to Sunday
    if kind == "year":
        months = {"beginning": (1, 2), "start": (1, 2), "early": (1, 4), "middle": (6, 7), "mid": (6, 7),
                  "late": (9, 12), "first half": (1, 6), "second half": (7, 12)}[part]  # fmt: skip
        return Frame(date(first.year, months[0], 1), month_end(first.year, months[1]), LM)
    if kind == "quarter":
        return Frame(first, month_end(first.year, first.month), LM)
    days = {"beginning": (1, 5), "start": (1, 5), "early": (1, 10), "middle": (11, 20), "mid": (11, 20),
            "late": (21, last.day), "first half": (1, 15), "second half": (16, last.day)}[part]  # fmt: skip
    return Frame(first.replace(day=days[0]), first.replace(day=days[1]), LD)


def part_of(m: re.Match[str], env: Env) -> Frame | None:
    """(the) end/beginning/middle of (the|next) week/month/year, of March; early/mid/late next month."""
    target = _target(m["p"], m["mod"], m.groupdict().get("y"), env)
    return None if target is None else _part(m["part"], *target)


def eod(m: re.Match[str], env: Env) -> Frame | None:
    """EOD, COB, EOW, EOM, EOQ, EOY."""
    word = m["e"].lower()
    if word.isalpha() and word.upper() != m["e"]:
        return None
    today = env.today
    if word == "eow":
        return _day(week_span(today)[0] + timedelta(days=4))  # business end of week: Friday
    if word == "eom":
        return _day(month_end(today.year, today.month))
    if word == "eoq":
        return _day(quarter_span(today.year, (today.month - 1) // 3 + 1)[1])
    if word == "eoy":
        return _day(date(today.year, 12, 31))
    return _day(today)


def _year_of(m: re.Match[str], month: int, env: Env) -> int:
    """The stated year, the range start's, or the month-day year rule."""
    text = m.groupdict().get("y")
    if text:
        return int(text)
    if env.ctx is not None:
        return env.ctx.year
    return year_for_month(month, env.today)


def month_day(m: re.Match[str], env: Env) -> Frame | None:
    """March 3rd, Mar 3, 3 March, the 3rd of March 2026, March 3-5."""
    name = m["mon"].rstrip(".")
    if name == "may" and not re.search(r"st|nd|rd|th", m.group(0)):
        return None  # "may 5 people" stays a verb
    month = MONTHS[name.lower()]
    day = ordinal(m["d"])
    if day is None:
        return None
    year = _year_of(m, month, env)
    first = safe_date(year, month, day)
    last_day = ordinal(m["d2"]) if m.groupdict().get("d2") else day
    last = None if last_day is None else safe_date(year, month, last_day)
    if first is None or last is None or last < first:
        return None
    return Frame(first, last, LD)


def month_year(m: re.Match[str], env: Env) -> Frame | None:
    """March 2026."""
    month = MONTHS[m["mon"].rstrip(".").lower()]
    return Frame(*month_span(int(m["y"]), month), LM)


_SAFE_BARE_MONTHS = {"January", "February", "July", "September", "October", "November", "December"}


def month_bare(m: re.Match[str], env: Env) -> Frame | None:
    """in May, by September, next March: a month name read as that month."""
    token = m["mon"].rstrip(".")
    mod = (m.groupdict().get("mod") or "").lower()
    alone = env.whole and m.start() == 0
    if not (mod or alone or token in _SAFE_BARE_MONTHS or prev_word(m.string, m.start()) in DATE_PREPS):
        return None
    month = MONTHS[token.lower()]
    if mod == "next":
        year = env.today.year + (1 if month <= env.today.month else 0)
    elif mod == "last":
        year = env.today.year - (1 if month >= env.today.month else 0)
    elif mod == "this":
        year = env.today.year
    else:
        year = _year_of(m, month, env)
    return Frame(*month_span(year, month), LM)


_CLAUSE_END_AFTER = re.compile(r"\s*(?:[.,;:!?)]|$|(?:at|then|works?|would|is|if|or)\b)", re.I)


def ordinal_day(m: re.Match[str], env: Env) -> Frame | None:
    """on the 5th, by the 15th, the 5th of next month."""
    day = ordinal(m["d"])
    mod = (m.groupdict().get("mod") or "").lower()
    before = prev_word(m.string, m.start())
    alone = env.whole and m.start() == 0  # the whole input is "the 20th"
    # "we'll get back to you the 5th.", "reach out the 2nd, ok?": an ordinal closing its clause is a
    # day of the month, where "the 2nd floor" or "the 3rd option" goes on to name what it counts
    closing = bool(_CLAUSE_END_AFTER.match(m.string, m.end())) and m["d"][0].isdigit()
    if day is None or (
        not mod
        and before not in DATE_PREPS
        and before not in WEEKDAYS
        and not env.ctx
        and not alone
        and not closing
    ):
        return None
    if not mod and m["d"].isalpha() and before not in WEEKDAYS and (day < 4 or before not in DATE_PREPS):
        # "on the first", "the second" are too often not a date; "on the twelfth", "by the
        # eighteenth" (voice-to-text spells the day out) and "Thursday the eleventh" are
        return None
    base = env.ctx or env.today
    if mod == "next":
        base = add_months(env.today.replace(day=1), 1)
    elif mod == "last":
        base = add_months(env.today.replace(day=1), -1)
    found = safe_date(base.year, base.month, day)
    if found is not None and not mod and env.ctx is None and found < env.today - timedelta(days=20):
        nxt = add_months(env.today.replace(day=1), 1)  # "the 3rd" said on the 30th: next month's
        found = safe_date(nxt.year, nxt.month, day)
    if found is None:
        return None
    return Frame(found, found, LD, bare_day=not mod and env.ctx is None)


def quarter(m: re.Match[str], env: Env) -> Frame | None:
    """Q3, Q3 2026, 2026 Q3, the third quarter (of next year)."""
    g = m.groupdict()
    if g.get("ord"):
        q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "last": 4}[g["ord"].lower()]  # fmt: skip
    else:
        q = int(g.get("q") or g.get("q2") or 0)
    year = env.today.year
    if g.get("y") or g.get("y2") or g.get("y3"):
        year = int(g.get("y") or g.get("y2") or g.get("y3") or 0)
    elif g.get("yy"):
        year = expand_year(int(g["yy"]), 2, env.today)
    elif g.get("ymod"):
        year += _week_offset(g["ymod"])
    return Frame(*quarter_span(year, q), LQ)


_HOLIDAY_KINDS = (
    ("christmas eve", "christmas_eve"), ("christmas", "christmas"), ("xmas", "christmas"),
    ("chinese", "spring"), ("lunar", "spring"), ("spring", "spring"), ("new year", "new_year"),
    ("valentine", "valentine"),
    ("halloween", "halloween"), ("independence", "independence"), ("national", "national"),
    ("golden", "national"), ("mid", "mid_autumn"), ("dragon", "dragon_boat"),
)  # fmt: skip


def holiday(m: re.Match[str], env: Env) -> Frame | None:
    """Christmas, New Year's Day, Thanksgiving, Chinese New Year, National Day, Golden Week."""
    word = re.sub(r"[\s']+", " ", m["h"].lower())
    today = env.today
    if word.startswith("thanksgiving"):
        year = year_for_month(11, today)
        return _day(next_weekday(date(year, 11, 1), 3, inclusive=True) + timedelta(weeks=3))
    if word in ("new years eve", "new year s eve"):
        return _day(date(year_for_month(12, today), 12, 31))
    kind = next((k for key, k in _HOLIDAY_KINDS if word.startswith(key)), None)
    span = None if kind is None else holiday_span(kind, today, None)
    if span is None:
        return None
    if word.startswith("golden"):
        return Frame(span[0], span[1], LD)
    return Frame(span[0], span[0], LD, holiday_end=span[1])


def year_prep(m: re.Match[str], env: Env) -> Frame | None:
    """in 2027, by 2026: a year after a preposition."""
    if prev_word(m.string, m.start()) not in DATE_PREPS:
        return None
    year = int(m["y"])
    return Frame(date(year, 1, 1), date(year, 12, 31), LY)


def clock(m: re.Match[str], env: Env) -> Frame | None:
    """10am, 3:30 pm, noon, 9 o'clock: the reference day (or the range start's)."""
    hour = m.groupdict().get("h") or m.groupdict().get("h2") or m.groupdict().get("h3")
    if hour is not None and int(hour) > 24:
        return None
    return _day(env.base, LT)


def numeric(m: re.Match[str], env: Env) -> Frame | None:
    """ISO and other numeric dates."""
    found = numeric_date(m, env.today)
    return None if found is None else _day(found[0])


def slash(m: re.Match[str], env: Env) -> Frame | None:
    """on 3/15, by 12/1: month/day after a date preposition (a bare 3/4 is more often a fraction)."""
    before = prev_word(m.string, m.start())
    if before not in DATE_PREPS and before not in WEEKDAYS and env.ctx is None and not env.whole:
        return None
    month, day = int(m["m"]), int(m["d"])
    if not 1 <= month <= 12:
        return None
    year = env.ctx.year if env.ctx is not None else year_for_month(month, env.today)
    found = safe_date(year, month, day)
    return None if found is None else _day(found)


def vague(m: re.Match[str], env: Env) -> Frame | None:
    """sometime soon, down the road, when I get a chance."""
    return _day(env.today, vague=True)
