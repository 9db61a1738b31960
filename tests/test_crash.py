"""The service killed with SIGKILL in the middle of a batch of ingestions loses nothing it
acknowledged, extracts every stored follow-up exactly once after restart, and finishes its index work.

A real `copilot serve` process on loopback, its model a scripted OpenAI-compatible server that takes
0.3 s per answer, so that the kill lands while requests are between storing and extracting.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from api.runtime import build_runtime
from copilot.config import Settings
from copilot.store.models import Activity, Extraction, SearchIndexPending
from evaluators.scripted_openai import Reply, ScriptedOpenAI, serve
from tests.conftest import auth, load_fixture, make_org
from tests.llm.test_llm_engine import answer

NOTE = "周工讲了十来分钟伺服报警停机的问题 价格还得再商量 下周三前我把分三期的方案发过去"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"service exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("service did not start")


@pytest.fixture
def model() -> Iterator[ScriptedOpenAI]:
    with serve() as server:
        server.responder = lambda _body: Reply(
            json=answer(source_channel=None, source_channel_quote=None, first_contact_phrase=None),
            delay_s=0.3,
        )
        yield server


def test_sigkill_mid_batch_loses_and_duplicates_nothing(tmp_path: Path, model: ScriptedOpenAI) -> None:
    settings = Settings(data_dir=tmp_path, embedders=["hashing"])
    runtime = build_runtime(settings)
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    runtime.close()
    env = {
        **os.environ,
        "COPILOT_DATA_DIR": str(tmp_path),
        "COPILOT_EMBEDDERS": '["hashing"]',
        "COPILOT_LLM_BASE_URL": model.url,
        "COPILOT_LLM_MODEL": "scripted-model",
        "COPILOT_LLM_RETRIES": "0",
        "COPILOT_SCHEDULER": "false",
        "COPILOT_EXTRACTION_LEASE_S": "1",
        "COPILOT_LOG_FORMAT": "text",
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "service.log"
    proc = _start(env, port, log)

    acknowledged: list[str] = []
    sent: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(base_url=base, headers=auth(org.keys["admin"]), timeout=10) as http:
            for i in range(1000):
                if stop.is_set():
                    return
                ext_id = f"crash-{n}-{i}"
                body: dict[str, Any] = {
                    "id": ext_id,
                    "customer_id": ("c1", "c2")[i % 2],
                    "input": {"kind": "dictation", "text": f"{NOTE}（第{n}-{i}次）"},
                }
                with lock:
                    sent[ext_id] = body
                try:
                    r = http.post("/v1/followups", json=body)
                except httpx.HTTPError:
                    return  # the service is gone
                if r.status_code == 201:
                    with lock:
                        acknowledged.append(ext_id)
                else:
                    raise AssertionError(r.text)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    # kill once a few requests were answered (a loaded machine starts slower), mid-batch
    deadline = time.monotonic() + 90
    while len(acknowledged) < 6 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    stop.set()
    for t in threads:
        t.join(15)

    runtime = build_runtime(settings)
    try:
        with runtime.sessions() as session:
            statuses = dict(
                session.execute(select(Activity.status, func.count()).group_by(Activity.status)).all()
            )
        # the kill landed between storing and extracting for some requests
        assert statuses.get("received", 0) >= 1, statuses
        assert len(acknowledged) >= 6
    finally:
        runtime.close()

    proc = _start(env, port, log)
    try:
        runtime = build_runtime(settings)
        deadline = time.monotonic() + 60
        while True:
            with runtime.sessions() as session:
                waiting = session.scalar(
                    select(func.count()).select_from(Activity).where(Activity.status == "received")
                )
                index_left = session.scalar(select(func.count()).select_from(SearchIndexPending))
            if waiting == 0 and index_left == 0:
                break
            assert time.monotonic() < deadline, f"{waiting} not extracted, {index_left} index rows left"
            time.sleep(0.5)

        with runtime.sessions() as session:
            rows = session.execute(
                select(Activity.external_id, Activity.status, func.count(Extraction.id))
                .outerjoin(Extraction, Extraction.activity_id == Activity.id)
                .where(Activity.external_id.like("crash-%"))
                .group_by(Activity.id)
            ).all()
        stored = {ext: (status, n) for ext, status, n in rows}
        assert len(stored) == len(rows)  # one row per id
        assert set(acknowledged) <= set(stored)  # nothing acknowledged was lost
        # every stored follow-up, acknowledged or interrupted, was extracted exactly once
        assert set(stored.values()) == {("extracted", 1)}

        print(f"crash: {len(acknowledged)} acknowledged, {len(stored)} stored, {statuses} at the kill")
        # a client retrying an interrupted request gets the stored follow-up, not a second one
        interrupted = sorted(set(stored) - set(acknowledged))
        with httpx.Client(base_url=base, headers=auth(org.keys["admin"]), timeout=10) as http:
            if interrupted:
                r = http.post("/v1/followups", json=sent[interrupted[0]])
                assert r.status_code == 201 and r.json()["status"] == "extracted", r.text
            hits = http.get("/v1/search", params={"q": "伺服报警停机", "limit": 50}).json()
        with runtime.sessions() as session:
            assert session.scalar(
                select(func.count()).select_from(Activity).where(Activity.external_id.like("crash-%"))
            ) == len(stored)
        assert hits["index_complete"] is True
        assert any(h["record_id"].startswith("crash-") for h in hits["hits"])
        runtime.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
