"""The release gate on the redaction corpus: no personal value left readable, under 2% of business
numbers masked by mistake."""

from __future__ import annotations

from pathlib import Path

from evaluators.cases import predict_all, read_cases
from evaluators.suites.redaction import RedactionSuite

CORPUS = Path(__file__).resolve().parents[2] / "evaluators" / "data" / "redaction-corpus.jsonl"


def test_redaction_corpus_gate() -> None:
    suite = RedactionSuite()
    cases = read_cases(CORPUS)
    scores = suite.score(cases, list(predict_all(suite, cases)))
    assert scores["cases"] >= 200
    assert scores["leaked"] == 0
    assert scores["near_miss_false_mask_rate"] < 0.02
    assert scores["recall"] >= 0.98


def test_a_leak_is_counted_when_digits_survive_in_another_spelling() -> None:
    case = {"id": "x", "text": "手机 139 1234 5678", "pii": [{"type": "phone", "value": "139 1234 5678"}]}
    pred = {"id": "x", "predicted": {"masked": "手机 一三九一二三四五六七八", "spans": []}}
    scores = RedactionSuite().score([case], [pred])
    assert scores["leaked"] == 1 and scores["recall"] == 0
