"""Online backup while follow-ups are being written, and a restore the service runs on."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.runtime import Runtime, build_runtime
from copilot.access import AccessRole, Principal
from copilot.backup import Target, backup, holds_data, restore
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.errors import Conflict, InvalidInput
from copilot.schemas import FollowUpCreate
from tests.conftest import NOW, Org, auth, load_fixture, make_org

NOTE = "第{n}次跟进 客户想看看蓝鲸仓储的温控方案 下周二上门演示"


def _target(settings: Settings) -> Target:
    return Target(settings.resolved_database_url, settings.data_dir)


def _fresh(tmp_path: Path, name: str) -> Settings:
    return Settings(data_dir=tmp_path / name, embedders=["hashing"])


def test_backup_while_writing_then_restore_into_a_fresh_data_dir(
    runtime: Runtime, settings: Settings, acme: Org, tmp_path: Path
) -> None:
    admin_user = Principal(org_id=acme.id, org_slug="acme", role=AccessRole.ADMIN, key_id=0)
    letter = runtime.letters.files.put(acme.id, b"%PDF-1.4 a stored letter")
    committed: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            request = FollowUpCreate.model_validate(
                {"customer_id": "c1", "input": {"kind": "dictation", "text": NOTE.format(n=n)}}
            )
            try:
                committed.append(runtime.followups.submit(admin_user, request).id)
            except BaseException as exc:  # the test reports whatever stopped the writer
                errors.append(exc)
                return

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(committed) < 5 and writer.is_alive():
            threading.Event().wait(0.01)
        before = list(committed)
        manifest = backup(_target(settings), tmp_path / "b" / "copilot.tar.gz", now=NOW)
        during = len(committed)
        while len(committed) < during + 3 and writer.is_alive():
            threading.Event().wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert not errors, errors
    assert len(committed) > len(before)  # the service kept writing around the backup
    assert manifest["organizations"] == ["acme"] and manifest["files"] == 1
    assert manifest["database"]["tables"]["activities"] >= 2 + len(before)

    restored = _fresh(tmp_path, "restored")
    assert restore(tmp_path / "b" / "copilot.tar.gz", _target(restored))["created_at"] == NOW.isoformat()
    db = restored.data_dir / "copilot.db"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = {str(r[0]) for r in conn.execute("SELECT external_id FROM activities")}
    finally:
        conn.close()
    assert set(before) <= ids
    assert (restored.data_dir / "files" / str(acme.id) / letter[:2] / letter).read_bytes().startswith(b"%PDF")

    # the service starts on the restored data; the index is rebuilt from it and search answers
    second = build_runtime(restored, clock=FixedClock(NOW))
    try:
        with TestClient(create_app(second)) as client:
            assert client.get("/healthz").json()["status"] == "ok"
            admin = auth(acme.keys["admin"])
            assert client.get("/v1/customers/c1", headers=admin).status_code == 200
            assert second.search.reindex(acme.id) >= len(before)
            r = client.get("/v1/search", params={"q": "蓝鲸仓储 温控方案"}, headers=admin)
            assert r.status_code == 200, r.text
            assert r.json()["hits"][0]["record_id"] in ids
    finally:
        second.close()


def test_restore_refuses_a_database_with_data_unless_forced(
    runtime: Runtime, settings: Settings, acme: Org, tmp_path: Path
) -> None:
    out = tmp_path / "backup-dir"
    backup(_target(settings), out, now=NOW)
    with pytest.raises(Conflict, match="already exists"):
        backup(_target(settings), out, now=NOW)
    other = _fresh(tmp_path, "other")
    other_runtime = build_runtime(other, clock=FixedClock(NOW))  # a migrated database, still empty
    other_runtime.close()
    assert not holds_data(_target(other))
    restore(out, _target(other))
    assert holds_data(_target(other))
    (other.data_dir / "files" / "stale").parent.mkdir(parents=True, exist_ok=True)
    (other.data_dir / "files" / "stale").write_text("x")
    with pytest.raises(Conflict, match="not empty"):
        restore(out, _target(other))
    restore(out, _target(other), force=True)
    assert not (other.data_dir / "files" / "stale").exists()
    with pytest.raises(InvalidInput, match="not a copilot backup"):
        restore(tmp_path, _target(other), force=True)


def test_the_cli_backs_up_and_restores(cli_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    import json

    from api.cli.main import app

    runner = CliRunner()
    pipeline = cli_data_dir / "pipeline.json"
    pipeline.write_text(
        json.dumps(load_fixture("pipeline", "small.json"), ensure_ascii=False), encoding="utf-8"
    )
    assert runner.invoke(app, ["import", str(pipeline), "--org", "acme"]).exit_code == 0
    out = tmp_path_factory.mktemp("backups") / "b.tar.gz"
    r = runner.invoke(app, ["db", "backup", "--out", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["db", "restore", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(app, ["db", "restore", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert "copilot reindex --org acme" in r.output


@pytest.fixture
def pg_databases(new_postgres_database: Callable[[], str]) -> list[str]:
    """Two throwaway PostgreSQL databases (skipped where no server answers, as in test_postgres)."""
    return [new_postgres_database(), new_postgres_database()]


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_postgres_backup_and_restore_with_pg_dump(pg_databases: list[str], tmp_path: Path) -> None:
    first = Settings(database_url=pg_databases[0], data_dir=tmp_path / "a", embedders=["hashing"])
    runtime = build_runtime(first, clock=FixedClock(NOW))
    try:
        acme = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
        runtime.letters.files.put(acme.id, b"%PDF-1.4 a stored letter")
        manifest = backup(_target(first), tmp_path / "pg.tar.gz", now=NOW)
    finally:
        runtime.close()
    assert (
        manifest["database"] == {"engine": "postgresql", "file": "copilot.pgdump"} and manifest["files"] == 1
    )
    second = Target(pg_databases[1], tmp_path / "b")
    assert not holds_data(second)
    restore(tmp_path / "pg.tar.gz", second)
    assert holds_data(second)
    with pytest.raises(Conflict):
        restore(tmp_path / "pg.tar.gz", second)
    restored = build_runtime(
        Settings(database_url=pg_databases[1], data_dir=tmp_path / "b", embedders=["hashing"]),
        clock=FixedClock(NOW),
    )
    try:
        with TestClient(create_app(restored)) as client:
            r = client.get("/v1/customers/c1", headers=auth(acme.keys["admin"]))
            assert r.status_code == 200 and r.json()["name"] == "苏州恒远精工机械有限公司"
    finally:
        restored.close()
    assert len([p for p in (tmp_path / "b" / "files").rglob("*") if p.is_file()]) == 1
