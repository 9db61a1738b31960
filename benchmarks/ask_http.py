"""`POST /v1/ask` and `GET /v1/risks` over HTTP on a generated pipeline (10,000 deals and 300,000
activities by default), through the real service in its own process, offline engine.

    python -m benchmarks.ask_http [--deals 10000] [--activities 300000] [--rounds 10] [--db PATH]

Prints p50/p95/max per endpoint, the first call (which loads the pipeline snapshot) and the
service's resident memory.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.pipeline_gen import generated_database
from copilot.access import AccessRole, create_api_key


def _questions(names: list[str], teams: tuple[str, ...]) -> list[str]:
    a, b = names[0], names[1]
    return [
        "哪些意向阶段以上的客户已经三天没跟进了？",
        "谈判阶段超过15天还没推进的商机有哪些？",
        "哪些进行中的商机还没有找到决策人？",
        "谈判阶段的商机里，哪些还缺写明付款方式、交付周期和验收标准的确认函？",
        "所有未结商机按客户健康度加权后的金额合计是多少？",
        f"{teams[0]}名下未结商机的健康度加权金额合计是多少？",
        "这个月赢了几单？",
        "哪个销售名下三天没跟进的意向以上客户最多？",
        "输给竞争对手的丢单有哪些？",
        "过去7天没有任何上门拜访记录的销售有哪些？",
        "哪些未结商机的金额超过了客户预算？",
        f"{a}名下谈判阶段商机的金额合计是多少？",
        "Which reps have at least one stale customer?",
        "How many deals are in the negotiation stage right now?",
        "What is the total health-weighted value of open deals with finance-industry customers?",
        "Which deals were lost in the last 30 days?",
        f"How many activities did {b} log in the last 14 days?",
        "Which customers have an open deal worth 500,000 or more but no decision-maker contact?",
        "本周的活动记录比上周多了多少？",
        "如果下季度砍掉20%差旅预算，哪些客户应该优先保？",
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(
    url: str, workdir: Path, key: str, **env_extra: str
) -> tuple[subprocess.Popen[bytes], httpx.Client]:
    """The real service on a free port in its own process (hashing embedder), and a client for it
    once it answers."""
    port = _free_port()
    env = dict(
        os.environ,
        COPILOT_DATABASE_URL=url,
        COPILOT_DATA_DIR=str(workdir),
        COPILOT_EMBEDDERS='["hashing"]',
        COPILOT_SCHEDULER="false",
        **env_extra,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, timeout=120
    )
    for _ in range(300):
        try:
            if client.get("/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    return server, client


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--db", type=Path, default=None, help="keep and reuse this SQLite file")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="ask-bench-"))
    url, sessions, org_id = generated_database(
        args.db or workdir / "bench.db", deals=args.deals, activities=args.activities
    )
    from sqlalchemy import select

    from copilot.store.models import Organization, User

    with sessions.begin() as session:
        org = session.get(Organization, org_id)
        assert org is not None
        names = list(
            session.scalars(
                select(User.name).where(User.org_id == org.id, User.role == "rep").order_by(User.id)
            )
        )
        _, key = create_api_key(session, org, AccessRole.ADMIN, now=org.created_at)
    server, client = start_service(url, workdir, key)
    try:
        questions = _questions(names, ("华东一组",))
        started = time.perf_counter()
        first = client.post("/v1/ask", json={"question": questions[0]})
        first.raise_for_status()
        print(f"first question (loads the snapshot): {1000 * (time.perf_counter() - started):.0f} ms")
        ask_ms: list[float] = []
        unanswered = 0
        for _ in range(args.rounds):
            for q in questions:
                t = time.perf_counter()
                r = client.post("/v1/ask", json={"question": q})
                ask_ms.append(1000 * (time.perf_counter() - t))
                r.raise_for_status()
                unanswered += not r.json()["answerable"]
        risk_ms: list[float] = []
        for _ in range(args.rounds):
            for params in (
                {},
                {"rule": "stale_customer"},
                {"rule": "stuck_deal"},
                {"team": "华东一组"},
                {"rep_id": "r1"},
            ):
                t = time.perf_counter()
                r = client.get("/v1/risks", params=params)
                risk_ms.append(1000 * (time.perf_counter() - t))
                r.raise_for_status()
        total = client.get("/v1/risks").json()["total"]
        for name, values in (("POST /v1/ask", ask_ms), ("GET /v1/risks", risk_ms)):
            print(
                f"{name:14} n={len(values):4}  p50 {statistics.median(values):6.1f} ms  "
                f"p95 {_pct(values, 95):6.1f} ms  max {max(values):6.1f} ms"
            )
        print(f"questions unanswered: {unanswered}; risks in the organization: {total:,}")
        print(f"service resident memory: {_rss_mb(server.pid):.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
