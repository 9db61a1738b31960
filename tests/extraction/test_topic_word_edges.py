"""Summary topic: the phrase named up front is set on word edges where it stands. A content word cut
at its start is completed, any other word cut at an edge is dropped, and a phrase holding a question
or a negation is no topic. The sentences are this file's own; the last two tests fail without the
change."""

from __future__ import annotations

from copilot.extraction.summary import SummaryRules, _zh_whole_phrase
from copilot.extraction.text import build_doc
from tests.extraction.builders import dictation


def _at(text: str, phrase: str) -> str | None:
    return _zh_whole_phrase(text, text.index(phrase), phrase)


def test_a_content_word_cut_at_the_start_is_completed() -> None:
    assert _at("园区的VOCs在线监测系统老是掉线", "线监测系统") == "在线监测系统"


def test_a_function_word_cut_at_the_start_is_dropped() -> None:
    assert _at("这次水泵要二十台", "次水泵") == "水泵"


def test_a_word_cut_at_the_end_is_dropped() -> None:
    assert _at("宏达食品想上一台包装机现场要改", "包装机现") == "包装机"


def test_a_question_or_a_negation_is_no_topic() -> None:
    assert _at("这种设备大概什么价位", "设备大概什") is None
    assert _at("他们车间根本没人管", "根本没人管") is None
    assert _at("不锈钢储罐要三台", "不锈钢储罐") == "不锈钢储罐"


def _topic(text: str) -> str | None:
    doc = build_doc(dictation(text))
    found = SummaryRules._main_topic(doc, SummaryRules._topic_counts(doc))
    return found[1] if found else None


def test_the_topic_of_a_note_is_a_whole_word() -> None:
    assert _topic("这次水泵的报价发了 这次水泵要二十台 他说周五给答复") == "水泵"


def test_the_topic_of_a_note_holds_no_negation() -> None:
    topic = _topic("他们车间根本没人管 设备老停机 我下周去看看")
    assert topic is None or "没人管" not in topic
