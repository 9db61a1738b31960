"""The competitor signal from the customer's current or chosen provider, said without a competitor
word: an outside firm already signed (外面一家), the one doing it now (现在是…在做, 现在那家), the bidder
ranked first (第一那家), and "went with" a named product. Guard: "went with us" names no competitor.
The wording is this file's own. Without the change, every case of the first test fails."""

from __future__ import annotations

import pytest

from tests.extraction.builders import chat, dictation, extract

EN_REF = "2026-06-10T11:00:00+01:00"


def _signals(interaction: object) -> set[str]:
    return {hit.signal.value for hit in extract(interaction).signals}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "interaction",
    [
        chat(("customer", "保洁这块不用了，我们跟外面一家物业服务公司签了")),
        dictation("给一家连锁超市打了电话 采购说现在是一家本地冷链公司在做 合作三年了"),
        chat(("customer", "现在那家仓年底到期，到时候再看")),
        chat(("customer", "评分出来了，你们第二，第一那家报价低百分之五")),
        dictation("lost the bakery they went with the Orsini dough mixer instead of ours", ref=EN_REF),
    ],
)
def test_the_incumbent_or_the_chosen_provider_is_a_competitor(interaction: object) -> None:
    assert "competitor" in _signals(interaction)


def test_going_with_us_names_no_competitor() -> None:
    assert "competitor" not in _signals(chat(("customer", "Good news, the board went with us."), ref=EN_REF))
