"""Property-based tests of the parsers, the chunker and the follow-up engine: they never raise on any
text, report spans that are really in the text, and read back what a generator wrote."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.domain import CustomerContext
from copilot.extraction.offline import OfflineEngine
from copilot.extraction.summary import EN_MAX_WORDS, ZH_MAX_CHARS
from copilot.followups.interactions import build_interaction
from copilot.nlp.amounts import find_amounts, parse_amount
from copilot.nlp.numerals import parse_cn_number
from copilot.nlp.times import find_times, parse_time
from retrieval.chunking import chunk_text, text_units

REFERENCE = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
_ENGINE = OfflineEngine()
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text a note could hold: Chinese, Latin, digits, Chinese numerals, punctuation and whitespace
_ALPHABET = st.sampled_from(
    list("客户下周三签合同报价万元千百十零一二三四五六七八九两号月日年点半前后")
    + list("abcdefgxyz ABCMonFriday0123456789.,;:!?-/ ¥$%€\n\t。，！？；：（）")
)
notes = st.one_of(st.text(max_size=300), st.text(alphabet=_ALPHABET, max_size=300))

_DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """`n` (0 <= n < 10**12) in Chinese numerals, as written by hand: 10010 -> 一万零一十."""
    if n == 0:
        return "零"

    def below_10k(m: int) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = m // value % 10
            if digit:
                if zero and out:
                    out += "零"
                out += _DIGITS[digit] + unit
                zero = False
            else:
                zero = True
        return out

    out = ""
    for value, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        part = n // value % 10**4
        if part:
            if out and part < 1000:
                out += "零"
            out += below_10k(part) + unit
    return out[1:] if out.startswith("一十") else out


@SETTINGS
@given(notes)
def test_find_times_never_raises_and_spans_are_in_the_text(text: str) -> None:
    for match in find_times(text, REFERENCE):
        assert 0 <= match.start <= match.end <= len(text)
        assert text[match.start : match.end] == match.text
        span = match.span
        if span.start is not None and span.end is not None:
            assert span.start <= span.end


@SETTINGS
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_written_dates_are_read_back(day: date) -> None:
    for written in (
        f"{day.year}年{day.month}月{day.day}日",
        day.isoformat(),
        f"{day:%B} {day.day}, {day.year}",
    ):
        span = parse_time(written, REFERENCE)
        assert span is not None, written
        assert (span.start, span.end) == (day, day), written


@SETTINGS
@given(notes)
def test_find_amounts_never_raises_and_spans_are_in_the_text(text: str) -> None:
    for money in find_amounts(text):
        assert 0 <= money.start < money.end <= len(text)
        assert text[money.start : money.end] == money.text
        assert money.amount >= 0
        assert len(money.currency) == 3


@SETTINGS
@given(st.integers(min_value=1, max_value=10**11))
def test_amounts_in_digits_are_read_back(n: int) -> None:
    money = parse_amount(f"{n:,}元")
    assert money is not None
    assert (money.amount, money.currency) == (Decimal(n), "CNY")


@SETTINGS
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_are_read_back(n: int) -> None:
    assert parse_cn_number(chinese(n)) == n, chinese(n)


@SETTINGS
@given(notes, st.integers(min_value=5, max_value=60))
def test_chunks_respect_the_size_and_lose_nothing(text: str, max_units: int) -> None:
    chunks = chunk_text(text, max_units)
    if not text.strip():
        assert chunks == []
        return
    assert chunks and all(c.strip() for c in chunks)
    if text_units(text) > max_units:
        assert all(text_units(c) <= max_units for c in chunks)
    # every non-space character of the text, in order, is in the chunks (the overlap repeats some)
    joined = iter("".join("".join(c.split()) for c in chunks))
    assert all(ch in joined for ch in "".join(text.split()))


def test_the_numeral_writer_writes_as_people_do() -> None:
    assert [chinese(n) for n in (10, 15, 105, 1005, 10010, 100000, 120000000, 100000001)] == [
        "十",
        "十五",
        "一百零五",
        "一千零五",
        "一万零一十",
        "十万",
        "一亿二千万",
        "一亿零一",
    ]


# words the follow-up rules key on, so random notes reach their branches (topics, cut run-ons, dates)
_NOTE_WORDS = st.sampled_from(
    [
        "的",
        "了",
        "是",
        "我",
        "你",
        "他们",
        "那批",
        "那台",
        "上次说的",
        "我们那个",
        "报价",
        "方案",
        "合同",
        "签了",
        "订单",
        "付款",
        "发货",
        "明天",
        "下周三",
        "月底前",
        "就是",
        "然后",
        "所以",
        "不然就不考虑了",
        "泵",
        "机",
        "系统",
        "传感器",
        "智能",
        "能源",
        "收到",
        "谢谢陶主管",
        "，",
        "。",
        "！",
        "？",
        "、",
        "sent",
        "on",
        "Monday",
        "we'll",
        "meet",
        "pencil",
        "in",
        "the",
        "21st",
        "3%",
        "percent",
        "PO",
        "valves",
        "panels",
    ]
)
follow_up_notes = st.lists(_NOTE_WORDS, min_size=1, max_size=120).map("".join)


@SETTINGS
@given(follow_up_notes, st.sampled_from(["dictation", "chat", "call"]))
def test_the_follow_up_engine_never_raises_and_keeps_the_summary_short(text: str, kind: str) -> None:
    parts = [p for p in text.split("。") if p.strip()] or ["好"]
    if kind == "dictation":
        raw: dict[str, object] = {"kind": "dictation", "text": text if text.strip() else "好"}
    elif kind == "chat":
        raw = {
            "kind": "chat",
            "messages": [
                {
                    "at": "2026-12-06T09:00:00+00:00",
                    "from": ("rep", "customer")[i % 2],
                    "name": "a",
                    "text": p,
                }
                for i, p in enumerate(parts[:8])
            ],
        }
    else:
        raw = {
            "kind": "call",
            "segments": [
                {"start_s": i * 5.0, "end_s": i * 5.0 + 4, "speaker": ("customer", "rep")[i % 2], "text": p}
                for i, p in enumerate(parts[:8])
            ],
        }
    interaction = build_interaction(raw, REFERENCE)
    fields = _ENGINE.extract_followup(interaction, CustomerContext())
    if interaction.lang == "zh":
        assert len(fields.summary) <= ZH_MAX_CHARS + 1  # the closing full stop
    else:
        assert len(fields.summary.split()) <= EN_MAX_WORDS
