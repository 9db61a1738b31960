"""Stage: terms are negotiated over an offer. A customer asking about a discount before any price or
proposal has been given is enquiring, not negotiating; the same question after the rep's price, after
a quote was sent, with a counter-offer of its own, or on a deal the CRM has at proposal is haggling.
The wording is this file's own. Without the change, the two enquiry cases read as negotiation."""

from __future__ import annotations

import pytest

from copilot.domain import CustomerContext, Stage
from tests.extraction.builders import chat, extract


@pytest.mark.parametrize(
    "interaction",
    [
        chat(
            ("rep", "李经理您好，这是我们冷库工程的介绍资料"),
            ("customer", "我们今年确实要建一个冷库，预算大概八十万"),
            ("customer", "单价大概多少？有没有折扣？"),
            ("rep", "好的，下周一带工程师去现场看看"),
        ),
        chat(
            ("rep", "Hi Dana, here's our brochure on the uniform programme."),
            ("customer", "We do need new uniforms for 300 staff this year."),
            ("customer", "Is there any discount for a volume like that?"),
            ("rep", "Let me visit your site on Monday to measure up."),
        ),
    ],
)
def test_a_discount_asked_before_any_offer_is_an_enquiry(interaction: object) -> None:
    assert extract(interaction).stage is Stage.INTENT  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "interaction",
    [
        chat(
            ("customer", "200套重型货架多少钱？"),
            ("rep", "200套的话出厂价680元一套"),
            ("customer", "有没有折扣？"),
        ),
        chat(
            ("customer", "price for 200 sets heavy duty?"),
            ("rep", "around 680 rmb/set ex-factory"),
            ("customer", "can do 620?"),
        ),
        chat(
            ("rep", "报价单昨天已经发给您了"),
            ("customer", "能不能再便宜点？"),
        ),
    ],
)
def test_the_same_question_over_an_offer_is_haggling(interaction: object) -> None:
    assert extract(interaction).stage is Stage.NEGOTIATION  # type: ignore[arg-type]


def test_a_deal_already_at_proposal_in_the_crm_haggles() -> None:
    interaction = chat(("customer", "单价大概多少？有没有折扣？"))
    customer = CustomerContext(current_stage=Stage.PROPOSAL)
    assert extract(interaction, customer).stage is Stage.NEGOTIATION
