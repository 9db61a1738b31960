"""Suite `cues`: short notes labelled with one field (stage, source channel or signals), as dictations.

The cue corpora (`evaluators/data/cues/`, see `CUES.md` there) were written by people who saw only
FORMAT.md, each line a one-to-five-sentence note with the stage after it or the lead's origin. They
measure whether a field is read from wordings nobody here wrote, without the rest of a long note to
lean on. A case: `{"id", "lang", "text", "stage" | "source_channel" | "signals"}`; the prediction has
the same labelled key. Scores: accuracy, and accuracy per expected label (`acc_<label>`); for
`signals` (a set, as in FORMAT.md) micro precision, recall and F1 (the headline), and F1 per signal."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from copilot.domain import CustomerContext
from copilot.errors import InvalidInput
from copilot.extraction.offline import OfflineEngine
from copilot.followups.engine import FollowUpEngine
from copilot.followups.interactions import build_interaction
from evaluators.suites.base import Case, Prediction, precision_recall_f1

FIELDS = ("stage", "source_channel", "signals")
# no relative date is scored here; a fixed submission time keeps runs comparable
REFERENCE = datetime.fromisoformat("2026-06-10T18:00:00+08:00")


def _field(case: Case) -> str:
    found = [f for f in FIELDS if f in case]
    if len(found) != 1:
        raise InvalidInput("a cues case labels exactly one of: stage, source_channel, signals")
    return found[0]


class CuesSuite:
    """Each case's text as a dictation through the engine; one field compared exactly."""

    name = "cues"

    def __init__(self, engine: FollowUpEngine | None = None) -> None:
        self.engine: FollowUpEngine = engine or OfflineEngine()

    def predict(self, case: Case) -> dict[str, Any] | None:
        """The labelled field as the engine reads it."""
        text = case.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("a cues case needs a non-empty 'text'")
        field = _field(case)
        interaction = build_interaction({"kind": "dictation", "text": text}, REFERENCE, lang=case.get("lang"))
        fields = self.engine.extract_followup(interaction, CustomerContext(name=None))
        if field == "signals":
            return {field: sorted({hit.signal.value for hit in fields.signals})}
        value = getattr(fields, field)
        return {field: value.value if value is not None else None}

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """Accuracy overall and per expected label; micro P/R/F1 for signals."""
        by_id = {p["id"]: p.get("predicted") for p in preds}
        if cases and _field(cases[0]) == "signals":
            return _score_sets(cases, by_id)
        total: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for case in cases:
            field = _field(case)
            label = "null" if case[field] is None else str(case[field])
            total[label] += 1
            predicted = by_id.get(case["id"]) or {}
            if predicted.get(field) == case[field]:
                right[label] += 1
        n = sum(total.values())
        metrics = {"headline": sum(right.values()) / n if n else 0.0, "cases": float(n)}
        for label in sorted(total):
            metrics[f"acc_{label}"] = right[label] / total[label]
        return metrics


def _score_sets(cases: list[Case], by_id: dict[str, Any]) -> dict[str, float]:
    """Micro precision, recall and F1 over every case's signal set, and F1 per signal."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for case in cases:
        if _field(case) != "signals":
            raise InvalidInput("a signals cues file labels every case with 'signals'")
        expected = set(case["signals"])
        predicted = set((by_id.get(case["id"]) or {}).get("signals") or [])
        for s in expected & predicted:
            tp[s] += 1
        for s in predicted - expected:
            fp[s] += 1
        for s in expected - predicted:
            fn[s] += 1
    precision, recall, f1 = precision_recall_f1(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    metrics = {"headline": f1, "precision": precision, "recall": recall, "cases": float(len(cases))}
    for s in sorted(set(tp) | set(fp) | set(fn)):
        metrics[f"f1_{s}"] = precision_recall_f1(tp[s], fp[s], fn[s])[2]
    return metrics
