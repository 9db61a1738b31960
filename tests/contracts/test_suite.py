"""The `contracts` eval suite: prediction shape on a generated PDF and FORMAT.md's scoring."""

from __future__ import annotations

from pathlib import Path

from evaluators.suites.contracts import ContractsSuite, field_correct


def test_predict_shape(tmp_path: Path, zh_pdf: bytes) -> None:
    (tmp_path / "c.pdf").write_bytes(zh_pdf)
    case = {"id": "t1", "pdf": "c.pdf", "_base_dir": str(tmp_path), "requirements": {"warranty_months": 24}}
    pred = ContractsSuite().predict(case)
    assert pred is not None and len(pred["fields"]) == 12 and pred["diffs"] == ["warranty_months"]


def test_field_rules() -> None:
    assert field_correct("parties", {"party_a": "甲公司", "party_b": "乙（北京）公司"},
                         {"party_a": "甲 公司", "party_b": "乙公司"})  # fmt: skip
    assert field_correct("term", {"start": None, "end": "2027-01-01", "months": None}, {"end": "2027-01-01"})
    assert field_correct("acceptance", {"days": 5, "criteria_must_mention": ["72小时"]},
                         {"days": 5, "criteria": "连续 72 小时运行"})  # fmt: skip
    assert not field_correct("warranty_months", None, 12)
    assert field_correct("dispute_resolution", {"method": "arbitration", "venue": "New York"},
                         {"method": "arbitration", "venue": "AAA in New York, New York"})  # fmt: skip


def test_score_counts_only_labelled_fields_and_micro_diffs() -> None:
    cases = [
        {
            "id": "a",
            "requirements": {"x": 1},
            "expected": {"fields": {"warranty_months": 12}, "diffs": ["term"]},
        },
        {"id": "b", "expected": {"fields": {"signing_date": "2026-01-01", "warranty_months": None}}},
    ]
    preds = [
        {"id": "a", "predicted": {"fields": {"warranty_months": 12}, "diffs": ["term", "payment_terms"]}},
        {"id": "b", "predicted": None, "error": "boom"},
    ]
    s = ContractsSuite().score(cases, preds)
    assert s["field_accuracy"] == 1 / 3 and s["headline"] == s["field_accuracy"]
    assert s["diff_precision"] == 0.5 and s["diff_recall"] == 1.0
    assert s["warranty_months_accuracy"] == 0.5 and "term_accuracy" not in s
