"""Suite `times` of FORMAT.md: one time expression -> the first and last day it denotes, or null."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from copilot.nlp.times import parse_time
from evaluators.suites.base import Case, Prediction

_NO_DATE: dict[str, Any] = {"start": None, "end": None}


def _days(value: Any) -> tuple[str | None, str | None]:
    """(start, end) of an expected or predicted object; null and all-null objects mean no date."""
    if not isinstance(value, dict):
        return None, None
    start, end = value.get("start"), value.get("end")
    return (start if isinstance(start, str) else None, end if isinstance(end, str) else None)


class TimesSuite:
    """Time expressions in Chinese and English; headline = exact match of both days."""

    name = "times"

    def predict(self, case: Case) -> dict[str, Any] | None:
        """`{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}` for the case's text; both None when no date."""
        reference = datetime.fromisoformat(str(case["reference_time"]))
        span = parse_time(str(case.get("text", "")), reference)
        if span is None or span.start is None or span.end is None:
            return dict(_NO_DATE)
        return {"start": span.start.isoformat(), "end": span.end.isoformat()}

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """Accuracy over all cases (a missing prediction line is wrong), split by dated and null cases."""
        by_id = {p.get("id"): p for p in preds}
        right = right_null = n_null = 0
        for case in cases:
            expected = _days(case.get("expected"))
            pred = by_id.get(case.get("id"))
            ok = pred is not None and _days(pred.get("predicted")) == expected
            right += ok
            if expected == (None, None):
                n_null += 1
                right_null += ok
        n = len(cases)
        accuracy = right / n if n else 0.0
        scores = {"headline": accuracy, "accuracy": accuracy, "n": float(n)}
        # the split scores only when that part exists: a 0.0 over no cases would read as a failure
        if n_null:
            scores["null_accuracy"] = right_null / n_null
        if n - n_null:
            scores["dated_accuracy"] = (right - right_null) / (n - n_null)
        return scores


def evaluate_file(path: str | Path) -> dict[str, float]:
    """Predict and score every case of a cases file: a quick measurement without the CLI."""
    suite = TimesSuite()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    cases: list[Case] = [json.loads(line) for line in lines if line.strip()]
    preds: list[Prediction] = [{"id": c["id"], "predicted": suite.predict(c)} for c in cases]
    return suite.score(cases, preds)
