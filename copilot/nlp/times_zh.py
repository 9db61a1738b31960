"""Chinese time expressions in running text: components chained into a frame, then ranges and suffixes."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from copilot.nlp import times_zh_rules as r
from copilot.nlp import times_zh_spans as sp
from copilot.nlp.times_core import (
    L0,
    LD,
    LM,
    LQ,
    LT,
    LW,
    LY,
    NUMERIC_DATE_RE,
    Env,
    Frame,
    Hit,
    roll_past_deadline,
)
from copilot.nlp.times_zh_rules import Handler

DIG, CN, WD, COUNT = r.DIG, r.CN, r.WD, r.COUNT
_NB, _SEP = r.NUM_BEFORE, r.RANGE_SEP
_NOT_AFTER_DAY = (
    r"(?!线|楼|机|车|厂|仓|库|门|馆|位|口|院|台|桌|房|柜|站|码|件|品|窗|厅|包|箱|罐|炉|泵|床|槽|模|店|铺|舱|"
    r"区|栋|层|室|板|卡|方案|样|选手|队|坑|井|道|架|电池|球|字|文件|令|人|均|产|用|志|常|本|期|报|程|元|币|"
    r"语|薪|活|益|照|光|化|式|系|企|货|杂|记|历|寸|单|货)"
)
# what may follow a day number written without 日/号 ("1月3至2月10", "8月15晚上")
_BARE_DAY_FOLLOW = (
    r"(?=$|[\s，。,.!！?？;；、:：)）~～\-—–至到前后左之以起开止]"
    r"|上午|下午|晚上|早上|中午|凌晨|傍晚|夜|早|晚|周|星期|礼拜)"
)
_UNIT_ALT = "工作日|天|日|星期|礼拜|周|月|年|小时|钟头|分钟|秒钟|秒|刻钟"
_TEN_DAYS = "上中旬|中下旬|上旬|中旬|下旬|上半个?月|下半个?月"
_INIT_BAD = "(?![步次级稿版审试中衷])"
_HOUR = rf"[01]?\d|2[0-4]|[{DIG}两十]{{1,3}}"


def _alts(words: object) -> str:
    """A longest-first alternation of literal words."""
    return "|".join(sorted(map(str, words), key=len, reverse=True))  # type: ignore[call-overload]


_HOL_SPECIAL = {
    "十一": rf"(?<![\d{CN}])十一(?=假|长假|黄金周|期间|前|后|之前|之后|以前|以后|放假|回来)",
    "五一": rf"(?<![\d{CN}])五一(?![\d{CN}])",
    "六一": rf"(?<![\d{CN}])六一(?![\d{CN}])",
    "八月十五": r"八月十五(?![日号])",
    "8月十五": r"(?<!\d)8月十五(?![日号])",
}
_HOL_ALTS = "|".join(_HOL_SPECIAL.get(word, word) for word in sorted(sp.HOLIDAYS, key=len, reverse=True))
_DAY_REL_ALTS = "|".join(
    {"后天": r"(?<![然之以过最往落背])后天", "前天": r"(?<![之以提目眼面从])前天"}.get(w, w)
    for w in sorted([*r.DAY_REL, *r.DAY_CTX, *r.DAY_SPAN, *r.WHOLE_ONLY_NOW], key=len, reverse=True)
)
_YEAR_REL_ALTS = "|".join(
    {"后年": r"(?<![然之以过最往落背])后年", "前年": r"(?<![之以提目眼面从])前年"}.get(w, w)
    for w in sorted(r.YEAR_REL, key=len, reverse=True)
)
_VAGUE = (
    *("过几天", "过两天", "过些天", "过些日子", "过阵子", "过一阵子", "过一阵", "过段时间", "过一段时间"),
    *("过一段日子", "改天", "改日", "有空再说", "有空的时候", "有空", "有时间的时候", "有时间再说"),
    *("等有空", "近期", "近日", "近段时间", "近来", "最近", "这几天", "这两天", "前几天", "前两天"),
    *("前段时间", "前阵子", "这段时间", "日后", "以后再说", "后面再说", "再说吧", "下次", "下回"),
    *("等通知", "等消息", "等回复", "到时候", "抽空", "择日", "找时间", "找个时间", "尽快", "尽早"),
    *("早日", "稍后", "晚些时候", "晚一点", "年后", "节后", "节前", "过完年"),
)

P: dict[str, str] = {
    "numeric": NUMERIC_DATE_RE.pattern,
    "year_abs": rf"{_NB}(?P<y>\d{{4}}|\d{{2}}|[{DIG}]{{4}}|[{DIG}]{{2}})\s*年"
    r"(?!代|级|纪|龄|限|薪|费|终奖|华|轻|货|会|报|鉴|均|检|卡|票|利率|化)",
    "year_rel": rf"(?P<yr>{_YEAR_REL_ALTS})(?!代|级|纪|龄|限|薪|费|终奖|轻|华)",
    "quarter": rf"(?:(?P<qr>上上个?|上一?个?|下下个?|下一?个?|本|这一?个?|当)季度"
    rf"|(?<![\d{CN}前])第?(?P<q>[一二三四1-4]|首)个?季度|(?<![A-Za-z\d])[Qq](?P<qq>[1-4])(?!\d)(?:季度)?)",
    "quarter_part": rf"(?P<qp>初{_INIT_BAD}|末|底)",
    "half": r"(?P<h>上|下)半年",
    "year_part_y": rf"年?(?P<p>初{_INIT_BAD}|底|末|终(?![奖端])|尾|伊始)|年(?P<p2>中)(?![国央心期])",
    "year_part_0": rf"(?<![\d{CN}今去明后前当同次这本上下翌来])年(?P<p>初{_INIT_BAD}|底|末|终(?![奖端])|尾)",
    "month_abs": rf"{_NB}(?<!个)(?P<m>{r.MONTH_NUM})(?:{_SEP}(?P<m2>{r.MONTH_NUM}))?\s*月(?!份额)份?"
    r"(?![薪费供付租均结饼光亮球嫂子经度票卡报刊活销产])",
    "month_rel": r"(?<!一(?=下))"
    r"(?P<mr>上上个?月|上一个月|上个月|上一月|上月|下下个?月|下一个月|下个月|下一月|下月|本月|"
    r"这一?个?月|当月|同月)(?!份额|薪|费|供|付|租|均|结|票|卡|报|刊)",
    "month_ord": rf"的?(?:第(?P<n>{COUNT})个月|首月)",
    "month_part_m": rf"月?份?的?(?P<p>{_TEN_DAYS}|初{_INIT_BAD}|中(?![国央心期标层])|底|末|尾)",
    "month_part_0": rf"(?<![\d{CN}个每])(?P<p>月?(?:{_TEN_DAYS})|月初{_INIT_BAD}"
    r"|月中(?![国央心期标层])|月底|月末|月尾)",
    "first_n": rf"的?(?P<fl>前|最后|头)(?P<n>{COUNT})个?(?P<u>天|日|周|星期|礼拜|月|季度)",
    "first_n_0": rf"(?<![提之以目眼面向往从])(?P<fl>前)(?P<n>{COUNT})个?(?P<u>季度)",
    "week_of": rf"的?(?:第(?P<n>{COUNT})个?|首)(?:周|星期|礼拜)(?![{WD}1-7])",
    "nth_weekday": rf"的?(?:第(?P<n>{COUNT})个|最后一个)(?:周|星期|礼拜)(?P<wd>[{WD}1-7])",
    "day_ord_y": rf"的?第(?P<n>{COUNT})(?P<u>天)",
    "day_ord_0": rf"(?<![\d{CN}])第(?P<n>{COUNT})(?P<u>天|年)",
    "day_abs": rf"{_NB}(?<!编号)(?<!单号)(?<!型号)(?<!号码)"
    rf"(?P<d>{r.DAY_NUM})(?:{_SEP}(?P<d2>{r.DAY_NUM}))?\s*(?:日|号|號){_NOT_AFTER_DAY}",
    "day_abs_m": rf"的{_NB}(?P<d>{r.DAY_NUM})(?:{_SEP}(?P<d2>{r.DAY_NUM}))?\s*(?:日|号|號){_NOT_AFTER_DAY}",
    "day_bare_m": rf"(?P<d>{r.DAY_NUM}){_BARE_DAY_FOLLOW}",
    "day_rel": rf"(?P<dr>{_DAY_REL_ALTS})",
    "week_rel": r"(?<!一(?=下))(?P<wk>上上个?|上一?个?|下下个?|下一?个?|本|这一?个?)(?:周|礼拜|星期|週)"
    r"(?![期年岁边围转刊报长薪会])",
    "weekday_w": rf"(?:周|星期|礼拜|週)?(?P<wd>[{WD}1-7])(?![\d{CN}次])",
    # 老周/小周 is a surname ('跟老周一起去'), not a weekday
    "weekday_0": rf"(?<!每)(?:(?<![老小])周|星期|礼拜|週)(?P<wd>[{WD}1-7])(?![\d{CN}次年])",
    "weekday_d": rf"[（(]?(?:周|星期|礼拜|週)(?P<wd>[{WD}1-7])[)）]?",
    "weekend_0": r"(?<![上下这本每个])周末",
    "weekend_w": r"末",
    "duration": rf"(?:(?<![\d{CN}第.])|(?<=[{CN}])(?=两))"
    rf"(?P<zai>再?过)?(?P<n>{COUNT})\s*(?P<ge>个)?(?P<duo>多)?(?P<half>半)?\s*"
    rf"(?P<u>{_UNIT_ALT})(?P<half2>半)?(?:\s*(?P<dir>之后|以后|过后|后(?![天年续面期台端])|之前|以前|"
    rf"前(?![天年后\d{CN}几])|之内|以内|内(?![容部外存])|以来|来(?![说看讲自了的往电])))?",
    "window": r"(?P<w>未来|接下来的?|今后|最近|(?<![接附将邻靠临最])近|过去的?"
    r"|(?<![提之以目眼面向往从年月日天周])前)"
    rf"(?P<n>{COUNT})\s*(?P<ge>个)?\s*(?P<duo>多)?\s*(?P<half>半)?\s*"
    rf"(?P<u>{_UNIT_ALT}|季度)(?:里|内|中|以来|来)?",
    "holiday": rf"(?:(?P<hol>{_HOL_ALTS})"
    rf"|(?:农历|阴历)?(?:大年|正月)初?(?P<lunar_day>[{DIG}十廿]{{1,3}})(?![日号]))"
    r"(?P<brk>期间|假期|小长假|长假|黄金周|放假期间)?",
    "nian_qian": rf"(?<![\d{CN}今去明后前当同次这本上下个每几多])年前"
    r"(?![后\d两二三四五六七八九十几]|一[个天周月年季])",
    "period": rf"(?P<tp>{_alts(sp.PERIODS)}|(?:下班|上班)(?=前|之前|以前|后|之后|以后|时|的时候))(?!候)",
    "period_1": r"(?P<tp>[早晚夜])(?![饭餐会班场市报点些安])",
    "clock": rf"(?<![\d{CN}第几.:：])(?P<h>{_HOUR})(?:{_SEP}(?P<h2>{_HOUR}))?\s*(?P<u>点|點|时|時)"
    r"(?!间|候|期|代|段|差|速|效|长|常|机|光|节|薪|针|尚|装|空|事|刻表)"
    rf"(?P<tail>(?:钟|整|半(?!会)|[一三1-3]刻|过?(?:[0-5]?\d|[{DIG}十]{{1,3}})分?钟?|多钟?|左右|许)*)",
    "hhmm": r"(?<![\d.:：/])(?P<hh>[01]?\d|2[0-4])\s*[:：]\s*(?P<mm>[0-5]\d)(?:\s*[:：]\s*[0-5]\d)?"
    r"(?![\d%])(?:\s*时)?",
    "vague": rf"(?:{_alts(_VAGUE)}|回头(?![客率看]))",
}
H: dict[str, Handler] = {
    "numeric": sp.numeric, "year_abs": r.year_abs, "year_rel": r.year_rel, "quarter": r.quarter,
    "quarter_part": r.quarter_part, "half": r.half, "year_part_y": r.year_part,
    "year_part_0": r.year_part,
    "month_abs": r.month_abs, "month_rel": r.month_rel, "month_ord": r.month_ord,
    "month_part_m": r.month_part, "month_part_0": r.month_part, "first_n": r.first_n,
    "first_n_0": r.first_n, "week_of": r.week_of, "nth_weekday": r.nth_weekday, "day_ord_y": r.day_ord,
    "day_ord_0": r.day_ord, "day_abs": r.day_abs, "day_bare_m": r.day_abs, "day_abs_m": r.day_abs,
    "day_rel": r.day_rel,
    "week_rel": r.week_rel, "weekday_w": r.weekday_in_week, "weekday_0": r.weekday_bare,
    "weekday_d": r.weekday_bare, "weekend_0": r.weekend, "weekend_w": r.weekend, "duration": sp.duration,
    "window": sp.window, "holiday": sp.holiday, "nian_qian": sp.before_new_year, "period": sp.period,
    "period_1": sp.period, "clock": sp.clock, "hhmm": sp.hhmm, "vague": sp.vague,
}  # fmt: skip
# Which components may refine a frame at each level; the order breaks ties between equal lengths.
_LEVELS: dict[int, tuple[str, ...]] = {
    L0: ("numeric", "year_abs", "year_rel", "quarter", "half", "year_part_0", "month_abs", "month_rel",
         "month_part_0", "day_abs", "day_rel", "day_ord_0", "week_rel", "weekday_0", "weekend_0", "first_n_0",
         "vague", "duration", "window", "holiday", "nian_qian", "period", "clock", "hhmm"),
    LY: ("quarter", "half", "year_part_y", "month_abs", "month_ord", "first_n", "week_of", "day_ord_y",
         "holiday"),
    LQ: ("quarter_part",),
    LM: ("day_abs", "day_abs_m", "day_bare_m", "month_part_m", "week_of", "nth_weekday", "first_n"),
    LW: ("weekday_w", "weekend_w"),
    LD: ("period", "period_1", "clock", "hhmm", "weekday_d"),
    LT: ("clock", "hhmm"),
}  # fmt: skip
_COMPILED = {name: re.compile(pattern) for name, pattern in P.items()}
_BY_LEVEL = {level: [(_COMPILED[n], H[n]) for n in names] for level, names in _LEVELS.items()}
# Fields whose refusal means a garbage date ("2月30日"): the whole expression is dropped, not cut short.
_STRICT = {H["day_abs"], H["month_abs"]}
_INVALID = Frame(date.min, date.min, L0)


def _firsts(*words: object) -> str:
    """First characters of words."""
    return "".join(str(w)[0] for group in words for w in group)  # type: ignore[attr-defined]


_DIGITS = "0123456789"
_NUMERALS = _DIGITS + DIG + "两十百几仨俩半廿卅"
# The characters each level-0 component can start with. Trying only the components that can start at
# a character is what keeps scanning fast; tests check these sets against the patterns on real text.
L0_STARTS: dict[str, str] = {
    "numeric": _DIGITS,
    "year_abs": _DIGITS + DIG,
    "year_rel": _firsts(r.YEAR_REL),
    "quarter": "上下本这当第首Qq一二三四1234",
    "half": "上下",
    "year_part_0": "年",
    "month_abs": _DIGITS + "十一二三四五六七八九",
    "month_rel": "上下本这当同",
    "month_part_0": "月上中下",
    "day_abs": _DIGITS + "零〇○一二三四五六七八九十廿卅",
    "day_rel": _firsts(r.DAY_REL, r.DAY_CTX, r.DAY_SPAN, r.WHOLE_ONLY_NOW),
    "day_ord_0": "第",
    "week_rel": "上下本这",
    "weekday_0": "周星礼週",
    "weekend_0": "周",
    "first_n_0": "前",
    "vague": _firsts(_VAGUE) + "回",
    "duration": "再过" + _NUMERALS,
    "window": "未接今最近过前",
    "holiday": _firsts(sp.HOLIDAYS) + "农阴大正",
    "nian_qian": "年",
    "period": _firsts(sp.PERIODS) + "上下",
    "clock": _DIGITS + DIG + "两十",
    "hhmm": _DIGITS,
}
_PREFIX_STARTS = "截不最从自"
_DISPATCH: dict[str, list[tuple[re.Pattern[str], Handler]]] = {}
for _name in _LEVELS[L0]:
    for _ch in L0_STARTS[_name]:
        _DISPATCH.setdefault(_ch, []).append((_COMPILED[_name], H[_name]))
_STARTS = re.compile("[" + re.escape("".join(sorted(set(_DISPATCH) | set(_PREFIX_STARTS)))) + "]")
_PREFIX = re.compile(r"(?P<dl>截止到|截止至|截至到?|截止|不晚于|不迟于|最晚|最迟)\s*|(?P<frm>从|自)")
_GROUP_NAME = re.compile(r"\(\?P<\w+>")
# Per start character, one regex that says whether anything can start there: one C-level match
# rejects most candidates before the component machine runs.
_TRIGGERS = {
    ch: re.compile(
        "|".join(
            [_GROUP_NAME.sub("(?:", P[n]) for n in _LEVELS[L0] if ch in L0_STARTS[n]]
            + ([_PREFIX.pattern] if ch in _PREFIX_STARTS else [])
        )
    )
    for ch in set(_DISPATCH) | set(_PREFIX_STARTS)
}

_APPROX = re.compile(r"\s*(?:左右|前后|上下(?![午班])|许|附近)")
_DEADLINE = re.compile(
    r"\s*(?:之前|以前|前(?![天年后\d两一二三四五六七八九十几])|之内|以内|内(?![容部外存销地蒙江网科])|为止|截止|止)"
)
_AFTER = re.compile(r"\s*(?:之后|以后|过后|后(?![天年续面期台端来悔勤方头边果者]))")
_SINCE = re.compile(r"\s*以来")
_FROM_ON = re.compile(r"\s*(?:起|开始)(?![来码草步])")
_RANGE = re.compile(r"\s*(?:起|开始)?\s*(?:至|到|~|～|-|－|—+|–|―+)\s*")
_TILL_NOW = re.compile(r"今(?![天日年晚早儿])|现在|目前|当前")
_LIST = re.compile(r"\s*[，,、和及与]\s*")
_RANGE_END = re.compile(r"\s*(?:为止|止)")


def _machine(text: str, pos: int, env: Env) -> tuple[Frame, int] | None:
    """Chain components from `pos`, always taking the longest one the current frame accepts.

    Returns (_INVALID, end) when a refinement names a day that does not exist.
    """
    frame: Frame | None = None
    level = L0
    while True:
        best: tuple[int, Frame] | None = None
        refused = 0
        comps = _BY_LEVEL[level] if level != L0 else _DISPATCH.get(text[pos : pos + 1], [])
        for rx, handler in comps:
            m = rx.match(text, pos)
            if m is None or m.end() == pos or (best is not None and m.end() <= best[0]):
                continue
            try:
                found = handler(m, frame, env)
            except (ValueError, OverflowError):  # a date outside the calendar (9999年后)
                found = None
            if found is not None:
                best = (m.end(), found)
            elif frame is not None and handler in _STRICT:
                refused = max(refused, m.end())
        if best is None and refused:
            return _INVALID, refused
        if best is None and level == LD and pos < len(text) and text[pos] == " ":
            skipped = _machine_step_after_space(text, pos, frame, env)
            if skipped is not None:
                best = skipped
        if best is None:
            break
        pos, frame = best
        level = frame.level
        if frame.vague:
            break
    return None if frame is None else (frame, pos)


def _machine_step_after_space(text: str, pos: int, frame: Frame | None, env: Env) -> tuple[int, Frame] | None:
    """One refinement after spaces ("2019年6月28日 下午3点"), at day level or finer only."""
    start = pos
    while start < len(text) and text[start] == " ":
        start += 1
    level = frame.level if frame is not None else L0
    for rx, handler in _BY_LEVEL[level]:
        if handler is r.weekday_bare:
            continue  # "下礼拜三 星期四" are two expressions
        m = rx.match(text, start)
        if m is not None and m.end() > start:
            try:
                found = handler(m, frame, env)
            except (ValueError, OverflowError):
                continue
            if found is not None:
                return m.end(), found
    return None


def _parse_at(text: str, pos: int, env: Env) -> Hit | int | None:
    """The expression starting at `pos`, with its prefix, range, list and suffix words, or None.

    An int is where to resume after a garbage date, which must not leave pieces behind.
    """
    deadline = from_prefix = False
    q = pos
    pm = _PREFIX.match(text, q)
    if pm:
        deadline, from_prefix = pm["dl"] is not None, pm["frm"] is not None
        q = pm.end()
    found = _machine(text, q, env)
    if found is None:
        return None
    frame, q = found
    if frame is _INVALID:
        return q
    if frame.vague:
        return Hit(pos if not pm else q, q, None, None, vague=True)
    ranged = False
    while frame.level >= LD and (lm := _LIST.match(text, q)):  # 9月10号、11号
        dm = _COMPILED["day_abs"].match(text, lm.end())
        nxt = None if dm is None else r.day_abs(dm, None, replace(env, ctx=frame.first))
        if dm is None or nxt is None or nxt.first <= frame.last:
            break
        frame, q = replace(frame, last=nxt.last), dm.end()
    rm = _RANGE.match(text, q)
    if rm:
        if tm := _TILL_NOW.match(text, rm.end()):
            frame, q, ranged = replace(frame, last=env.today), tm.end(), True
        else:
            # parsed on its own so that look-behinds do not see the connector ("2019-05-29至2020-01-12")
            end = _machine(text[rm.end() :], 0, replace(env, ctx=frame.first))
            if end is not None and end[0] is not _INVALID and not end[0].vague and end[0].last >= frame.first:
                frame, q, ranged = replace(frame, last=end[0].last, level=LD), rm.end() + end[1], True
        if ranged and (em := _RANGE_END.match(text, q)):
            q = em.end()
    if am := _APPROX.match(text, q):
        q = am.end()
    if not ranged:
        if dm := _DEADLINE.match(text, q):
            deadline, q = True, dm.end()
        elif (sm := _AFTER.match(text, q)) and frame.level != LT:
            after = (frame.holiday_end or frame.last) + timedelta(days=1)
            frame, q = replace(frame, first=after, last=after), sm.end()
        elif sm := _SINCE.match(text, q):
            frame, q = replace(frame, last=max(env.today, frame.first)), sm.end()
        elif sm := _FROM_ON.match(text, q):
            if from_prefix and frame.first <= env.today:  # 从去年9月起: until now
                frame = replace(frame, last=env.today)
            q = sm.end()
    if frame.weak and not env.whole:
        return None
    if frame.deadline or deadline:
        frame = roll_past_deadline(frame, env.today)
        return Hit(pos, q, frame.last, frame.last, deadline=True, whole_only=frame.whole_only)
    return Hit(pos, q, frame.first, frame.last, whole_only=frame.whole_only)


def scan(text: str, env: Env) -> list[Hit]:
    """Every Chinese (and numeric) time expression in `text`, left to right, longest at each start."""
    hits: list[Hit] = []
    pos = 0
    for start in _STARTS.finditer(text):  # a cheap character test first: the full trigger is costly
        p = start.start()
        if p < pos or _TRIGGERS[start.group(0)].match(text, p) is None:
            continue
        try:
            hit = _parse_at(text, p, env)
        except (ValueError, OverflowError):  # arithmetic past the end of the calendar
            hit = None
        if isinstance(hit, int):
            pos = hit
        elif hit is not None:
            hits.append(hit)
            pos = hit.end
    return hits
