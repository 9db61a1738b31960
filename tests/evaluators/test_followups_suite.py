"""The followups suite: prediction shape and FORMAT.md's scores, on a few copied dev cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evaluators.suites.followups import FollowUpsSuite, summary_covers

CASES = Path(__file__).parent.parent / "fixtures" / "followups" / "cases.jsonl"


def _cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_prediction_has_the_expected_keys() -> None:
    suite = FollowUpsSuite()
    for case in _cases():
        pred = suite.predict(case)
        assert pred is not None
        assert set(pred) == set(case["expected"]) - {"summary_must_mention"} | {"summary"}
        assert set(pred["quality"]) == {"discovery_3plus", "pain_2min", "next_step", "high_quality"}


def test_fixture_cases_score_well() -> None:
    suite = FollowUpsSuite()
    cases = _cases()
    preds = [{"id": c["id"], "predicted": suite.predict(c)} for c in cases]
    scores = suite.score(cases, preds)
    assert scores["headline"] >= 0.8
    assert scores["signals_f1"] >= 0.8


def test_perfect_and_null_predictions() -> None:
    suite = FollowUpsSuite()
    cases = _cases()
    perfect = []
    for c in cases:
        exp = dict(c["expected"])
        exp["summary"] = "".join(group[0] for group in exp.pop("summary_must_mention"))
        perfect.append({"id": c["id"], "predicted": exp})
    scores = suite.score(cases, perfect)
    assert scores["headline"] == 1.0 and scores["quality"] == 1.0 and scores["signals_f1"] == 1.0
    nulls = suite.score(cases, [{"id": c["id"], "predicted": None} for c in cases])
    assert nulls["headline"] == 0.0 and nulls["quality"] == 0.0 and nulls["signals_recall"] == 0.0


def test_summary_coverage_rule() -> None:
    assert summary_covers("约了下周二 带 样机 现场测", [["样机", "测试"], ["下周二"]], "zh")
    assert not summary_covers("约了下周二", [["样机"]], "zh")
    assert not summary_covers("样" * 81, [["样"]], "zh")
    assert summary_covers("Booked a DEMO", [["demo"]], "en")
    assert not summary_covers("demo " * 41, [["demo"]], "en")
