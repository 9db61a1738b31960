"""The workspace's pages over HTTP on a generated pipeline (10,000 deals and 300,000 activities by
default), through the real service in its own process, signed in through the login form.

    python -m benchmarks.pages_http [--deals 10000] [--activities 300000] [--rounds 5] [--db PATH]

For each page: the server time (the `Server-Timing: render` header: from the request reaching the
app to the rendered HTML) and the time the client waited, p50 and p95. Drill-downs (a brief
number's records, a risk rule's records, an ask answer, a heat-map day) are listed apart, against
their 1 s goal; pages against 300 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from benchmarks.ask_http import _pct, _rss_mb, start_service
from benchmarks.pipeline_gen import generated_database
from copilot.access import AccessRole, create_api_key
from copilot.store.models import Activity, Customer, Organization, User

PAGE_GOAL_MS = 300
DRILL_GOAL_MS = 1000


def _server_ms(response: httpx.Response) -> float:
    m = re.search(r"render;dur=([\d.]+)", response.headers.get("server-timing", ""))
    return float(m[1]) if m else float("nan")


def _signed_in(base: str, key: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    r = client.post("/app/login", data={"key": key, "next": "/app"})
    if r.status_code != 303:
        raise SystemExit(f"sign-in failed: {r.status_code} {r.text[:200]}")
    return client


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", type=Path, default=None, help="keep and reuse this SQLite file")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    url, sessions, org_id = generated_database(
        args.db or workdir / "bench.db", deals=args.deals, activities=args.activities
    )
    with sessions.begin() as session:
        org = session.get(Organization, org_id)
        assert org is not None
        _, supervisor = create_api_key(session, org, AccessRole.SUPERVISOR, now=org.created_at)
        rep = session.scalar(select(User).where(User.org_id == org.id, User.role == "rep").order_by(User.id))
        assert rep is not None
        _, rep_key = create_api_key(
            session, org, AccessRole.REP, now=org.created_at, user_external_id=rep.external_id
        )
        busiest = list(
            session.scalars(
                select(Customer.external_id)
                .where(Customer.org_id == org.id)
                .order_by(Customer.last_activity_at.desc())
                .limit(args.rounds * 4)
            )
        )
        activity = session.scalar(
            select(Activity.external_id)
            .where(Activity.org_id == org.id)
            .order_by(Activity.at.desc())
            .limit(1)
        )
        _, admin_key = create_api_key(session, org, AccessRole.ADMIN, now=org.created_at)
    server, api = start_service(url, workdir, admin_key)
    base = str(api.base_url).rstrip("/")
    boss = _signed_in(base, supervisor)
    seller = _signed_in(base, rep_key)
    t = time.perf_counter()
    boss.get("/app/brief").raise_for_status()
    print(f"first brief (loads the pipeline snapshot): {1000 * (time.perf_counter() - t):.0f} ms")

    pages: dict[str, tuple[httpx.Client, list[str]]] = {
        "brief": (boss, ["/app/brief"]),
        "brief radars (after the page)": (boss, ["/app/radars?fragment=1"]),
        "patrol": (boss, ["/app/patrol"]),
        "customer file": (boss, [f"/app/customers/{c}" for c in busiest]),
        "customer list": (boss, ["/app/customers", "/app/customers?q=上海"]),
        "follow-up form (rep)": (seller, ["/app/followups/new"]),
        "follow-up view": (boss, [f"/app/followups/{activity}"]),
    }
    drills: dict[str, tuple[httpx.Client, list[str]]] = {
        "brief number": (
            boss,
            [f"/app/brief/{n}" for n in ("new_quality_leads", "overdue_since_yesterday", "health_change")],
        ),
        "risk rule": (boss, ["/app/risks?rule=stale_customer", "/app/risks?rule=stuck_deal", "/app/risks"]),
        "ask answer": (
            boss,
            [
                "/app/ask?q=哪些意向阶段以上的客户已经三天没跟进了？",
                "/app/ask?q=谈判阶段超过15天还没推进的商机有哪些？",
            ],
        ),
        "heat-map day": (boss, []),
    }
    # a heat-map cell of each sampled customer: its last active day
    for c in busiest[: args.rounds]:
        page = boss.get(f"/app/customers/{c}").text
        days = re.findall(rf'href="/app/customers/{c}/day/([\d-]+)', page)
        if days:
            drills["heat-map day"][1].append(f"/app/customers/{c}/day/{days[-1]}")

    def measure(group: dict[str, tuple[httpx.Client, list[str]]], goal: float) -> None:
        for name, (client, urls) in group.items():
            server_ms: list[float] = []
            wall_ms: list[float] = []
            for _ in range(args.rounds):
                for u in urls:
                    started = time.perf_counter()
                    r = client.get(u)
                    wall_ms.append(1000 * (time.perf_counter() - started))
                    if r.status_code != 200:
                        raise SystemExit(f"{u}: {r.status_code} {r.text[:300]}")
                    server_ms.append(_server_ms(r))
            if not server_ms:
                continue
            p95 = _pct(server_ms, 95)
            print(
                f"{name:22} n={len(server_ms):4}  server p50 {statistics.median(server_ms):6.1f} ms  "
                f"p95 {p95:6.1f} ms  |  client p50 {statistics.median(wall_ms):6.1f} ms  "
                f"p95 {_pct(wall_ms, 95):6.1f} ms  {'ok' if p95 < goal else 'OVER'} (goal {goal:.0f} ms)"
            )

    try:
        print(f"pages (goal: server time under {PAGE_GOAL_MS} ms)")
        measure(pages, PAGE_GOAL_MS)
        print(f"drill-downs (goal: open in under {DRILL_GOAL_MS} ms)")
        measure(drills, DRILL_GOAL_MS)
        print(f"service resident memory: {_rss_mb(server.pid):.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
