"""Suite `contracts` of FORMAT.md: a contract PDF -> the 12 fields, and the diff against requirements."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from copilot.contracts.diff import diff_contract
from copilot.contracts.fields import FIELD_NAMES, ContractExtractor, OfflineContractExtractor
from copilot.contracts.normalise import clean_name
from copilot.contracts.pdf import read_pdf
from evaluators.suites.base import Case, Prediction


def _cents(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def _contains_all(text: Any, phrases: Any) -> bool:
    """Every phrase occurs in the text (case-insensitive, spaces ignored)."""
    if not isinstance(text, str):
        return False
    squash = "".join(text.split()).lower()
    return all("".join(str(p).split()).lower() in squash for p in phrases or [])


def field_correct(name: str, expected: Any, predicted: Any) -> bool:
    """FORMAT.md's per-field rule; a null expectation must be predicted null."""
    if expected is None:
        return predicted is None
    if predicted is None:
        return False
    if name in ("signing_date", "warranty_months"):
        return bool(expected == predicted)
    if not isinstance(expected, dict) or not isinstance(predicted, dict):
        return False
    if name == "parties":
        return all(
            isinstance(predicted.get(k), str)
            and isinstance(expected.get(k), str)
            and clean_name(expected[k]) == clean_name(predicted[k])
            for k in ("party_a", "party_b")
        )
    if name == "contract_amount":
        want, got = _cents(expected.get("amount")), _cents(predicted.get("amount"))
        return (
            want is not None
            and want == got
            and str(predicted.get("currency", "")).upper() == str(expected.get("currency")).upper()
        )
    if name == "term":
        if expected.get("months") is not None:
            return bool(expected["months"] == predicted.get("months"))
        return bool(expected.get("end") == predicted.get("end"))
    if name == "delivery_period":
        return bool(
            expected.get("days") == predicted.get("days")
            and expected.get("business_days") == predicted.get("business_days")
        )
    if name == "payment_terms":
        pcts, have = expected.get("installments_pct") or [], predicted.get("installments_pct") or []
        return len(pcts) == len(have) and all(_cents(a) == _cents(b) for a, b in zip(pcts, have, strict=True))
    if name == "acceptance":
        return bool(expected.get("days") == predicted.get("days")) and _contains_all(
            predicted.get("criteria"), expected.get("criteria_must_mention")
        )
    if name == "breach_penalty":
        return all(
            _cents(expected.get(k)) == _cents(predicted.get(k)) for k in ("rate_per_day_pct", "cap_pct")
        )
    if name == "liability_exclusions":
        return _contains_all(predicted.get("text"), expected.get("must_mention"))
    if name == "termination":
        return bool(expected.get("notice_days") == predicted.get("notice_days")) and _contains_all(
            predicted.get("text"), expected.get("must_mention")
        )
    if name == "dispute_resolution":
        venue = expected.get("venue") or ""
        return bool(expected.get("method") == predicted.get("method")) and _contains_all(
            predicted.get("venue") or "", [venue]
        )
    return bool(expected == predicted)


class ContractsSuite:
    """Contract field extraction and requirement diffs; headline = per-field accuracy over labelled fields."""

    name = "contracts"

    def __init__(self, extractor: ContractExtractor | None = None) -> None:
        self.extractor: ContractExtractor = extractor if extractor is not None else OfflineContractExtractor()

    def predict(self, case: Case) -> dict[str, Any] | None:
        """`{"fields": {12 keys}, "diffs": [field names]}` for the case's PDF and requirements."""
        document = read_pdf(Path(case["_base_dir"]) / case["pdf"])
        fields = self.extractor.extract(document)
        requirements = case.get("requirements")
        diffs = diff_contract(fields, requirements, document) if requirements else []
        return {"fields": fields.normalised(), "diffs": [d.field for d in diffs]}

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """Field accuracy (overall and per field), and micro diff precision and recall."""
        by_id = {p.get("id"): p for p in preds}
        right: dict[str, int] = dict.fromkeys(FIELD_NAMES, 0)
        total: dict[str, int] = dict.fromkeys(FIELD_NAMES, 0)
        tp = fp = fn = 0
        for case in cases:
            expected = case.get("expected") or {}
            pred = by_id.get(case.get("id"))
            predicted = pred.get("predicted") if pred else None
            got_fields = predicted.get("fields") if isinstance(predicted, dict) else None
            got_fields = got_fields if isinstance(got_fields, dict) else {}
            for name, want in (expected.get("fields") or {}).items():
                if name not in right:
                    continue
                total[name] += 1
                # A case that failed (predicted null) gets no credit, not even for null fields.
                right[name] += isinstance(predicted, dict) and field_correct(name, want, got_fields.get(name))
            if case.get("requirements"):
                want_diffs = set(expected.get("diffs") or [])
                got_list = predicted.get("diffs") if isinstance(predicted, dict) else None
                got_diffs = set(got_list) if isinstance(got_list, list) else set()
                tp += len(want_diffs & got_diffs)
                fp += len(got_diffs - want_diffs)
                fn += len(want_diffs - got_diffs)
        n = sum(total.values())
        accuracy = sum(right.values()) / n if n else 0.0
        scores: dict[str, float] = {
            "headline": accuracy,
            "field_accuracy": accuracy,
            "n": float(len(cases)),
            "diff_precision": tp / (tp + fp) if tp + fp else 1.0,
            "diff_recall": tp / (tp + fn) if tp + fn else 1.0,
        }
        for name in FIELD_NAMES:
            if total[name]:
                scores[f"{name}_accuracy"] = right[name] / total[name]
        return scores


def main(argv: list[str] | None = None) -> int:
    """`python -m evaluators.suites.contracts [CASES]`: the suite's metrics (default: the shared dev set)."""
    import argparse

    from evaluators.cases import predict_all, read_cases

    default = Path(__file__).resolve().parents[3] / "shared" / "evalsets" / "dev" / "contracts.jsonl"
    parser = argparse.ArgumentParser(prog="python -m evaluators.suites.contracts", description=main.__doc__)
    parser.add_argument(
        "cases", type=Path, nargs="?", default=default, help="a contracts cases file (JSON Lines)"
    )
    args = parser.parse_args(argv)
    if not args.cases.is_file():
        parser.error(f"{args.cases} does not exist; pass a contracts cases file")
    suite = ContractsSuite()
    cases = read_cases(args.cases)
    metrics = suite.score(cases, list(predict_all(suite, cases, None)))
    for name, value in metrics.items():
        print(f"{name:32s} {value:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
