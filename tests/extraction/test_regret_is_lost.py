"""A customer's regret said beside a decision or another party is how a deal is lost; a courtesy or a
decision that only puts the deal off is not."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, extract


@pytest.mark.parametrize(
    "turns",
    [
        # none of these says lost in a listed wording: the regret beside the decision does
        [
            ("rep", "郑总，上次的消毒设备报价您看了吗？"),
            ("customer", "抱歉啊，这批活已经给我们一个老朋友的厂做了"),
        ],
        [
            ("rep", "Hi Priya, any update on the signage quote?"),
            ("customer", "Sorry Tom, the owners decided to keep the old boards and just repaint them."),
        ],
        [
            ("rep", "Mr. Obi, how did the review go?"),
            ("customer", "Unfortunately the ministry signed an exclusive framework with a state supplier."),
        ],
        [
            ("rep", "李经理，方案还需要调整吗？"),
            ("customer", "不好意思，领导拍板用集团统一的系统了"),
        ],
    ],
)
def test_regret_beside_a_decision_is_lost(turns: list[tuple[str, str]]) -> None:
    assert extract(chat(*turns)).stage is Stage.LOST


@pytest.mark.parametrize(
    "turns",
    [
        # a courtesy, with the deal going ahead
        [
            ("rep", "Hi Dana, any news on the forklift fleet proposal?"),
            ("customer", "Sorry for the late reply. We decided to go ahead, please send the contract."),
        ],
        # a decision that only puts the deal off
        [
            ("rep", "Mr. Tan, about the dust collector quote, any decision?"),
            ("customer", "Our new director decided to postpone all equipment to next year. Sorry."),
        ],
        # regret with no decision in it
        [
            ("rep", "王经理，样品测试结果出来了吗？"),
            ("customer", "不好意思，实验室这周排满了，测试还没做"),
        ],
    ],
)
def test_a_courtesy_or_a_put_off_is_not_lost(turns: list[tuple[str, str]]) -> None:
    assert extract(chat(*turns)).stage is not Stage.LOST
