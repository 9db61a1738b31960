"""Source channel: where the customer came to know us, when that place is none of the listed
channels ('在读书会的群里听说我们的', 'read about you in a university case study'), is `other`; a
listed channel said the same way keeps its own name, and seeing something else there is no origin.
The wording is this file's own; the first two cases fail without the change."""

from __future__ import annotations

from copilot.domain import Channel
from tests.extraction.builders import dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"


def test_heard_of_us_in_a_group_is_other() -> None:
    note = "周经理是在一个读书会的群里听说我们的 今天第一次打电话 问了仓库的情况"
    fields = extract(dictation(note))
    assert fields.source_channel is Channel.OTHER
    assert "听说我们" in fields.evidence["source_channel"].quote


def test_read_about_us_in_a_study_is_other() -> None:
    note = "Their plant manager read about us in a university case study and asked for a call."
    assert extract(dictation(note, ref=EN_REF)).source_channel is Channel.OTHER


def test_a_listed_channel_said_the_same_way_keeps_its_name() -> None:
    note = "周经理是在抖音上看到我们的 今天第一次打电话 问了仓库的情况"
    assert extract(dictation(note)).source_channel is Channel.SOCIAL_MEDIA


def test_seeing_something_else_there_is_no_origin() -> None:
    note = "周经理在报价单上看到运费单列 觉得不合理 我说下周一把新报价发他"
    assert extract(dictation(note)).source_channel is None
