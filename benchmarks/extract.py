"""Interactions per second through the offline engine (five fields, quality and signals).

    python -m benchmarks.extract [CASES ...] [--rounds 3]

Every case of the given follow-up sets (by default the committed blind sets) is extracted once per
round in this process; the figure is the median round's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime
from pathlib import Path

from copilot.extraction.offline import OfflineEngine
from copilot.followups.interactions import build_interaction
from evaluators.cases import read_cases
from evaluators.suites.followups import customer_context

DATA = Path(__file__).resolve().parent.parent / "evaluators" / "data"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    files = args.cases or sorted(DATA.glob("followups-*.jsonl"))
    cases = [case for f in files for case in read_cases(f)]
    items = [
        (
            build_interaction(c["input"], datetime.fromisoformat(c["reference_time"]), lang=c.get("lang")),
            customer_context(c),
        )
        for c in cases
    ]
    engine = OfflineEngine()
    engine.extract_followup(*items[0])  # first-use costs (the word list of the homophone repair)
    rates: list[float] = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for interaction, customer in items:
            engine.extract_followup(interaction, customer)
        rates.append(len(items) / (time.perf_counter() - started))
    chars = statistics.mean(len(i.text) for i, _ in items)
    print(
        f"{len(items)} interactions (mean {chars:.0f} characters) from {len(files)} files: "
        f"{statistics.median(rates):.0f} per second (rounds: {', '.join(f'{r:.0f}' for r in rates)})"
    )


if __name__ == "__main__":
    main()
