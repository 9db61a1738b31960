"""Runs a suite over a cases file and writes the predictions file FORMAT.md describes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from copilot.errors import InvalidInput
from evaluators.cases import predict_all, read_cases, write_predictions
from evaluators.suites.base import Case, Prediction, Suite

SUITES = ("followups", "times", "amounts", "contracts", "search", "ask", "suggest", "cues")


def get_suite(name: str) -> Suite:
    """The suite registered under `name`."""
    if name == "followups":
        from evaluators.suites.followups import FollowUpsSuite

        return FollowUpsSuite()
    if name == "times":
        from evaluators.suites.times import TimesSuite

        return TimesSuite()
    if name == "amounts":
        from evaluators.suites.amounts import AmountsSuite

        return AmountsSuite()
    if name == "contracts":
        from evaluators.suites.contracts import ContractsSuite

        return ContractsSuite()
    if name == "search":
        from evaluators.suites.search import SearchSuite

        return SearchSuite()
    if name == "ask":
        from evaluators.suites.ask import AskSuite

        return AskSuite()
    if name == "suggest":
        from evaluators.suites.suggest import SuggestSuite

        return SuggestSuite()
    if name == "cues":
        from evaluators.suites.cues import CuesSuite

        return CuesSuite()
    raise InvalidInput(f"unknown suite {name!r}; choose one of {', '.join(SUITES)}")


def run(
    name: str, cases_path: Path, out: Path | None, progress: Callable[[], None] | None = None
) -> tuple[dict[str, float], list[Prediction], list[Case]]:
    """Predict every case, write the predictions when `out` is given, and score them."""
    suite = get_suite(name)
    cases = read_cases(cases_path)
    preds = list(predict_all(suite, cases, progress))
    if out is not None:
        write_predictions(preds, out)
    return suite.score(cases, preds), preds, cases
