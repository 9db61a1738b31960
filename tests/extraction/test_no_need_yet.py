"""A customer saying they have no need yet is a lead, whatever courtesy follows; a deferral alone is not."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    "turns",
    [
        # asking for material after saying there is no need is a courtesy, not a confirmed need
        [
            ("rep", "Hi Tom, we make label printers for warehouses. Is now a good time?"),
            ("customer", "Honestly we're not really looking at anything. Send me a brochure though."),
        ],
        [
            ("rep", "We help clinics digitise patient intake."),
            ("customer", "I'm not sure we even need that. Just gathering information for my manager."),
            ("rep", "Understood, I'll email a short overview."),
        ],
        [
            ("rep", "张经理您好，我们做车间照明改造的"),
            ("customer", "需不需要换我也说不好，领导还没提。你发点资料过来吧"),
        ],
        [
            ("rep", "Our scheduling tool cuts overtime for call centres."),
            ("customer", "Interesting, but it's not on our roadmap right now. Happy to read something."),
        ],
    ],
)
def test_no_need_yet_outweighs_a_request_for_material(turns: list[tuple[str, str]]) -> None:
    assert extract(chat(*turns)).stage is Stage.LEAD


@pytest.mark.parametrize(
    "turns",
    [
        # the same courtesy without the no-need statement is interest
        [
            ("rep", "Hi Tom, we make label printers for warehouses."),
            ("customer", "Send me a brochure, we might add a second line."),
        ],
        # a double negative states the need ('不换不行了')
        [
            ("rep", "您那边的老锅炉今年考虑换吗？"),
            ("customer", "环保查得紧，不换不行了，确实要换，你们先来看看现场"),
        ],
        # wanting one, with the budget deferred ('到时候再说'), is still a stated need
        [
            ("rep", "上次展会聊的那台清洗机您还考虑吗"),
            ("customer", "想要一台，但今年预算用完了，明年报了预算到时候再说"),
        ],
    ],
)
def test_a_stated_need_is_intent(turns: list[tuple[str, str]]) -> None:
    assert extract(chat(*turns)).stage is Stage.INTENT


def test_a_negation_reaches_past_a_degree_adverb() -> None:
    # "not really looking at" negates the cue "looking at" just as "not looking at" does
    note = "cold call to a bakery chain, the owner said they are not really looking at new ovens"
    assert extract(dictation(note)).stage is Stage.LEAD
