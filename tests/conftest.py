"""Shared builders: a migrated temporary database, organizations with keys, an HTTP client."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from api.app import create_app
from api.runtime import Runtime, build_runtime
from copilot.access import AccessRole, create_api_key, create_organization
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.pipeline.importer import import_pipeline
from copilot.store.database import make_engine
from copilot.store.migrate import upgrade

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def load_fixture(*parts: str) -> object:
    return json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))


# `python -m tests.real_backends` (part of `make test`) runs the storage, retrieval and API tests a
# second time with these set: each test then gets a database of its own on a real PostgreSQL and
# collections of its own on a real Chroma server.
REAL_POSTGRES = os.environ.get("COPILOT_TEST_REAL_POSTGRES")  # an admin URL, e.g. postgresql+psycopg://...
REAL_CHROMA = os.environ.get("COPILOT_TEST_REAL_CHROMA")  # e.g. http://127.0.0.1:8001


POSTGRES_ADMIN_URL = os.environ.get(
    "COPILOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def new_postgres_database() -> Iterator[Callable[[], str]]:
    """Makes empty throwaway PostgreSQL databases (URLs), dropped after the test; the test is skipped
    where no server answers, unless COPILOT_REQUIRE_POSTGRES=1 (CI), where that fails."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new() -> str:
        name = f"copilot_test_{secrets.token_hex(4)}"
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        except OperationalError as exc:
            if os.environ.get("COPILOT_REQUIRE_POSTGRES") == "1":
                raise
            pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.orig}")
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    try:
        yield new
    finally:
        if made:
            with admin.connect() as conn:
                for name in made:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str | None]:
    """With a real PostgreSQL: one migrated database for the session, emptied before each test."""
    if not REAL_POSTGRES:
        yield None
        return
    admin = sa.create_engine(REAL_POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"copilot_t_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path, _postgres_database: str | None) -> str:
    """An empty, migrated database: SQLite in tmp_path, or the session's PostgreSQL database with
    every table emptied (TRUNCATE fires no row triggers, so the audit log's guard allows it)."""
    if _postgres_database is None:
        return f"sqlite:///{tmp_path / 'test.db'}"
    engine = make_engine(_postgres_database)
    with engine.begin() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return _postgres_database


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # the hashing embedder keeps API tests fast; the semantic embedders have tests of their own
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        max_input_chars=5000,
        embedders=["hashing"],
        chroma_url=REAL_CHROMA,
        chroma_prefix=f"t{secrets.token_hex(6)}",
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
