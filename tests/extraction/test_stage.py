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


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("王姐 发票今天已经开出来了 顺丰单号麻烦留意", Stage.WON),  # an invoice follows a sale
        ("[转账] 已向你转账 ¥18,000.00", Stage.WON),
        ("小店十二台收银机今天全款到了 搞定", Stage.WON),
        ("they sent the PO for another twelve lifts this morning", Stage.WON),
        ("Our owner signed this morning. Signed copy attached.", Stage.WON),
        ("他们上个月已经跟另一家签了 合同都签了", Stage.LOST),  # someone else signed
        ("领导决定自己开发了 信息部新招了几个人", Stage.LOST),
        ("Leadership decided to build the workflow in-house with their own team", Stage.LOST),
        ("they picked a competitor's suite over us on price", Stage.LOST),
    ],
)
def test_outcomes_read_from_what_follows_them(text: str, stage: Stage) -> None:
    assert extract(dictation(text)).stage is stage


def test_the_reps_conditional_offer_is_no_confirmed_interest() -> None:
    offer = chat(("rep", "我们下月有个沙龙 您有兴趣的话可以来听听"), ("customer", "好的"))
    assert extract(offer).stage is Stage.LEAD
    stated = chat(("rep", "这块您怎么考虑"), ("customer", "我们确实有兴趣 想先看看"))
    assert extract(stated).stage is Stage.INTENT


def test_a_soft_no_after_a_quote_is_a_decline_but_on_a_fresh_lead_no_need_yet() -> None:
    after_quote = dictation("上周把方案和报价发给他了 今天他说今年先不做了")
    assert extract(after_quote).stage is Stage.LOST
    open_deal = dictation("他说今年先不做了")
    assert extract(open_deal, CustomerContext(current_stage=Stage.PROPOSAL)).stage is Stage.LOST
    assert extract(dictation("他说今年先不做了")).stage is Stage.LEAD


def test_spelled_letters_and_misheard_words_in_voice_notes() -> None:
    note = dictation("那个 单子 成了 他们 采购 早上 把 p o 发过来了 三百台 手持终端")
    assert extract(note).stage is Stage.WON
    stamped = dictation("总经理 下午 在 和同 上 签了字 盖了章 原件 已经 寄回来了")
    assert extract(stamped).stage is Stage.WON
    assert "合同" in stamped.text  # the stored reading says what was meant
