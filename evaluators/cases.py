"""Reading a cases file and writing a predictions file (FORMAT.md), for any suite."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from copilot.errors import InvalidInput
from evaluators.suites.base import Case, Prediction, Suite


def read_cases(path: Path) -> list[Case]:
    """Cases from a JSON Lines file; each gets `_base_dir` for the relative paths inside it."""
    cases: list[Case] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read cases file {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}:{n}: not JSON: {exc}") from exc
        if not isinstance(case, dict) or "id" not in case:
            raise InvalidInput(f"{path}:{n}: a case must be an object with an id")
        case["_base_dir"] = str(path.parent)
        cases.append(case)
    return cases


def predict_all(
    suite: Suite, cases: list[Case], progress: Callable[[], None] | None = None
) -> Iterator[Prediction]:
    """One prediction line per case; a case that raises still gets a line, with its error."""
    for case in cases:
        try:
            line: Prediction = {"id": case["id"], "predicted": suite.predict(case)}
        except Exception as exc:  # the eval must record every case, whatever breaks
            line = {"id": case["id"], "predicted": None, "error": f"{type(exc).__name__}: {exc}"}
        if progress:
            progress()
        yield line


def write_predictions(preds: list[Prediction], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for line in preds:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
