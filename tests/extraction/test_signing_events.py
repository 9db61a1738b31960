"""Stage: signing events in their common shapes. A stamped or signed contract's scan or photo sent over
is won; the price agreed with only the contract left ('价格谈妥了 就差合同') is negotiation; the
customer's side saying it signed with someone named is lost, while the rep saying the deal was signed
with the customer is won. A decision to work with another firm or another brand chosen (引进的是另外一个
牌子) is lost, while another firm's equipment in use is no choice made; a deposit sent over (定金…打过来了)
is won. The wording is this file's own. Without the change, the first four cases of the first test and
every case of the second read as lead. A lost word as the consequence of a condition (超了他就不做了)
decides nothing, while the same word stated plainly still loses; a signing said with its hour of the
day (今天下午签下来了) is won: without the change, those two cases read as lost and lead."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (dictation("嗯 展会上认识的那家 昨天下午把购销合同盖章扫描件发过来了 原件下周寄"), Stage.WON),
        (dictation("那个物业公司 今天单价谈妥了 就差合同里付款那一条 他们说月底前签"), Stage.NEGOTIATION),
        (dictation("城西那个项目 对方说已经跟另一个品牌的经销商签了 我们报价高了"), Stage.LOST),
        (chat(("customer", "不好意思，我们已经和本地一家公司签约了")), Stage.LOST),
        (dictation("好消息 今天已经跟他们签了合同 首付款下周到"), Stage.WON),
    ],
)
def test_signing_events(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (chat(("customer", "集团定了，我们已经决定跟本地的能源公司合作。")), Stage.LOST),
        (chat(("customer", "不好意思，这次引进的是另外一个牌子，进场费给得多")), Stage.LOST),
        (dictation("老客户 第二批货定了 定金百分之三十今天下午已经打过来了 剩下货到付清"), Stage.WON),
    ],
)
def test_choices_and_deposits(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]


def test_an_incumbent_in_use_is_not_a_choice_made() -> None:
    fields = extract(chat(("customer", "我们现在用的是另外一家的设备，还行"), ("rep", "那我下周带样品过来")))
    assert fields.stage is not Stage.LOST


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (
            dictation(
                "给王老板讲了光伏方案 他说总投资最好控制在八十万以内 超了他就不做了 我回去重新出图报价"
            ),
            Stage.PROPOSAL,
        ),
        (dictation("跟您汇报一下 那个展台今天下午签下来了 预付款说明天安排"), Stage.WON),
        (dictation("王老板说我们报价太高 已经不做了"), Stage.LOST),
    ],
)
def test_a_condition_is_no_decision_and_a_signing_has_its_hour(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]
