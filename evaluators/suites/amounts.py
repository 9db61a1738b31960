"""Suite `amounts` of FORMAT.md: one short text -> the money amount it states, or null."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from copilot.nlp.amounts import parse_amount
from evaluators.suites.base import Case, Prediction

_CENT = Decimal("0.01")


def _cents(value: Any) -> Decimal | None:
    """An amount rounded to 2 decimals, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def _correct(expected: dict[str, Any] | None, predicted: Any) -> bool:
    """Whether a prediction matches: same amount to 2 decimals and same currency, or both null."""
    if expected is None:
        return predicted is None
    if not isinstance(predicted, dict):
        return False
    want, got = _cents(expected.get("amount")), _cents(predicted.get("amount"))
    currency = predicted.get("currency")
    return (
        want is not None
        and want == got
        and isinstance(currency, str)
        and currency.upper() == str(expected.get("currency")).upper()
    )


class AmountsSuite:
    """Money amounts in Chinese and English; headline = exact-match accuracy."""

    name = "amounts"

    def predict(self, case: Case) -> dict[str, Any] | None:
        """`{"amount": float, "currency": "CNY"}` for the case's text, or None when it states no amount."""
        money = parse_amount(str(case.get("text", "")))
        if money is None:
            return None
        return {
            "amount": float(money.amount.quantize(_CENT, rounding=ROUND_HALF_UP)),
            "currency": money.currency,
        }

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """Accuracy over all cases (a missing prediction line is wrong), also split by null and non-null."""
        by_id = {p.get("id"): p for p in preds}
        right = right_null = n_null = 0
        for case in cases:
            expected = case.get("expected")
            pred = by_id.get(case.get("id"))
            ok = pred is not None and _correct(expected, pred.get("predicted"))
            right += ok
            if expected is None:
                n_null += 1
                right_null += ok
        n = len(cases)
        accuracy = right / n if n else 0.0
        scores = {"headline": accuracy, "accuracy": accuracy, "n": float(n)}
        if n_null:  # the split is left out when a set has no case of that kind, rather than shown as 0
            scores["null_accuracy"] = right_null / n_null
        if n - n_null:
            scores["amount_accuracy"] = (right - right_null) / (n - n_null)
        return scores
