"""English time expressions in running text: a phrase, its prepositions, time of day and ranges."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from copilot.nlp import times_en_rules as e
from copilot.nlp import times_en_words as w
from copilot.nlp.times_core import (
    LD,
    LT,
    LW,
    NUMERIC_DATE_RE,
    Env,
    Frame,
    Hit,
    add_months,
    roll_past_deadline,
)
from copilot.nlp.times_en_rules import EnHandler
from copilot.nlp.times_en_words import MON, NUM, ORD, ORD_SFX, UNIT, WD, YEAR

_MOD = (
    r"this\s+coming|the\s+coming|coming|this|next|last|past|the\s+past|previous|the\s+previous|"
    r"the\s+following|following"
)
_PMOD = (
    r"this|next|last|the\s+following|following|the\s+previous|previous|the\s+coming|coming|current|"
    r"the\s+current|the\s+past|past"
)
_PARTS = r"end|close|beginning|start|middle|mid|first\s+half|second\s+half|first\s+week|last\s+week"
_TIME = (
    r"(?:\d{1,2}(?:[:.][0-5]\d)?\s*(?:a\.m\.|p\.m\.|a\.?m|p\.?m)(?![a-z])|\d{1,2}:[0-5]\d(?!\d)"
    r"|noon|midday|midnight|\d{1,2}\s*o'?clock)"
)
_MON_ANY = MON.replace("?P<mon>", "?:")
_OPT_YEAR = rf"(?:,?\s+(?P<y>{YEAR})\b(?![-/.]\d))?"
_RELDAY = (
    r"\b(?P<w>(?:the\s+)?day\s+after\s+tomorrow|(?:the\s+)?day\s+before\s+yesterday|today|tonight|"
    r"tomorrow|tmrw|tmr|yesterday|last\s+night|this\s+(?:morning|afternoon|evening))\b"
)
_WEEKDAY = (
    rf"\b(?:(?:the\s+)?(?P<mod>{_MOD})\s+)?{WD}"
    r"(?:\s+(?:of\s+)?(?P<wk>this|next|last|the\s+following)\s+week\b|\s+(?P<after>after\s+next)\b)?"
)
_PERIOD = (
    rf"\b(?:(?P<mod>{_PMOD})\s+(?P<p>week|weekend|month|year|quarter)"
    r"|the\s+(?P<p2>week|month|year)\s+after\s+next|(?:the|this)\s+(?P<p3>weekend)|the\s+(?P<p4>week|month|year))\b"
)
_OFFSET_IN = rf"\bin\s+(?:about\s+|around\s+|roughly\s+|another\s+|just\s+)?{NUM}\s+{UNIT}(?:'?s?\s+time)?\b"
_OFFSET_REL = rf"\b{NUM}\s+{UNIT}\s+(?P<dir>from\s+(?:now|today)|later|out|ago|back|hence)\b"
_OFFSET_WITHIN = (
    r"\b(?P<within>within|in\s+the\s+next|over\s+the\s+next|during\s+the\s+next|in\s+the\s+coming"
    rf"|over\s+the\s+coming|the\s+next)\s+(?:the\s+next\s+)?{NUM}\s+{UNIT}\b"
)
_WINDOW_PAST = rf"\b(?:the\s+)?(?:last|past|previous)\s+{NUM}\s+{UNIT}\b"
_PART_OF = (
    rf"\b(?:the\s+)?(?P<part>{_PARTS})\s+of\s+(?:the\s+)?"
    r"(?:(?P<mod>this|next|last|the\s+following|following|current)\s+)?"
    rf"(?P<p>day|week|month|year|quarter|Q[1-4]|{_MON_ANY})(?:,?\s+(?P<y>{YEAR}))?\b"
)
_PART_ADJ = (
    r"\b(?P<part>early|mid|late|end)[\s-]+(?:(?P<mod>this|next|last)\s+)?"
    rf"(?P<p>week|month|year|quarter|Q[1-4]|{_MON_ANY})(?:,?\s+(?P<y>{YEAR}))?\b"
)
_EOD = (
    r"\b(?P<e>EOD|EOB|COB|EOW|EOM|EOQ|EOY|end\s+of\s+(?:the\s+)?(?:business\s+)?day"
    r"|close\s+of\s+business|end\s+of\s+business)\b"
)
_MONTH_DAY = rf"\b{MON}\s*(?P<d>{ORD})\b(?:\s*(?:-|–|to|through|thru)\s*(?P<d2>{ORD})\b)?{_OPT_YEAR}"
_DAY_MONTH = rf"\b(?:the\s+)?(?P<d>{ORD})\s+(?:of\s+)?{MON}{_OPT_YEAR}"
_QUARTER = (
    rf"\b(?:Q(?P<q>[1-4])(?:\s+(?:of\s+)?(?P<y>{YEAR})|\s*'(?P<yy>\d\d))?|(?P<y2>{YEAR})\s*-?\s*Q(?P<q2>[1-4])"
    r"|(?:the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last)\s+quarter"
    rf"(?:\s+of\s+(?:(?P<y3>{YEAR})|(?P<ymod>this|next|last)\s+year))?)\b"
)
_HOLIDAY = (
    r"\b(?P<h>christmas\s+eve|christmas(?:\s+day)?|xmas|new\s+year'?s\s+eve|new\s+year'?s(?:\s+day)?|"
    r"new\s+year|thanksgiving|(?:chinese|lunar)\s+new\s+year|spring\s+festival|valentine'?s(?:\s+day)?|"
    r"halloween|independence\s+day|national\s+day|golden\s+week|mid-autumn(?:\s+festival)?|"
    r"dragon\s+boat(?:\s+festival)?)\b"
)
_TZ = r"(?:\s*(?:[ECMP][SD]T|GMT|UTC|CET|CEST|BST|IST|JST|SGT|HKT|CST|Beijing\s+time)\b)?"
_CLOCK = (
    r"\b(?:at\s+|@\s*|around\s+)?(?:(?P<h>\d{1,2})(?:[:.][0-5]\d)?\s*(?:a\.m\.|p\.m\.|a\.?m|p\.?m)(?![a-z])"
    rf"|(?P<h2>\d{{1,2}}):[0-5]\d(?!\d)|noon|midday|midnight|(?P<h3>\d{{1,2}})\s*o'?clock){_TZ}"
)
_VAGUE = (
    r"\b(?:some\s*time\s+soon|soon|in\s+a\s+(?:few|couple\s+of|couple)\s+(?:days|weeks|months)|"
    r"when\s+(?:i|we|you|he|she|they)\s+(?:get|gets|have|has)\s+(?:a\s+chance|the\s+chance|time|a\s+moment)|"
    r"down\s+the\s+(?:road|line)|later\s+on|later\s+(?:this|next)\s+(?:week|month|year)|at\s+some\s+point|"
    r"some\s*day|in\s+the\s+(?:near\s+)?future|in\s+a\s+(?:while|bit)|shortly|asap|as\s+soon\s+as\s+possible|"
    r"one\s+of\s+these\s+days|in\s+due\s+course|eventually|sometime|(?<!no\s)(?<!not\s)later|next\s+time|"
    r"the\s+other\s+day|recently|TBD|to\s+be\s+(?:determined|confirmed)|at\s+a\s+later\s+date|"
    r"in\s+the\s+coming\s+(?:days|weeks|months))\b"
)
_NOT_A_YEAR = r"(?!\s*(?:units|pcs|pieces|dollars|usd|rmb|yuan|%|people|sets))"
_CORES: list[tuple[str, str, EnHandler]] = [
    ("relday", _RELDAY, e.relday),
    ("weekday", _WEEKDAY, e.weekday),
    ("period", _PERIOD, e.period),
    ("offset_in", _OFFSET_IN, e.offset),
    ("offset_rel", _OFFSET_REL, e.offset),
    ("offset_within", _OFFSET_WITHIN, e.offset),
    ("window_past", _WINDOW_PAST, e.window_past),
    ("eod", _EOD, e.eod),  # before part_of: "end of day" is EOD
    ("part_of", _PART_OF, e.part_of),
    ("part_adj", _PART_ADJ, e.part_of),
    ("month_day", _MONTH_DAY, e.month_day),
    ("day_month", _DAY_MONTH, e.month_day),
    ("month_year", rf"\b{MON}\s*,?\s*(?P<y>{YEAR})\b", e.month_year),
    ("month_bare", rf"\b(?:(?P<mod>next|this|last)\s+)?{MON}(?!\s*\d)", e.month_bare),
    (
        "ordinal_day",
        rf"\bthe\s+(?P<d>{ORD_SFX})(?:\s+of\s+(?P<mod>this|next|last|the|that)\s+month)?\b",
        e.ordinal_day,
    ),
    ("quarter", _QUARTER, e.quarter),
    ("holiday", _HOLIDAY, e.holiday),
    ("year_prep", rf"\b(?P<y>{YEAR})\b{_NOT_A_YEAR}", e.year_prep),
    ("clock", _CLOCK, e.clock),
    ("numeric", NUMERIC_DATE_RE.pattern, e.numeric),
    ("slash", r"(?<![\d/.])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/%])", e.slash),
    ("vague", _VAGUE, e.vague),
]
_FLAGS = re.IGNORECASE
_COMPILED = [(name, re.compile(pattern, _FLAGS), handler) for name, pattern, handler in _CORES]
_DATES = ("month_day", "day_month", "ordinal_day", "numeric", "slash")
_PREFIX = re.compile(
    r"\b(?:(?P<dl>by|before|within|no\s+later\s+than|not\s+later\s+than|until|till|til|up\s+to|prior\s+to|"
    r"ahead\s+of|on\s+or\s+before|latest\s+by|due(?:\s+(?:on|by))?)|(?P<frm>from|since|starting(?:\s+(?:on|from))?"
    r"|beginning|as\s+of|effective|between)|(?P<aft>after)|(?P<neu>on|at|in|for|around|about|during|over|"
    r"sometime|some\s+time|as\s+early\s+as))\s+",
    _FLAGS,
)
_PREFIX_END = re.compile(_PREFIX.pattern + "$", _FLAGS)
_STARTS = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]+|[0-9@])")
# The first words of every pattern above: testing a word against this set is far cheaper than trying
# the whole trigger at every word (tests check the set against an unfiltered scan).
_OPENERS = frozenset(
    {w.split()[0].split("-")[0] for w in (*w.WEEKDAYS, *w.MONTHS, *w.NUMBERS, *w.ORDINALS)}
    | {"the", "day", "today", "tonight", "tomorrow", "tmrw", "tmr", "yesterday", "last", "this", "coming"}
    | {"next", "past", "previous", "following", "current", "in", "within", "over", "during", "end", "close"}
    | {"beginning", "start", "middle", "mid", "first", "second", "early", "late", "eod", "eob", "cob", "eow"}
    | {"eom", "eoq", "eoy", "q", "christmas", "xmas", "new", "thanksgiving", "chinese", "lunar", "spring"}
    | {"valentine", "halloween", "independence", "national", "golden", "dragon", "at", "around", "noon"}
    | {
        "midday",
        "midnight",
        "some",
        "sometime",
        "someday",
        "soon",
        "when",
        "down",
        "later",
        "shortly",
        "asap",
    }
    | {"as", "one", "eventually", "recently", "tbd", "to"}
)
_GROUP_NAME = re.compile(r"\(\?P<\w+>")
_TRIGGER = re.compile("|".join(_GROUP_NAME.sub("(?:", p) for _, p, _ in _CORES), _FLAGS)
_TIME_SUFFIX = re.compile(
    rf"\s*,?\s*(?:(?:at|@|around|by)\s*)?{_TIME}{_TZ}|\s+(?:in\s+the\s+)?(?:morning|afternoon|evening|night)\b"
    r"|\s+(?:at|around)\s+\d{1,2}\b(?![:.]?\d|\s*%)"
    r"|\s+(?:eod|cob|end\s+of\s+(?:the\s+)?day)\b",
    _FLAGS,
)
_LATEST = re.compile(r"\s*,?\s*(?:at\s+the\s+latest|latest)\b", _FLAGS)
_APPROX = re.compile(r"\s+or\s+(?:so|thereabouts)\b|\s*-?ish\b", _FLAGS)
_RANGE = re.compile(r"\s*(?:-|–|—|to|through|thru|until|till|and)\s*", _FLAGS)
_WEEK_DAY = re.compile(rf"\s*,?\s+(?:on\s+)?{WD}", _FLAGS)
_OF = re.compile(r"\s+of\s+", _FLAGS)
_DATE_AFTER_WEEKDAY = re.compile(r"\.?\s*,?\s*", _FLAGS)
_WEEKDAY_AFTER = re.compile(r"\s+after\s+", _FLAGS)  # the Monday after the 26th
# "the Monday after" with nothing after it: the day after which is the one said just before
_THE_WEEKDAY = re.compile(rf"(?:on\s+)?the\s+{WD}$", _FLAGS)
_AFTER_NOTHING = re.compile(
    r"\s+after(?:\s+(?:that|then))?(?=\s*(?:[,.;!?)]|$)|\s+(?:and|so|to|or|but|if|when|please|ok|okay|as)\b)",
    _FLAGS,
)
# Thursday 11th, Thursday the 2nd (in another month than the bare "the 2nd" would be)
_BARE_ORDINAL = re.compile(rf"(?:the\s+)?(?P<d>{ORD_SFX})\b(?!\s+(?:of\s+)?{MON})", _FLAGS)
_DAY_AFTER_CLOCK = re.compile(r"\s*,?\s*(?:on\s+)?", _FLAGS)


def _core(text: str, pos: int, env: Env) -> tuple[Frame, int, str] | None:
    """The longest English phrase starting exactly at `pos`, with the name of its pattern."""
    best: tuple[Frame, int, str] | None = None
    for name, rx, handler in _COMPILED:
        m = rx.match(text, pos)
        if m is None or m.end() == pos or (best is not None and m.end() <= best[1]):
            continue
        try:
            found = handler(m, env)
        except (ValueError, OverflowError):  # a date outside the calendar
            continue
        if found is not None:
            best = (found, m.end(), name)
    return best


def _weekday_after(anchor: date, weekday: int) -> date:
    """The first `weekday` strictly after `anchor`."""
    return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)


def _day_of_weekday(today: date, day: int | None, weekday: int) -> date | None:
    """The date nearest `today` that is the `day`-th of its month and falls on `weekday`."""
    if day is None:
        return None
    found: list[date] = []
    for offset in range(-2, 3):
        month = add_months(today.replace(day=1), offset)
        try:
            candidate = month.replace(day=day)
        except ValueError:
            continue
        if candidate.weekday() == weekday:
            found.append(candidate)
    return min(found, key=lambda d: abs((d - today).days), default=None)


def _refine(text: str, frame: Frame, q: int, kind: str, env: Env) -> tuple[Frame, int]:
    """Attach what may follow a phrase: a weekday of a week, a date after a weekday, times of day."""
    if frame.level == LW and (wm := _WEEK_DAY.match(text, q)):  # next week (on) Tuesday
        day = frame.first + timedelta(days=w.WEEKDAYS[wm["wd"].rstrip(".").lower()])
        frame, q = replace(frame, first=day, last=day, level=LD), wm.end()
    if frame.level == LW and (om := _OF.match(text, q)):  # the week of March 9
        nxt = _core(text, om.end(), env)
        if nxt is not None and nxt[2] in _DATES:
            start = nxt[0].first - timedelta(days=nxt[0].first.weekday())
            frame, q = Frame(start, start + timedelta(days=6), LW), nxt[1]
    if kind == "weekday" and (dm := _DATE_AFTER_WEEKDAY.match(text, q)):
        # Tuesday, March 17th: the date is the more precise of the two
        nxt = _core(text, dm.end(), env) if dm.end() > q else None
        if nxt is not None and nxt[2] in _DATES and nxt[0].first.weekday() == frame.first.weekday():
            frame, q = nxt[0], nxt[1]
        elif dm.end() > q and (om := _BARE_ORDINAL.match(text, dm.end())):
            dated = _day_of_weekday(env.today, w.ordinal(om["d"]), frame.first.weekday())
            if dated is not None:
                frame, q = Frame(dated, dated, LD), om.end()
    if kind == "weekday" and (am := _WEEKDAY_AFTER.match(text, q)):
        # the Tuesday after the 26th: the first such weekday after the day named
        nxt = _core(text, am.end(), env)
        if nxt is not None and not nxt[0].vague and nxt[2] in (*_DATES, "relday", "weekday"):
            dated = _weekday_after(nxt[0].last, frame.first.weekday())
            frame, q = Frame(dated, dated, LD), nxt[1]
    if kind in ("clock", "eod") and (cm := _DAY_AFTER_CLOCK.match(text, q)) and cm.end() > q:
        # 5pm tomorrow, 10am on Friday: the day comes after the time
        nxt = _core(text, cm.end(), env)
        if nxt is not None and nxt[2] in (*_DATES, "relday", "weekday"):
            frame, q = nxt[0], nxt[1]
    while tm := _TIME_SUFFIX.match(text, q):
        q = tm.end()
    return frame, q


def _parse_at(text: str, pos: int, env: Env) -> Hit | None:
    """The phrase at `pos` with its preposition, refinements, range and deadline words, or None."""
    options: list[tuple[Frame, int, str, str]] = []
    if (plain := _core(text, pos, env)) is not None:
        options.append((*plain, ""))
    if (pm := _PREFIX.match(text, pos)) is not None and (prefixed := _core(text, pm.end(), env)) is not None:
        options.append((*prefixed, pm.lastgroup or ""))
    if not options:
        return None
    frame, q, kind, prefix = max(options, key=lambda o: o[1])
    if frame.vague:
        return Hit(pos, q, None, None, vague=True)
    frame, q = _refine(text, frame, q, kind, env)
    ranged = False
    if (rm := _RANGE.match(text, q)) and (rm.group(0).strip().lower() != "and" or prefix == "frm"):
        end = _core(text, rm.end(), replace(env, ctx=frame.first))
        if end is not None and not end[0].vague and end[0].last >= frame.first and end[0].level != LT:
            ranged = True
            last, q = _refine(text, end[0], end[1], end[2], replace(env, ctx=frame.first))
            frame = replace(frame, last=last.last)
    if am := _APPROX.match(text, q):
        q = am.end()
    deadline = prefix == "dl" or frame.deadline
    if lm := _LATEST.match(text, q):
        deadline, q = True, lm.end()
    if ranged:
        deadline = False
    elif prefix == "aft":
        after = (frame.holiday_end or frame.last) + timedelta(days=1)
        frame = replace(frame, first=after, last=after)
    elif prefix == "frm" and frame.first <= env.today and frame.level != LT:
        frame = replace(frame, last=max(frame.last, env.today))  # since March: up to now
    if deadline:
        frame = roll_past_deadline(frame, env.today)
        return Hit(pos, q, frame.last, frame.last, deadline=True)
    return Hit(pos, q, frame.first, frame.last)


def _candidates(text: str) -> list[int]:
    """Word starts that can open a phrase: digits, '@' and the words of _OPENERS."""
    found = []
    for m in _STARTS.finditer(text):
        word = m.group(0)
        if word[0].isdigit() or word == "@" or word.lower() in _OPENERS:
            found.append(m.start())
    return found


def scan(text: str, env: Env, starts: list[int] | None = None) -> list[Hit]:
    """Every English time expression in `text`, left to right, longest at each start.

    `starts` (tests only) overrides the candidate positions, to check _OPENERS misses nothing.
    """
    hits: list[Hit] = []
    pos = 0
    for start in _candidates(text) if starts is None else starts:
        if start < pos or (m := _TRIGGER.match(text, start)) is None:
            continue
        hit = None
        # a preposition just before the phrase belongs to it ("by Friday", "no later than March 15")
        lo = max(pos, start - 24)
        try:
            if (pm := _PREFIX_END.search(text[lo:start])) is not None:
                hit = _parse_at(text, lo + pm.start(), env)
            if hit is None:
                hit = _parse_at(text, m.start(), env)
        except (ValueError, OverflowError):  # arithmetic past the end of the calendar
            hit = None
        if hit is not None:
            hits.append(hit)
            pos = hit.end
    return _anchor_bare_after(text, hits)


def _anchor_bare_after(text: str, hits: list[Hit]) -> list[Hit]:
    """'our board meets on the 26th, call me the Monday after': see `after_the_day_before`."""
    out = list(hits)
    for i in range(1, len(out)):
        hit, prev = out[i], out[i - 1]
        found = after_the_day_before(text, hit.start, hit.end, prev.last if prev.first == prev.last else None)
        if found is not None:
            out[i] = replace(hit, first=found[0], last=found[0], end=found[1])
    return out


def after_the_day_before(text: str, start: int, end: int, before: date | None) -> tuple[date, int] | None:
    """When text[start:end] is 'the <weekday>' followed by a bare 'after' (nothing named after it),
    (the first such weekday after `before`, the day said before it; the end of 'after'); else None."""
    if before is None:
        return None
    m = _THE_WEEKDAY.search(text[max(0, start - 8) : end])
    after = _AFTER_NOTHING.match(text, end)
    if m is None or after is None:
        return None
    return _weekday_after(before, w.WEEKDAYS[m["wd"].rstrip(".").lower()]), after.end()
