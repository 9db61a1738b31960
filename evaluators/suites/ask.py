"""Suite `ask` of FORMAT.md: a question about a pipeline, as of a time -> ids, a count or a value."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from copilot.access import Principal
from copilot.ask.service import AskService
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.pipeline.snapshot import SnapshotCache
from evaluators.suites.base import Case, Prediction
from evaluators.suites.pipelines import case_pipeline, load_pipeline

ANSWER_KEYS = ("customer_ids", "deal_ids", "rep_ids", "count", "value")


class AskSuite:
    """Each case's pipeline is imported once into an in-memory database; questions are asked as an
    admin (the whole organization) with the offline engine unless another planner is given."""

    name = "ask"

    def __init__(self, engine: str = "offline", service_factory: Any = None) -> None:
        self.engine = engine
        self._orgs: dict[Path, tuple[AskService, Principal]] = {}
        self._factory = service_factory

    def _service(self, case: Case) -> tuple[AskService, Principal]:
        path = case_pipeline(case)
        if path not in self._orgs:
            now = datetime.fromisoformat(str(case["as_of"]))
            sessions, principal = load_pipeline(path, now)
            tz = Settings().tz
            service = (
                self._factory(sessions, FixedClock(now), SnapshotCache(), tz)
                if self._factory
                else AskService(sessions, FixedClock(now), SnapshotCache(), tz)
            )
            self._orgs[path] = (service, principal)
        return self._orgs[path]

    def predict(self, case: Case) -> dict[str, Any] | None:
        service, principal = self._service(case)
        as_of = datetime.fromisoformat(str(case["as_of"]))
        answer = service.ask(principal, str(case["question"]), as_of=as_of, engine=self.engine)
        predicted: dict[str, Any] = dict(answer.get("result") or {})
        predicted["answer"] = answer.get("answer")
        predicted["plan"] = answer.get("plan")
        return predicted

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        by_id = {p.get("id"): p for p in preds}
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for case in cases:
            expected = case.get("expected") or {}
            key = next((k for k in ANSWER_KEYS if k in expected), None)
            if key is None:
                continue
            predicted = (by_id.get(case.get("id")) or {}).get("predicted") or {}
            ok = answer_correct(key, expected[key], predicted.get(key))
            for group in ("all", f"lang:{case.get('lang', '?')}", f"key:{key}"):
                total[group] += 1
                right[group] += ok
        metrics = {"headline": right["all"] / total["all"] if total["all"] else 0.0, "n": float(total["all"])}
        for group in sorted(total):
            if group != "all":
                metrics[group] = right[group] / total[group]
        return metrics


def answer_correct(key: str, expected: Any, predicted: Any) -> bool:
    """FORMAT.md: id sets equal (order ignored), counts equal, values equal to 2 decimals."""
    if predicted is None:
        return False
    if key.endswith("_ids"):
        return isinstance(predicted, list) and {str(x) for x in predicted} == {str(x) for x in expected}
    try:
        if key == "count":
            return int(predicted) == int(expected) and float(predicted) == float(expected)
        return round(float(predicted), 2) == round(float(expected), 2)
    except (TypeError, ValueError):
        return False
