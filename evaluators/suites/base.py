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
