"""Suggestions and the daily brief over HTTP on a generated pipeline (10,000 deals, 300,000
activities and 50 reps by default), through the real service in its own process, offline engine.

    python -m benchmarks.rhythm_http [--deals 10000] [--activities 300000] [--reps 50] [--db PATH]

Prints p50/p95/max of `GET /v1/customers/{id}/suggestions` over random customers, a rep's whole
list, the whole brief and patrol for the organization, and composing the brief into the outbox.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks.ask_http import _pct, _rss_mb, start_service
from benchmarks.pipeline_gen import generated_database
from copilot.access import AccessRole, create_api_key
from copilot.store.models import Customer, Organization


def _line(name: str, values: list[float]) -> str:
    return (
        f"{name:38} n={len(values):4}  p50 {statistics.median(values):7.1f} ms  "
        f"p95 {_pct(values, 95):7.1f} ms  max {max(values):7.1f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--customers", type=int, default=300, help="customers to ask about")
    parser.add_argument("--rounds", type=int, default=5, help="briefs and patrols")
    parser.add_argument("--db", type=Path, default=None, help="keep and reuse this SQLite file")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="rhythm-bench-"))
    url, sessions, org_id = generated_database(
        args.db or workdir / "bench.db", deals=args.deals, activities=args.activities, reps=args.reps
    )
    with sessions.begin() as session:
        org = session.get(Organization, org_id)
        assert org is not None
        customers = list(session.scalars(select(Customer.external_id).where(Customer.org_id == org.id)))
        _, key = create_api_key(session, org, AccessRole.ADMIN, now=org.created_at)
    server, client = start_service(url, workdir, key)
    try:
        rng = random.Random(3)
        sample = rng.sample(customers, min(args.customers, len(customers)))
        started = time.perf_counter()
        client.get(f"/v1/customers/{sample[0]}/suggestions").raise_for_status()
        print(f"first call (loads the snapshot): {1000 * (time.perf_counter() - started):.0f} ms")
        one: list[float] = []
        actions = 0
        for ext in sample:
            t = time.perf_counter()
            r = client.get(f"/v1/customers/{ext}/suggestions")
            one.append(1000 * (time.perf_counter() - t))
            r.raise_for_status()
            actions += len(r.json()["items"])
        rep: list[float] = []
        for n in range(1, 11):
            t = time.perf_counter()
            client.get("/v1/suggestions", params={"rep_id": f"r{n}", "limit": 50}).raise_for_status()
            rep.append(1000 * (time.perf_counter() - t))
        brief: list[float] = []
        patrol: list[float] = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            client.get("/v1/brief").raise_for_status()
            brief.append(1000 * (time.perf_counter() - t))
            t = time.perf_counter()
            client.get("/v1/patrol").raise_for_status()
            patrol.append(1000 * (time.perf_counter() - t))
        print(_line("GET /v1/customers/{id}/suggestions", one))
        print(f"  {actions / len(sample):.1f} actions per customer")
        print(_line("GET /v1/suggestions?rep_id= (a rep)", rep))
        print(_line(f"GET /v1/brief ({args.reps} reps, whole org)", brief))
        print(_line("GET /v1/patrol (whole org)", patrol))
        print(f"service resident memory: {_rss_mb(server.pid):.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
