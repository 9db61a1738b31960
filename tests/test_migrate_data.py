"""`copilot migrate-data`: a SQLite team moved to PostgreSQL keeps every row, id and key, and the
moved database takes new rows (its sequences continue after the copied ids)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app as cli
from api.runtime import build_runtime
from copilot.clock import FixedClock
from copilot.config import Settings, get_settings
from copilot.store.models import Base
from tests.conftest import NOW, auth, ingest_dictation, load_fixture, make_org


@pytest.fixture
def postgres_url(new_postgres_database: Callable[[], str]) -> str:
    return new_postgres_database()


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in Base.metadata.sorted_tables
        }
    engine.dispose()
    return out


def test_a_sqlite_team_moves_to_postgres(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'team.db'}"
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, embedders=["hashing"])
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    with TestClient(create_app(runtime)) as client:
        first = ingest_dictation(
            client, org.keys["r1"], "c1", "孙厂长说价格还得再商量 下周三前我把方案发过去"
        )
        r = client.put(
            "/v1/deals/d1/requirements",
            json={"requirements": {"warranty_months": 24}},
            headers=auth(org.keys["r1"]),
        )
        assert r.status_code == 200, r.text
    runtime.close()
    before = _counts(sqlite_url)
    assert before["activities"] > 0 and before["audit_log"] > 0

    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPILOT_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["migrate-data", "--to", postgres_url])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert _counts(postgres_url) == before

    moved = build_runtime(
        Settings(data_dir=tmp_path, database_url=postgres_url, embedders=["hashing"]), clock=FixedClock(NOW)
    )
    try:
        with TestClient(create_app(moved)) as client:
            # the same keys, ids and records; new rows get ids after the copied ones
            assert client.get(f"/v1/followups/{first}", headers=auth(org.keys["r1"])).status_code == 200
            second = ingest_dictation(client, org.keys["r1"], "c1", "王总说合同下周签 我周四带技术过去")
            assert second != first
        assert _counts(postgres_url)["activities"] == before["activities"] + 1
    finally:
        moved.close()

    # a second run refuses the database it filled
    get_settings.cache_clear()
    monkeypatch.setenv("COPILOT_DATABASE_URL", sqlite_url)
    again = CliRunner().invoke(cli, ["migrate-data", "--to", postgres_url])
    get_settings.cache_clear()
    assert again.exit_code != 0
    assert "not empty" in (again.output + str(again.exception))
