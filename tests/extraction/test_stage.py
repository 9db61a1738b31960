"""Stage after the interaction: outcomes override, furthest-along cue wins, negation and deferral."""

from __future__ import annotations

import pytest

from copilot.domain import CustomerContext, Stage
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("合同今天盖好章寄回来了 预付款下周一打过来", Stage.WON),
        ("订单今天下了 PO已经发过来了", Stage.WON),
        ("the owner signed the purchase agreement this morning", Stage.WON),
        ("他们最后选了G7 已经签了 主要是嫌我们贵", Stage.LOST),  # signed, but with a competitor
        ("集团统一用钉钉 你们这个我们就不考虑了", Stage.LOST),
        ("they cancelled the line three upgrade", Stage.LOST),
        ("院长要求打九折 还想分三期付款", Stage.NEGOTIATION),
        ("they want net sixty and a four percent volume discount", Stage.NEGOTIATION),
        ("我把铺货方案和价格表给他过了一遍", Stage.PROPOSAL),
        ("我下周一前把新方案发过去", Stage.PROPOSAL),
        ("他们明确说想先换两条线试试 测完再出方案", Stage.INTENT),  # the proposal is deferred
        ("她确认想要一台口扫 约了12月15号来门诊做演示", Stage.INTENT),
        ("她说暂时没有换系统的计划 就是先了解了解", Stage.LEAD),
        ("she's not looking right now, said keep in touch", Stage.LEAD),
    ],
)
def test_stage_cues(text: str, stage: Stage) -> None:
    fields = extract(dictation(text))
    assert fields.stage is stage
    assert fields.evidence["stage"].quote in text


def test_signing_not_yet_done_is_not_won() -> None:
    assert extract(dictation("采购说下周预算批下来就签 今天在谈折扣")).stage is Stage.NEGOTIATION
    assert extract(dictation("合同还没签 对方在看条款")).stage is Stage.NEGOTIATION
    assert extract(dictation("she said they're ready to sign if we meet them at two percent off")).stage is (
        Stage.NEGOTIATION
    )


def test_won_tender_is_not_a_won_deal() -> None:
    assert extract(dictation("我们中标了 现在谈合同")).stage is Stage.NEGOTIATION


def test_considering_is_not_declining() -> None:
    assert extract(dictation("他说考虑一下 有兴趣")).stage is Stage.INTENT
    assert extract(dictation("他说暂时不考虑了")).stage is Stage.LEAD


def test_no_cue_falls_back_to_crm_then_lead() -> None:
    silent = chat(("customer", "好的 收到"))
    crm = extract(silent, CustomerContext(current_stage=Stage.PROPOSAL))
    assert crm.stage is Stage.PROPOSAL and crm.provenance["stage"] == "crm"
    assert extract(silent).stage is Stage.LEAD


def test_weak_evidence_does_not_move_an_open_deal_backwards() -> None:
    fields = extract(dictation("约了下周二去演示"), CustomerContext(current_stage=Stage.NEGOTIATION))
    assert fields.stage is Stage.NEGOTIATION
