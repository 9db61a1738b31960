"""Shared builders: a migrated temporary database, organizations with keys, an HTTP client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, build_runtime
from copilot.access import AccessRole, create_api_key, create_organization
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.pipeline.importer import import_pipeline

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def load_fixture(*parts: str) -> object:
    return json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # the hashing embedder keeps API tests fast; the semantic embedders have tests of their own
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        max_input_chars=5000,
        embedders=["hashing"],
    )


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = build_runtime(settings, clock=FixedClock(NOW))
    yield rt
    rt.close()


@dataclass
class Org:
    slug: str
    id: int
    keys: dict[str, str]


def make_org(runtime: Runtime, slug: str, pipeline: object | None = None) -> Org:
    """An organization loaded with `pipeline` and a key per role (rep keys for r1 and r3)."""
    with runtime.sessions.begin() as session:
        org = create_organization(session, slug, slug, now=NOW)
        if pipeline is not None:
            import_pipeline(session, org.id, pipeline, now=NOW)
        keys = {}
        for label, role, user in (
            ("admin", AccessRole.ADMIN, None),
            ("integration", AccessRole.INTEGRATION, None),
            ("supervisor", AccessRole.SUPERVISOR, "m1" if pipeline else None),
            ("r1", AccessRole.REP, "r1" if pipeline else None),
            ("r3", AccessRole.REP, "r3" if pipeline else None),
        ):
            if role is AccessRole.REP and user is None:
                continue
            _, keys[label] = create_api_key(session, org, role, now=NOW, user_external_id=user)
        return Org(slug=slug, id=org.id, keys=keys)


@pytest.fixture
def acme(runtime: Runtime) -> Org:
    return make_org(runtime, "acme", load_fixture("pipeline", "small.json"))


@pytest.fixture
def globex(runtime: Runtime) -> Org:
    return make_org(runtime, "globex", load_fixture("pipeline", "small.json"))


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def ingest_dictation(client: TestClient, key: str, customer: str, text: str) -> str:
    """POST a dictated follow-up for `customer`; returns its id (asserts it was accepted)."""
    r = client.post(
        "/v1/followups",
        headers=auth(key),
        json={"customer_id": customer, "input": {"kind": "dictation", "text": text}},
    )
    assert r.status_code == 201, r.text
    fu_id: str = r.json()["id"]
    return fu_id


@pytest.fixture
def cli_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The CLI's data directory for one test (embedded database, hashing embedder), settings reread."""
    from copilot.config import get_settings

    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPILOT_EMBEDDERS", '["hashing"]')
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
