"""Input validation and flattening: offsets index into Interaction.text; errors say what to fix."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from copilot.domain import InputKind, Speaker
from copilot.errors import InputTooLarge, InvalidInput
from copilot.followups.interactions import build_interaction, from_wecom_archive

REF = datetime.fromisoformat("2026-05-20T10:00:00+08:00")


def test_dictation_is_one_rep_segment() -> None:
    it = build_interaction({"kind": "dictation", "text": "今天见了王总 下周二发报价"}, REF)
    assert it.kind is InputKind.DICTATION and it.lang == "zh"
    assert it.segments[0].speaker is Speaker.REP and it.segments[0].offset == 0
    assert it.text == "今天见了王总 下周二发报价"


def test_chat_segments_point_at_their_text() -> None:
    payload = {
        "kind": "chat",
        "messages": [
            {"at": "2026-05-20T09:00:00+08:00", "from": "customer", "name": "王经理", "text": "报价收到了"},
            {"at": "2026-05-20T09:05:00+08:00", "from": "rep", "name": "张伟", "text": "好的 周五前改一版"},
        ],
    }
    it = build_interaction(payload, REF)
    assert it.kind is InputKind.CHAT
    assert it.text.splitlines()[0] == "客户(王经理): 报价收到了"
    for seg in it.segments:
        assert it.text[seg.offset : seg.end] == seg.text
    assert [s.speaker for s in it.segments] == [Speaker.CUSTOMER, Speaker.REP]


def test_call_keeps_timings() -> None:
    payload = {
        "kind": "call",
        "segments": [
            {"start_s": 0, "end_s": 4.5, "speaker": "rep", "text": "Hi, it's Evan."},
            {"start_s": 5, "end_s": 9, "speaker": "customer", "text": "Sure, go ahead."},
        ],
    }
    it = build_interaction(payload, REF)
    assert it.lang == "en"
    assert it.segments[1].start_s == 5.0 and it.segments[1].end_s == 9.0
    assert it.text[it.segments[1].offset : it.segments[1].end] == "Sure, go ahead."


def test_wecom_archive_orders_messages_and_skips_non_text() -> None:
    records = [
        {"msgid": "2", "from": "wmABC", "tolist": ["zhangwei"], "msgtime": 1779242700000,
         "msgtype": "text", "text": {"content": "价格能便宜点吗"}},
        {"msgid": "1", "from": "zhangwei", "tolist": ["wmABC"], "msgtime": 1779242400000,
         "msgtype": "text", "text": {"content": "报价发您了"}},
        {"msgid": "3", "from": "wmABC", "tolist": ["zhangwei"], "msgtime": 1779242800000,
         "msgtype": "image", "image": {"md5sum": "x"}},
    ]  # fmt: skip
    it = from_wecom_archive(records, REF)
    assert [s.text for s in it.segments] == ["报价发您了", "价格能便宜点吗"]
    assert [s.speaker for s in it.segments] == [Speaker.REP, Speaker.CUSTOMER]
    assert it.segments[0].at is not None and it.segments[0].at.tzinfo is not None
    # explicit rep ids win over the wm/wo convention
    it2 = build_interaction({"kind": "wecom", "records": records, "rep_ids": ["wmABC"]}, REF)
    assert [s.speaker for s in it2.segments] == [Speaker.CUSTOMER, Speaker.REP]


@pytest.mark.parametrize(
    ("payload", "word"),
    [
        ({"kind": "dictation", "text": "   "}, "empty"),
        ({"kind": "dictation", "text": 123}, "text"),
        ({"kind": "dictation"}, "text"),
        ({"kind": "fax", "text": "hi"}, "kind"),
        ({"text": "hi"}, "kind"),
        ({"kind": "chat", "messages": [{"from": "rep"}]}, "text"),
        ({"kind": "chat", "messages": "nope"}, "messages"),
        ({"kind": "chat", "messages": [{"from": "boss", "text": "hi"}]}, "speaker"),
        ({"kind": "chat", "messages": [{"from": "rep", "text": "hi", "at": "yesterday"}]}, "ISO"),
        ({"kind": "chat", "messages": [{"from": "rep", "text": " "}]}, "empty"),
        ({"kind": "call", "segments": "nope"}, "segments"),
        ({"kind": "call", "segments": [{"start_s": 5, "end_s": 2, "speaker": "rep", "text": "x"}]}, "before"),
        (
            {"kind": "call", "segments": [{"start_s": "0", "end_s": 2, "speaker": "rep", "text": "x"}]},
            "start_s",
        ),
        ({"kind": "wecom", "records": [{"msgtype": "text", "from": "u1", "msgtime": "x"}]}, "msgtime"),
        ({"kind": "wecom", "records": [], "rep_ids": "u1"}, "rep_ids"),
    ],
)
def test_bad_input_is_rejected_with_an_actionable_message(payload: dict[str, Any], word: str) -> None:
    with pytest.raises(InvalidInput) as err:
        build_interaction(payload, REF)
    assert word in err.value.message


def test_limits() -> None:
    with pytest.raises(InputTooLarge, match="5000"):
        build_interaction({"kind": "dictation", "text": "很" * 6000}, REF, max_chars=5000)
    msgs = [{"from": "rep", "text": "hi"}] * 3
    with pytest.raises(InputTooLarge, match="2"):
        build_interaction({"kind": "chat", "messages": msgs}, REF, max_messages=2)


def test_naive_reference_time_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="offset"):
        build_interaction({"kind": "dictation", "text": "hi"}, datetime(2026, 5, 20))


def test_word_spaced_voice_text_is_joined_into_words_with_fillers_as_breaks() -> None:
    from copilot.followups.interactions import join_word_spaces

    spaced = "嗯 明德中学 那个 智慧教室 的 单子 丢了 他们 校长 最后 还是 选了 希沃"
    assert join_word_spaces(spaced) == "嗯 明德中学 那个 智慧教室的单子丢了他们校长最后还是选了希沃"
    by_clause = "今天去了苏州恒拓 周工讲了十来分钟伺服报警停机的问题 这家是上个月12号在工博会上认识的"
    assert join_word_spaces(by_clause) == by_clause
    assert (
        join_word_spaces("Call with Mr. Sun about the 合同 terms") == "Call with Mr. Sun about the 合同 terms"
    )
