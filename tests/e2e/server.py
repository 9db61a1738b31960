"""A live workspace on 127.0.0.1 for the browser tests and the screenshots: the demo pipeline, a
key per person, requirements and a contract for d1, and two confirmation links (one expired)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import uvicorn

from api.app import create_app
from api.runtime import build_runtime
from copilot import sharing
from copilot.access import AccessRole, authenticate, create_api_key, create_organization
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.pipeline.importer import import_pipeline
from tests.conftest import NOW, load_fixture
from tests.contracts.builders import ZH_CONTRACT, contract_pdf

REQUIREMENTS = {
    "contract_amount": {"amount": 864000, "currency": "CNY"},
    "delivery_period": {"days": 30, "business_days": True},
    "payment_terms": {"installments_pct": [30, 60, 10]},
    "warranty_months": 24,
}


def chromium() -> str | None:
    """Debian's chromium, which the project's setup installs (`make browser`)."""
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@dataclass(frozen=True)
class Site:
    url: str
    keys: dict[str, str]
    share_token: str
    expired_token: str


@contextmanager
def workspace(data_dir: Path) -> Iterator[Site]:
    settings = Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'copilot.db'}",
        embedders=["hashing"],
        chroma_url=None,
        scheduler=False,
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    with runtime.sessions.begin() as s:
        org = create_organization(s, "demo", "演示公司", now=NOW)
        import_pipeline(s, org.id, load_fixture("pipeline", "demo.json"), now=NOW)
        keys = {}
        for label, role, user in (
            ("supervisor", AccessRole.SUPERVISOR, None),
            ("r1", AccessRole.REP, "r1"),
            ("integration", AccessRole.INTEGRATION, None),
        ):
            _, keys[label] = create_api_key(s, org, role, now=NOW, user_external_id=user, name=label)
    with runtime.sessions() as s:
        rep = authenticate(s, keys["r1"], now=NOW)
    runtime.requirements.put(rep, "d1", REQUIREMENTS)
    pdf = contract_pdf(ZH_CONTRACT, header="合同编号：E2E-001", zh=True, lines_per_page=12)
    runtime.contracts.upload(rep, "d1", pdf, "伺服系统改造合同.pdf")
    with runtime.sessions.begin() as s:
        _, share = sharing.create_link(s, rep, "d1", now=NOW)
        _, expired = sharing.create_link(s, rep, "d1", now=NOW - timedelta(days=8), days=7)

    config = uvicorn.Config(create_app(runtime), host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the workspace did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Site(url=f"http://127.0.0.1:{port}", keys=keys, share_token=share, expired_token=expired)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.close()
