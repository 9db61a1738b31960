"""Stage: signing events in their common shapes. A stamped or signed contract's scan or photo sent over
is won; the price agreed with only the contract left ('价格谈妥了 就差合同') is negotiation; the
customer's side saying it signed with someone named is lost, while the rep saying the deal was signed
with the customer is won. The wording is this file's own. Without the change, the first four cases
read as lead."""

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
