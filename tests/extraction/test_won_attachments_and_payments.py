"""Stage: what follows a sale, in the forms a chat carries it. A deposit or first payment paid or
arrived (定金付了, 到账了 as the reply to a payment), a file attached whose name says it is signed or
stamped, and a purchase order sent as a file are won. A payment still to come is not. The wording is
this file's own. Without the change, the won cases read as lead."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, extract


@pytest.mark.parametrize(
    "interaction",
    [
        chat(("customer", "订金百分之二十已经打过去了，你查一下"), ("rep", "好的")),
        chat(("customer", "款我们财务下午转了"), ("rep", "到账了！谢谢")),
        chat(("customer", "[文件] 清洗设备购销合同-签字盖章版.pdf")),
        chat(("customer", "[File] Service_Agreement_countersigned.pdf"), ("rep", "Thanks, received.")),
        chat(("customer", "[File] PO_88213.pdf"), ("rep", "Received, order confirmation to follow.")),
    ],
)
def test_won_in_a_chat(interaction: object) -> None:
    assert extract(interaction).stage is Stage.WON  # type: ignore[arg-type]


def test_a_deposit_to_come_is_not_won() -> None:
    fields = extract(chat(("customer", "合同下周签，签完定金再付"), ("rep", "好的")))
    assert fields.stage is not Stage.WON
