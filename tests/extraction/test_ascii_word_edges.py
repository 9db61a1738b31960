"""Lexicon cues written with English word edges (\\bCFO\\b, \\bPO\\b) match an English word set
straight against Chinese text ('最后CFO签字', '把PO发给你们了'): a Chinese character is no letter,
so it is a word edge. Inside an English word the edge still holds ('CFOs' is not 'CFO' plus 's', 'POS'
is no purchase order). Without the change, the first two cases find nothing."""

from __future__ import annotations

from copilot.domain import Signal, Stage
from tests.extraction.builders import chat, extract


def test_a_title_against_chinese_text_is_a_decision_maker() -> None:
    fields = extract(chat(("customer", "我们行政牵头，财务要看费用，最后CFO签字。"), ("rep", "明白")))
    assert Signal.DECISION_MAKER in {s.signal for s in fields.signals}


def test_a_po_against_chinese_text_is_an_order() -> None:
    fields = extract(chat(("customer", "采购已经把PO发给你们了，查收一下"), ("rep", "收到，谢谢")))
    assert fields.stage is Stage.WON


def test_the_edge_still_holds_inside_english_words() -> None:
    fields = extract(chat(("customer", "我们门店的POS系统想换一套"), ("rep", "好的，我下周带样机过去")))
    assert fields.stage is not Stage.WON
