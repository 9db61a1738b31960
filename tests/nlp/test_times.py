"""Time expressions: FORMAT.md conventions in Chinese and English, boundaries, running text, the suite."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from copilot.nlp import times_en, times_zh
from copilot.nlp.times import TimeSpan, find_times, parse_time
from copilot.nlp.times_core import Env
from evaluators.suites.times import TimesSuite

CST = timezone(timedelta(hours=8))
EST = timezone(timedelta(hours=-5))
# Tuesday 10 March 2026, evening in Shanghai
REF = datetime(2026, 3, 10, 18, 20, tzinfo=CST)
REF_EN = datetime(2026, 3, 10, 9, 0, tzinfo=EST)


def at(y: int, m: int, d: int, tz: timezone = CST) -> datetime:
    return datetime(y, m, d, 10, 0, tzinfo=tz)


def days(text: str, ref: datetime) -> tuple[str | None, str | None]:
    span = parse_time(text, ref)
    if span is None or span.start is None or span.end is None:
        return None, None
    return span.start.isoformat(), span.end.isoformat()


ZH_POINTS = [
    # relative days (FORMAT.md: 明天 +1, 后天 +2, 大后天 +3)
    ("明天", "2026-03-11"),
    ("后天", "2026-03-12"),
    ("大后天", "2026-03-13"),
    ("昨天", "2026-03-09"),
    ("前天", "2026-03-08"),
    # N天后, 两周后 = +14, months clamp
    ("3天后", "2026-03-13"),
    ("十天之后", "2026-03-20"),
    ("两周后", "2026-03-24"),
    ("一个月后", "2026-04-10"),
    ("半年后", "2026-09-10"),
    ("两周前", "2026-02-24"),
    # weekdays: 下周X = next calendar week, 这周X = this week even if past, bare = strictly after
    ("下周三", "2026-03-18"),
    ("下礼拜一", "2026-03-16"),
    ("这周一", "2026-03-09"),
    ("本周日", "2026-03-15"),
    ("周二", "2026-03-17"),
    ("周三", "2026-03-11"),
    ("星期天", "2026-03-15"),
    ("礼拜六", "2026-03-14"),
    ("上周五", "2026-03-06"),
    ("下下周二", "2026-03-24"),
    # month days
    ("月底", "2026-03-31"),
    ("下个月底", "2026-04-30"),
    ("下个月5号", "2026-04-05"),
    ("下个月五号", "2026-04-05"),
    ("3月20号", "2026-03-20"),
    ("十二月三号", "2026-12-03"),
    ("二〇二六年十一月十八日", "2026-11-18"),
    ("2026-05-08", "2026-05-08"),
    ("2026/5/8", "2026-05-08"),
    ("上个月12号", "2026-02-12"),
    # a time of day keeps its day; midnight after 晚上 is the next day
    ("明天下午三点", "2026-03-11"),
    ("今晚八点", "2026-03-10"),
    ("下周二上午10:30", "2026-03-17"),
    ("晚上十二点", "2026-03-11"),
    # holidays
    ("国庆节", "2026-10-01"),
    ("五一", "2026-05-01"),
    ("春节", "2026-02-17"),
]


@pytest.mark.parametrize(("text", "day"), ZH_POINTS)
def test_chinese_points(text: str, day: str) -> None:
    assert days(text, REF) == (day, day)


ZH_SPANS = [
    ("下周", "2026-03-16", "2026-03-22"),
    ("这个月", "2026-03-01", "2026-03-31"),
    ("下个月", "2026-04-01", "2026-04-30"),
    ("下个季度", "2026-04-01", "2026-06-30"),
    ("明年", "2027-01-01", "2027-12-31"),
    ("这个周末", "2026-03-14", "2026-03-15"),
    ("下个月中旬", "2026-04-11", "2026-04-20"),
    ("上旬", "2026-03-01", "2026-03-10"),
    ("下旬", "2026-03-21", "2026-03-31"),
    ("Q3", "2026-07-01", "2026-09-30"),
    ("今明两天", "2026-03-10", "2026-03-11"),
    ("周三到周五", "2026-03-11", "2026-03-13"),
    ("3月5号至8号", "2026-03-05", "2026-03-08"),
]


@pytest.mark.parametrize(("text", "start", "end"), ZH_SPANS)
def test_chinese_spans_are_whole_ranges(text: str, start: str, end: str) -> None:
    assert days(text, REF) == (start, end)
    span = parse_time(text, REF)
    assert span is not None and span.due == date.fromisoformat(start)  # the due date is the first day


DEADLINES = [
    ("月底前", REF, "2026-03-31"),
    ("这个月底之前", REF, "2026-03-31"),
    ("下周内", REF, "2026-03-22"),
    ("三天内", REF, "2026-03-13"),
    ("一周之内", REF, "2026-03-17"),
    ("本周五下班前", REF, "2026-03-13"),
    ("周三之前", REF, "2026-03-11"),
    ("截止到下周五", REF, "2026-03-20"),
    ("不晚于4月2日", REF, "2026-04-02"),
    ("年底前", REF, "2026-12-31"),
    ("下个月内", REF, "2026-04-30"),
    ("两个工作日内", REF, "2026-03-12"),  # Tuesday + 2 business days
    ("by Friday", REF_EN, "2026-03-13"),
    ("by the end of the month", REF_EN, "2026-03-31"),
    ("by end of next week", REF_EN, "2026-03-22"),
    ("within 3 days", REF_EN, "2026-03-13"),
    ("no later than March 15", REF_EN, "2026-03-15"),
    ("before the end of the year", REF_EN, "2026-12-31"),
    ("by 5pm tomorrow", REF_EN, "2026-03-11"),
    ("Friday at the latest", REF_EN, "2026-03-13"),
]


@pytest.mark.parametrize(("text", "ref", "day"), DEADLINES)
def test_deadline_words_give_the_last_day(text: str, ref: datetime, day: str) -> None:
    span = parse_time(text, ref)
    assert span == TimeSpan(date.fromisoformat(day), date.fromisoformat(day), deadline=True)


EN = [
    ("tomorrow morning", "2026-03-11", "2026-03-11"),
    ("the day after tomorrow", "2026-03-12", "2026-03-12"),
    ("in 3 days", "2026-03-13", "2026-03-13"),
    ("in two weeks", "2026-03-24", "2026-03-24"),
    ("two weeks ago", "2026-02-24", "2026-02-24"),
    ("yesterday", "2026-03-09", "2026-03-09"),
    ("tonight", "2026-03-10", "2026-03-10"),
    ("Wednesday", "2026-03-11", "2026-03-11"),
    ("on Tuesday", "2026-03-17", "2026-03-17"),  # today is Tuesday: strictly after
    ("this Monday", "2026-03-09", "2026-03-09"),
    ("next Friday", "2026-03-20", "2026-03-20"),
    ("last Friday", "2026-03-06", "2026-03-06"),
    ("Thursday next week", "2026-03-19", "2026-03-19"),
    ("next week", "2026-03-16", "2026-03-22"),
    ("this month", "2026-03-01", "2026-03-31"),
    ("next month", "2026-04-01", "2026-04-30"),
    ("Q3", "2026-07-01", "2026-09-30"),
    ("this weekend", "2026-03-14", "2026-03-15"),
    ("on the 5th of next month", "2026-04-05", "2026-04-05"),
    ("March 3rd", "2026-03-03", "2026-03-03"),
    ("the 3rd of April", "2026-04-03", "2026-04-03"),
    ("end of the month", "2026-03-31", "2026-03-31"),
    ("Friday afternoon at 3pm", "2026-03-13", "2026-03-13"),
    ("mid-April", "2026-04-11", "2026-04-20"),
    ("from Monday to Wednesday", "2026-03-16", "2026-03-18"),
]


@pytest.mark.parametrize(("text", "start", "end"), EN)
def test_english(text: str, start: str, end: str) -> None:
    assert days(text, REF_EN) == (start, end)


def test_reference_offset_decides_the_day() -> None:
    # 23:30 in New York is already the next day in Shanghai: resolve in the reference's own offset
    late = datetime(2026, 6, 30, 23, 30, tzinfo=EST)
    assert days("tomorrow", late) == ("2026-07-01", "2026-07-01")
    assert days("明天", late.astimezone(CST)) == ("2026-07-02", "2026-07-02")


@pytest.mark.parametrize(
    ("text", "ref", "start", "end"),
    [
        ("明天", at(2026, 12, 31), "2027-01-01", "2027-01-01"),
        ("下周三", at(2026, 12, 30), "2027-01-06", "2027-01-06"),
        ("下个月", at(2026, 12, 15), "2027-01-01", "2027-01-31"),
        ("上周五", at(2027, 1, 2), "2026-12-25", "2026-12-25"),
        ("next week", at(2026, 12, 31, EST), "2027-01-04", "2027-01-10"),
        ("in 5 days", at(2026, 12, 29, EST), "2027-01-03", "2027-01-03"),
        ("下个月10号", at(2026, 12, 8), "2027-01-10", "2027-01-10"),
        # a month-day without a year: the reference year, except across the turn of the year
        ("3月5号", at(2026, 6, 1), "2026-03-05", "2026-03-05"),
        ("1月5号", at(2026, 11, 20), "2027-01-05", "2027-01-05"),
        ("12月28号", at(2026, 1, 10), "2025-12-28", "2025-12-28"),
        ("January 8", at(2026, 12, 20, EST), "2027-01-08", "2027-01-08"),
        # leap years
        ("月底", at(2028, 2, 10), "2028-02-29", "2028-02-29"),
        ("下个月底", at(2028, 1, 15), "2028-02-29", "2028-02-29"),
        ("后天", at(2028, 2, 27), "2028-02-29", "2028-02-29"),
        ("三天后", at(2028, 2, 28), "2028-03-02", "2028-03-02"),
        ("月底", at(2026, 2, 10), "2026-02-28", "2026-02-28"),
        ("end of the month", at(2027, 2, 3, EST), "2027-02-28", "2027-02-28"),
        ("一个月后", at(2026, 1, 31), "2026-02-28", "2026-02-28"),
        ("下个月", at(2028, 1, 20), "2028-02-01", "2028-02-29"),
    ],
)
def test_year_and_month_boundaries(text: str, ref: datetime, start: str, end: str) -> None:
    assert days(text, ref) == (start, end)


@pytest.mark.parametrize(
    ("text", "ref", "start", "end"),
    [
        # a range inherits the year and month it leaves out from its start
        ("2026年4月28日至5月3日", REF, "2026-04-28", "2026-05-03"),
        ("从2025年12月9号到15号", REF, "2025-12-09", "2025-12-15"),
        ("明天下午3点到5点", REF, "2026-03-11", "2026-03-11"),
        ("从去年9月起", REF, "2025-09-01", "2026-03-10"),
        ("上个月以来", REF, "2026-02-01", "2026-03-10"),
        # parts of months and years
        ("下半个月", REF, "2026-03-16", "2026-03-31"),
        ("六月中下旬", REF, "2026-06-11", "2026-06-30"),
        ("明年上半年", REF, "2027-01-01", "2027-06-30"),
        ("今年第三季度末", REF, "2026-09-01", "2026-09-30"),
        ("the first week of April", REF_EN, "2026-04-01", "2026-04-07"),
        ("early Q4", REF_EN, "2026-10-01", "2026-10-31"),
        # holidays: the day itself; 节后 is the day after the break
        ("国庆后", REF, "2026-10-08", "2026-10-08"),
        ("元旦", at(2026, 12, 1), "2027-01-01", "2027-01-01"),
        ("除夕", REF, "2027-02-05", "2027-02-05"),
        ("Christmas Eve", REF_EN, "2026-12-24", "2026-12-24"),
    ],
)
def test_ranges_parts_and_holidays(text: str, ref: datetime, start: str, end: str) -> None:
    assert days(text, ref) == (start, end)


@pytest.mark.parametrize(
    ("text", "ref", "day"),
    [
        # a deadline on a day of month alone that is already past means next month's
        ("5号前", at(2026, 5, 13), "2026-06-05"),
        ("by the 1st", at(2026, 5, 13, EST), "2026-06-01"),
        ("20号前", at(2026, 5, 13), "2026-05-20"),
        ("by end of day tomorrow", at(2026, 5, 13, EST), "2026-05-14"),
        ("close of business Friday", at(2026, 5, 13, EST), "2026-05-15"),
        ("年前", at(2026, 11, 26), "2027-02-05"),
    ],
)
def test_deadline_edge_cases(text: str, ref: datetime, day: str) -> None:
    assert days(text, ref) == (day, day)


def test_bare_day_of_month_stays_in_this_month_unless_long_gone() -> None:
    assert days("5号", at(2026, 5, 13)) == ("2026-05-05", "2026-05-05")  # recent past: this month
    assert days("3号", at(2026, 5, 30)) == ("2026-06-03", "2026-06-03")  # 27 days gone: next month


def test_impossible_dates_are_not_dates() -> None:
    assert parse_time("2月29日", at(2027, 2, 1)) is None
    assert parse_time("2027-02-29", at(2027, 2, 1)) is None
    assert days("2月29日", at(2028, 2, 1)) == ("2028-02-29", "2028-02-29")


VAGUE = ["过几天", "改天", "回头", "有空再说", "近期", "等通知", "过阵子", "过两天"]
VAGUE_EN = ["sometime soon", "in a few days", "when I get a chance", "down the road", "ASAP"]


@pytest.mark.parametrize("text", VAGUE + VAGUE_EN)
def test_vague_phrases_have_no_date(text: str) -> None:
    assert parse_time(text, REF) == TimeSpan(None, None, vague=True)
    (match,) = find_times(f"好的，{text}。" if text.isascii() is False else f"ok, {text}.", REF)
    assert match.span.vague and match.span.due is None


DICTATION = (
    "今天下午去了苏州恒拓精密 见了采购周工和生产部的王经理 这家是上个月12号在深圳工博会上认识的 "
    "客户现在两条线 一停线就是大半天 我跟周工约好了下周二带样机过去现场测 报价3.5万一台 要五百台 "
    "折扣30% 交期四周以内 分三期付款 周工电话13812345678"
)


def test_find_times_in_dictation_gives_offsets_and_skips_non_dates() -> None:
    found = find_times(DICTATION, REF)
    assert [m.text for m in found] == ["今天下午", "上个月12号", "下周二"]
    for m in found:
        assert DICTATION[m.start : m.end] == m.text
    assert found[1].start == DICTATION.index("上个月12号")
    assert [m.span.start for m in found] == [date(2026, 3, 10), date(2026, 2, 12), date(2026, 3, 17)]


def test_find_times_in_english_notes() -> None:
    note = (
        "I'll send the revised quote by Friday. We met at the expo on March 3rd and first met them "
        "last week. Call again next Tuesday, or in two weeks at the latest. Budget is 30% of $3.5M for "
        "500 units."
    )
    found = find_times(note, REF_EN)
    assert [(m.text, m.span.start, m.span.end, m.span.deadline) for m in found] == [
        ("by Friday", date(2026, 3, 13), date(2026, 3, 13), True),
        ("on March 3rd", date(2026, 3, 3), date(2026, 3, 3), False),
        ("last week", date(2026, 3, 2), date(2026, 3, 8), False),
        ("next Tuesday", date(2026, 3, 17), date(2026, 3, 17), False),
        ("in two weeks at the latest", date(2026, 3, 24), date(2026, 3, 24), True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "五百台", "30%", "3.5万", "13812345678", "0512-66881234", "两条线", "一停线就是大半天", "分三期",
        "交期四周以内", "货到30天内付款", "签合同后两周内发货", "能不能便宜一点", "快一点", "提了三点要求",
        "三点五万", "3号线", "5号楼", "2号机", "每条线一天停机损失5万", "节拍12秒以内", "合作了10年",
        "They may join us", "we sat down with the team", "3/4 of the units", "for the 6 cobot cells",
        "net 30 days", "delivery within 6 weeks of PO", "lead time is within 4 weeks", "about 2026 units",
    ],
)  # fmt: skip
def test_non_dates_are_not_found(text: str) -> None:
    assert find_times(text, REF) == []


def test_past_expressions_resolve_to_the_past() -> None:
    past = ["昨天", "上周四", "上个月12号", "去年", "两周前", "last Friday", "two weeks ago", "last month"]
    for text in past:
        span = parse_time(text, REF)
        assert span is not None and span.end is not None and span.end < REF.date(), text


def test_longest_match_wins_over_its_parts() -> None:
    (match,) = find_times("我们约了下个月中旬再碰一次", REF)
    assert match.text == "下个月中旬"
    (match,) = find_times("see you the day after tomorrow", REF_EN)
    assert match.text == "the day after tomorrow"


# ------------------------------------------------------------------------- the fast-path filters
CORPUS = [
    DICTATION,
    "王总说他们今年预算有200万 上半年先上一期 下半年再看 他让我们下周三之前再出一版方案 另外3月18号开董事会",
    "客户是去年在上海工博会认识的 想在国庆前换掉 过段时间再约 年前把合同签了 元宵节后 第三季度 前三季度",
    "2019.05.29 15:20-2020.01.12 12:10 自2020-05-26起至2020-05-29止",
    "二零一二年农历正月十五 大年初十 20年第52周",
    "未来两个月 近30天 最近10分钟 前两周 一个半小时后 三个多月以来 当月第三周 八月份的第一个周二 晚上8点许",
    "Spoke with Sarah for 45 minutes; revised quote by next Friday, demo the week of March 9, follow up "
    "Monday 3/16 at 10am, Q3 2026, end of Q2, in a fortnight, the 5th of next month, EOD, early next "
    "month, Christmas Eve, no later than the 20th, between May 3 and May 5",
]


def test_chinese_start_characters_cover_every_component() -> None:
    for text in CORPUS:
        for name in times_zh._LEVELS[0]:
            rx = times_zh._COMPILED[name]
            for p in range(len(text)):
                m = rx.match(text, p)
                if m is not None and m.end() > p:
                    assert text[p] in times_zh.L0_STARTS[name], (name, text[p:])


def test_english_openers_miss_nothing() -> None:
    env = Env(now=REF_EN)
    for text in CORPUS:
        every_word = [m.start() for m in times_en._STARTS.finditer(text)]
        assert times_en.scan(text, env) == times_en.scan(text, env, starts=every_word)


# ------------------------------------------------------------------------------------- the suite
def test_suite_predicts_days_and_null() -> None:
    suite = TimesSuite()
    case = {"id": "x", "text": "下周三", "reference_time": "2026-01-09T09:00:00+08:00"}
    assert suite.predict(case) == {"start": "2026-01-14", "end": "2026-01-14"}
    assert suite.predict({**case, "text": "改天"}) == {"start": None, "end": None}


def test_suite_scores_a_hand_made_run() -> None:
    cases = [
        {"id": "a", "expected": {"start": "2026-03-11", "end": "2026-03-11"}},
        {"id": "b", "expected": {"start": "2026-03-16", "end": "2026-03-22"}},
        {"id": "c", "expected": {"start": None, "end": None}},
        {"id": "d", "expected": None},
        {"id": "e", "expected": {"start": "2026-03-01", "end": "2026-03-31"}},
    ]
    preds = [
        {"id": "a", "predicted": {"start": "2026-03-11", "end": "2026-03-11"}},  # right
        {"id": "b", "predicted": {"start": "2026-03-16", "end": "2026-03-16"}},  # end wrong
        {"id": "c", "predicted": None},  # null means no date: right
        {"id": "d", "predicted": {"start": None, "end": None}},  # right
        # "e" has no prediction line: wrong
    ]
    scores = TimesSuite().score(cases, preds)
    assert scores["headline"] == scores["accuracy"] == pytest.approx(3 / 5)
    assert scores["n"] == 5
    assert scores["null_accuracy"] == 1.0
    assert scores["dated_accuracy"] == pytest.approx(1 / 3)


# -- issues reported from running notes (kept as regressions) --------------------------------------


def test_within_n_days_in_running_text() -> None:
    # Monday 2 March 2026: 三天之内 is the deadline day, reference + 3
    ref = datetime(2026, 3, 2, 18, 5, tzinfo=CST)
    found = find_times("我说单价我回去请示一下 三天之内给他答复", ref)
    assert [(m.text, m.span.start, m.span.end) for m in found] == [
        ("三天之内", date(2026, 3, 5), date(2026, 3, 5))
    ]


@pytest.mark.parametrize(
    ("text", "ref", "day"),
    [
        # the weekday and the day of month agree on one date: not the next bare Thursday (the 15th)
        ("booked an onsite demo for Thursday the 22nd with her", at(2026, 1, 13), date(2026, 1, 22)),
        ("send new samples by Friday the 20th.", at(2026, 2, 10), date(2026, 2, 20)),
        ("a revised proposal by Monday the 15th", at(2026, 6, 11), date(2026, 6, 15)),
        # the day spelled out, or without "the"
        ("call me after that, say Tuesday the sixteenth, in the morning", at(2026, 6, 2), date(2026, 6, 16)),
        ("site visit on Wed the first", at(2026, 6, 25), date(2026, 7, 1)),
        ("the walkthrough is Friday 19th at ten", at(2026, 6, 2), date(2026, 6, 19)),
    ],
)
def test_weekday_with_day_of_month(text: str, ref: datetime, day: date) -> None:
    (match,) = find_times(text, ref)
    assert match.span.start == match.span.end == day


@pytest.mark.parametrize(
    "text", ["On the 5% I need to confirm with my manager", "on the 10% I said I need sign-off"]
)
def test_a_percentage_is_not_a_day_of_month(text: str) -> None:
    assert find_times(text, at(2026, 3, 31)) == []


def test_expressions_do_not_run_across_a_full_stop() -> None:
    found = find_times("our first call was last Thursday. today I asked", at(2026, 1, 13))
    assert [(m.text, m.span.start) for m in found] == [
        ("last Thursday", date(2026, 1, 8)),
        ("today", date(2026, 1, 13)),
    ]


def test_yixia_is_not_next_and_liang_does_not_continue_a_number() -> None:
    from datetime import datetime

    from copilot.nlp.times import find_times

    ref = datetime.fromisoformat("2026-05-22T11:30:00+08:00")
    said = "他说要再考虑一下月底前给答复"
    assert [(said[m.start : m.end], str(m.span.due)) for m in find_times(said, ref)] == [
        ("月底前", "2026-05-31")
    ]
    paid = "预付款百分之四十两周后到账"
    assert [(paid[m.start : m.end], str(m.span.due)) for m in find_times(paid, ref)] == [
        ("两周后", "2026-06-05")
    ]


def test_a_lead_time_is_a_duration_unless_it_is_what_is_sent() -> None:
    ref = datetime(2026, 6, 9, 11, 0, tzinfo=CST)
    assert find_times("lead time within 2 weeks of the order", ref) == []
    (match,) = find_times("I'll send you the quotation and lead time within a week.", ref)
    assert match.span.start == match.span.end == date(2026, 6, 16)
