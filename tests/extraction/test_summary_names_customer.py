"""The summary names whom it was with, as the input itself calls them, when there is room: the
longest part of the CRM's name the input says, never a part every company has (公司, 集团, Group).
Nothing is named when the input does not name the customer, and nothing is dropped to make room.
The wording is this file's own; the first two cases fail without the change."""

from __future__ import annotations

from copilot.domain import CustomerContext
from tests.extraction.builders import call, dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"


def test_the_customer_as_the_input_calls_them_is_named() -> None:
    talk = call(
        (0, 5, "rep", "喂 您好 是安泰精密设备科吗 我是华能节电的小李"),
        (5, 8, "customer", "是的 什么事"),
        (8, 20, "rep", "上次王科长说三台空压机想换变频的 我们把改造方案和节能测算都做好了"),
        (20, 30, "customer", "哦 那你发过来吧 我们领导要看"),
        (30, 40, "rep", "好的 下周三之前我把方案和测算发到您邮箱"),
    )
    fields = extract(talk, CustomerContext(name="安泰精密制造有限公司"))
    assert fields.summary.startswith("安泰精密")
    assert len(fields.summary) <= 80


def test_an_english_customer_is_named_by_the_words_the_note_uses() -> None:
    talk = call(
        (0, 5, "rep", "Hi, is this Priya at Harbourline?"),
        (5, 8, "customer", "Speaking."),
        (8, 20, "rep", "I have the forklift fleet quote ready, I can send it by Friday."),
        (20, 25, "customer", "Great, Friday works."),
        ref=EN_REF,
    )
    fields = extract(talk, CustomerContext(name="Harbourline Logistics Group"))
    assert fields.summary.startswith("Harbourline")
    assert len(fields.summary.split()) <= 40


def test_no_name_when_the_input_does_not_say_it() -> None:
    note = "跟设备科聊了空压机改造 下周三把方案发过去"
    fields = extract(dictation(note), CustomerContext(name="安泰精密制造有限公司"))
    assert "安泰" not in fields.summary
    assert "公司" not in fields.summary


def test_a_generic_part_of_the_name_is_never_the_name() -> None:
    note = "公司那边说预算批了 下周三把合同发过去"
    named = extract(dictation(note), CustomerContext(name="宏达机械有限公司"))
    assert named.summary == extract(dictation(note)).summary
