"""Stage: what a proposal word means in its sentence. A proposal promised only after a pre-sale step
('先到厂里走一遍，再给您出方案') leaves the deal at the step, as the English rule already did; a
proposal or quote word naming a person or a team (方案顾问, 报价专员) offers nothing; '看过…方案' is a
solution seen (过 as the aspect particle), not one gone through with the customer. Each guard keeps
its plain case: a proposal sent or promised outright is still a proposal. The wording is this file's
own. Without the change, the first three cases read as proposal."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    "interaction",
    [
        chat(
            ("customer", "巡检系统我们今年确实要做，厂长拍板，预算够"),
            ("rep", "我建议先带工程师到厂里把现场走一遍，看看接口，然后给您出方案"),
            ("customer", "行，下周四来吧"),
        ),
        chat(
            ("customer", "我们确实要换一套排线系统，每天两千多单"),
            ("rep", "明白，那我约我们方案顾问给您做个在线演示"),
            ("customer", "可以，最好这周内"),
        ),
        dictation("今天跟王总聊了 他去年在展会上看过我们的巡检方案 这次确实想做 约了下周二去电站试飞"),
    ],
)
def test_a_proposal_word_that_offers_nothing_yet(interaction: object) -> None:
    assert extract(interaction).stage is Stage.INTENT  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "interaction",
    [
        chat(
            ("customer", "我们今年必须把巡检系统上线"),
            ("rep", "好的，我这周五给您出方案"),
        ),
        chat(
            ("customer", "We definitely need a new routing system this year."),
            ("rep", "Great, I'll send the proposal on Friday."),
        ),
        dictation("今天跟王总过了一遍方案 他说基本符合要求"),
    ],
)
def test_a_proposal_made_or_promised_outright_is_still_one(interaction: object) -> None:
    assert extract(interaction).stage is Stage.PROPOSAL  # type: ignore[arg-type]
