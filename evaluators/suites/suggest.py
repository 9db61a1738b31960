"""Suite `suggest` of FORMAT.md: a customer in a pipeline, as of a time -> its next actions."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from copilot.access import Principal
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.pipeline.snapshot import SnapshotCache
from copilot.suggest.service import SuggestionService
from evaluators.suites.base import Case, Prediction
from evaluators.suites.pipelines import case_pipeline, load_pipeline


class SuggestSuite:
    """Each case's pipeline is imported once into an in-memory database; actions are read as an
    admin with the offline engine."""

    name = "suggest"

    def __init__(self) -> None:
        self._orgs: dict[Path, tuple[SuggestionService, Principal]] = {}

    def _service(self, case: Case) -> tuple[SuggestionService, Principal]:
        path = case_pipeline(case)
        if path not in self._orgs:
            now = datetime.fromisoformat(str(case["as_of"]))
            sessions, principal = load_pipeline(path, now)
            service = SuggestionService(sessions, FixedClock(now), SnapshotCache(), Settings().tz)
            self._orgs[path] = (service, principal)
        return self._orgs[path]

    def predict(self, case: Case) -> dict[str, Any] | None:
        service, principal = self._service(case)
        as_of = datetime.fromisoformat(str(case["as_of"]))
        found = service.for_customer(principal, str(case["customer_id"]), as_of=as_of, lang=case.get("lang"))
        return {
            "actions": [
                {k: a[k] for k in ("type", "text", "reason", "due_date", "evidence")} for a in found["items"]
            ]
        }

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        by_id = {p.get("id"): p for p in preds}
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for case in cases:
            expected = case.get("expected") or {}
            predicted = (by_id.get(case.get("id")) or {}).get("predicted") or {}
            types = {str(a.get("type")) for a in predicted.get("actions") or [] if isinstance(a, dict)}
            ok = case_correct(expected, types)
            groups = ["all"] + [f"must:{t}" for t in expected.get("must_include", [])]
            for group in groups:
                total[group] += 1
                right[group] += ok
        metrics = {"headline": right["all"] / total["all"] if total["all"] else 0.0, "n": float(total["all"])}
        for group in sorted(total):
            if group != "all":
                metrics[group] = right[group] / total[group]
        return metrics


def case_correct(expected: dict[str, Any], types: set[str]) -> bool:
    """FORMAT.md: every must_include type present and no must_not_include type."""
    must = set(expected.get("must_include") or [])
    must_not = set(expected.get("must_not_include") or [])
    return must <= types and not (must_not & types)
