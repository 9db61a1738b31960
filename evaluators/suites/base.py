"""What every accuracy suite provides: a per-case prediction and a score over a predictions file."""

from __future__ import annotations

from typing import Any, Protocol

Case = dict[str, Any]
Prediction = dict[str, Any]


class Suite(Protocol):
    """An eval suite of FORMAT.md: `predict` answers one case, `score` grades a whole run."""

    name: str

    def predict(self, case: Case) -> dict[str, Any] | None:
        """The `predicted` object for one case (None when the case denotes no value)."""
        ...

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """Metrics keyed by name; the headline metric is under `headline`."""
        ...


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts of true positives, false positives and false negatives
    (each 0.0 when its denominator is 0)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
