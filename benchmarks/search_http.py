"""`GET /v1/search` latency over HTTP on the 300k-chunk index that `benchmarks.search` builds.

`python -m benchmarks.search --index-dir DIR` first (it builds and keeps the index), then
`python -m benchmarks.search_http --index-dir DIR`: a fresh database with the benchmark's
organization (id 7) and an admin key, the real service (`copilot serve`, default embedders in their
worker process) over a data directory whose `chroma` is that index, and the same queries as the
engine-level benchmark, sent one at a time with httpx, unfiltered or filtered by a customer or two
kinds. Prints p50/p95 per filter and overall, and the resident memory of the service and its
embedding worker afterwards.

Time windows are left out here: the service looks a window's records up in its database first, and
the synthetic chunks have no database rows, so a window would answer at once with nothing. The
engine-level benchmark measures the broad-window path.

`--demo` instead measures the demo's size: `copilot demo` into a fresh data directory (the bundled
pipeline, imported and indexed), then the same queries with the demo's customers and kinds and, as a
fourth kind, 60-day time windows (real rows here).

Each query text is sent once (`--queries` at most the 104 texts): the service caches query
embeddings, and a repeated text would measure the cache, not the search.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from benchmarks.search import KINDS, ORG, queries

COPILOT = Path(sys.executable).parent / "copilot"
DEMO = Path(__file__).resolve().parents[1] / "copilot" / "demo" / "pipeline.json"


def _rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _customers_of_the_index(db: Path, customers: list[str]) -> None:
    """The index's customers as rows of its organization: a search filtered by a customer is
    checked against the customers the caller may see, so they must exist."""
    from sqlalchemy import insert

    from copilot.store.database import make_engine
    from copilot.store.models import Customer

    engine = make_engine(f"sqlite:///{db}")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Customer),
            [
                {
                    "org_id": ORG,
                    "external_id": c,
                    "name": f"customer {c}",
                    "created_at": now,
                    "updated_at": now,
                }
                for c in customers
            ],
        )
    engine.dispose()


def main() -> None:
    """Set up, serve, measure, stop."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--demo", action="store_true", help="the demo's data instead of the 300k index")
    parser.add_argument("--queries", type=int, default=104)
    parser.add_argument("--settle", type=float, default=None, help="seconds to wait after warm-up")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if args.index_dir is None and not args.demo:
        parser.error("give --index-dir (the 300k index) or --demo")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        env = {
            **os.environ,
            "COPILOT_DATA_DIR": str(data),
            "COPILOT_DATABASE_URL": f"sqlite:///{data / 'copilot.db'}",
        }
        customers, kinds = [f"c{n}" for n in range(1, 3001)], KINDS
        if args.demo:
            subprocess.run([str(COPILOT), "demo"], env=env, check=True, capture_output=True)
            key = json.loads((data / "demo-keys.json").read_text(encoding="utf-8"))["admin"]
            demo = json.loads(DEMO.read_text(encoding="utf-8"))
            customers = sorted({c["id"] for c in demo["customers"]})
            kinds = tuple(sorted({a["kind"] for a in demo["activities"]}))
        else:
            (data / "chroma").symlink_to(args.index_dir.resolve())
            for n in range(1, ORG + 1):  # organization ids are assigned in order: the 7th is the index's
                subprocess.run(
                    [str(COPILOT), "org", "create", f"bench{n}"], env=env, check=True, capture_output=True
                )
            _customers_of_the_index(data / "copilot.db", customers)
            key = subprocess.run(
                [str(COPILOT), "key", "create", "--org", f"bench{ORG}", "--role", "admin"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        server = subprocess.Popen(
            [str(COPILOT), "serve", "--port", str(args.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{args.port}"
        try:
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60
            ) as client:
                for _ in range(300):
                    try:
                        if client.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                texts = queries()
                # warm up (the embedding workers load the models) with texts that are not in the set
                for q in ("暖机", "warm up", "客户", "price", "合同"):
                    client.get("/v1/search", params={"q": q}).raise_for_status()
                # the service reads its filter table in the background after an org's first search
                # (about 20 s at 300k chunks): time the steady state, after it
                time.sleep(args.settle if args.settle is not None else (2 if args.demo else 45))
                rng = random.Random(3)
                by_filter: dict[str, list[float]] = {}
                timings: list[float] = []
                mix = ("none", "customer", "kinds", "window") if args.demo else ("none", "customer", "kinds")
                for i in range(min(args.queries, len(texts))):
                    params: dict[str, str | list[str]] = {"q": texts[i]}
                    name = mix[i % len(mix)]
                    if name == "customer":
                        params["customer_id"] = rng.choice(customers)
                    elif name == "kinds":
                        params["kind"] = [rng.choice(kinds), rng.choice(kinds)]
                    elif name == "window":
                        since = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 60))
                        params["since"] = since.isoformat()
                        params["until"] = (since + timedelta(days=60)).isoformat()
                    t = time.perf_counter()
                    r = client.get("/v1/search", params=params)
                    timings.append(time.perf_counter() - t)
                    r.raise_for_status()
                    by_filter.setdefault(name, []).append(timings[-1])
            for name, values in by_filter.items():
                values.sort()
                label = f"  GET /v1/search, filter {name}: p50 / max ({len(values)} q)"
                print(f"{label:52} {statistics.median(values) * 1000:8.1f} / {values[-1] * 1000:.1f} ms")
            timings.sort()
            print(f"{'GET /v1/search p50':52} {statistics.median(timings) * 1000:8.1f} ms")
            print(f"{'GET /v1/search p95':52} {timings[int(len(timings) * 0.95) - 1] * 1000:8.1f} ms")
            workers = [_rss_mb(p) for p in _children(server.pid)]
            label = f"RSS service / embedding workers ({len(workers)})"
            each = " + ".join(map(str, workers))
            print(f"{label:52} {_rss_mb(server.pid):8d} / {sum(workers)} MB ({each})")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
