"""An English deal document said to be done is won, however many words name it; a condition is not."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    "text",
    [
        "The purchase order for the two forklifts and the spare battery pack is signed, finance sent it.",
        "good news, the renewal for all four warehouses was countersigned today",
    ],
)
def test_a_document_done_is_won(text: str) -> None:
    assert extract(dictation(text)).stage is Stage.WON


@pytest.mark.parametrize(
    "text",
    [
        "once the purchase order for the two forklifts is signed we can book the delivery",
        "the contract for the canteens is not signed yet, legal still has comments",
        "they said the order will be placed after the board meets",
    ],
)
def test_a_document_to_be_done_is_not_won(text: str) -> None:
    assert extract(dictation(text)).stage is not Stage.WON


def test_a_question_about_the_document_is_not_won() -> None:
    turns = (("rep", "Hi Ana, is the PO for the cable trays signed?"), ("customer", "Still with purchasing."))
    assert extract(chat(*turns)).stage is not Stage.WON
