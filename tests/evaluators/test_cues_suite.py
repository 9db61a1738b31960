"""The `cues` suite reads each note as a dictation and scores one labelled field exactly."""

from __future__ import annotations

import pytest

from copilot.errors import InvalidInput
from evaluators.suites.cues import CuesSuite


def test_cues_suite_predicts_and_scores_per_label() -> None:
    suite = CuesSuite()
    cases = [
        {"id": "a", "lang": "zh", "text": "客户今天下了采购单 三十台", "stage": "won"},
        {"id": "b", "lang": "en", "text": "They went with a cheaper local supplier.", "stage": "lost"},
        {"id": "c", "lang": "zh", "text": "去年展会上认识的 聊了需求", "source_channel": "trade_show"},
        {"id": "d", "lang": "zh", "text": "今天聊了聊需求", "source_channel": None},
    ]
    preds = [{"id": c["id"], "predicted": suite.predict(c)} for c in cases]
    assert preds[0]["predicted"] == {"stage": "won"}
    assert preds[2]["predicted"] == {"source_channel": "trade_show"}
    assert preds[3]["predicted"] == {"source_channel": None}
    preds[1]["predicted"] = {"stage": "lead"}  # a wrong answer counts against its label only
    metrics = suite.score(cases, preds)
    assert metrics["headline"] == pytest.approx(0.75)
    assert metrics["acc_lost"] == 0.0
    assert metrics["acc_won"] == 1.0
    assert metrics["acc_null"] == 1.0


@pytest.mark.parametrize(
    "case",
    [
        {"id": "x", "text": "", "stage": "won"},
        {"id": "x", "text": "下单了"},
        {"id": "x", "text": "下单了", "stage": "won", "source_channel": "website"},
    ],
)
def test_cues_suite_rejects_malformed_cases(case: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        CuesSuite().predict(case)


def test_cues_suite_scores_signal_sets() -> None:
    suite = CuesSuite()
    cases = [
        {
            "id": "a",
            "lang": "zh",
            "text": "客户嫌贵 说别家便宜两成",
            "signals": ["competitor", "objection", "price"],
        },
        {"id": "b", "lang": "zh", "text": "今天聊了聊需求", "signals": []},
    ]
    predicted = suite.predict(cases[0])
    assert predicted is not None and "price" in predicted["signals"]
    preds = [
        {"id": "a", "predicted": {"signals": ["price", "objection", "budget"]}},
        {"id": "b", "predicted": {"signals": []}},
    ]
    metrics = suite.score(cases, preds)
    assert metrics["precision"] == pytest.approx(2 / 3)
    assert metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["headline"] == pytest.approx(2 / 3)
    assert metrics["f1_competitor"] == 0.0
    assert metrics["f1_price"] == 1.0
