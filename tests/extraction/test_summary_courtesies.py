"""Turns that carry nothing take no room in the summary: sign-offs and acknowledgements (没问题,
那先这样, 拜拜, "Works for us", "thanks everyone", "Bye", "Noted") and bare attachments or
placeholders ([表情], [语音转文字], [文件] 报价单.pdf). A short reply that says something (可以签)
stays a candidate. The wording is this file's own; the first two cases fail without the change."""

from __future__ import annotations

from copilot.extraction.summary import _EN_ACK, _ZH_EMPTY
from tests.extraction.builders import call, chat, extract

EN_REF = "2026-05-20T10:00:00-04:00"


def test_sign_offs_take_no_room_in_a_chinese_call() -> None:
    talk = call(
        (0, 10, "customer", "你们的离心机报价我们看了 单价能不能再降两个点"),
        (10, 20, "rep", "我回去申请 周五给您答复"),
        (20, 25, "customer", "没问题"),
        (25, 30, "rep", "好 那先这样 谢谢各位"),
        (30, 32, "customer", "拜拜"),
    )
    summary = extract(talk).summary
    assert "没问题" not in summary and "先这样" not in summary and "拜拜" not in summary


def test_placeholders_and_sign_offs_take_no_room_in_a_chat() -> None:
    talk = chat(
        ("rep", "[文件] 冷库改造方案.pdf"),
        ("customer", "[表情]"),
        ("customer", "Works for us. We will sign the revised order on Friday."),
        ("rep", "Noted. Thanks everyone, bye."),
        ref=EN_REF,
    )
    summary = extract(talk).summary
    assert ".pdf" not in summary and "[表情]" not in summary
    assert "Works for us" not in summary and "Noted" not in summary and "sign the revised order" in summary


def test_what_counts_as_empty() -> None:
    for empty in ("没问题", "好 那先这样 谢谢各位", "[语音转文字]", "[文件] 报价单V2.pdf", "可以", "行"):
        assert _ZH_EMPTY.match(empty), empty
    for kept in ("可以签", "合同今天盖章了", "行程单发您了"):
        assert not _ZH_EMPTY.match(kept), kept
    assert _EN_ACK.sub("", "Works for us; we sign Friday") == "we sign Friday"
