"""Online backup and restore of a deployment: the database and the stored files.

A backup holds the database (SQLite: a consistent copy made with SQLite's online backup API while
the service keeps writing; PostgreSQL: a `pg_dump` custom-format archive), the stored originals
under `data_dir/files` and a manifest. The search index is not in it: it is derived from the
database, and `copilot reindex --org SLUG` rebuilds it after a restore (the manifest lists the
organizations). Copying the index's files while the indexer writes them would not give a
consistent copy, and a rebuilt index is never behind the database.

The database is copied first and the files after it: files are written once under their content
hash and never changed, so every file the copied database names is already on disk when the files
are copied (files added later are harmless extras).

A backup is a directory, or one `.tar.gz` file when the target's name ends so.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404: runs pg_dump / pg_restore with an argument list, never a shell
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, literal, select, table
from sqlalchemy.engine import make_url

from copilot.errors import Conflict, InvalidInput, NotConfigured

FORMAT = "copilot-backup/1"
SQLITE_FILE = "copilot.db"
PG_FILE = "copilot.pgdump"
FILES = "files"
MANIFEST = "manifest.json"
TARBALL_SUFFIXES = (".tar.gz", ".tgz")


@dataclass(frozen=True)
class Target:
    """Where a deployment keeps its data: the database URL and the data directory."""

    database_url: str
    data_dir: Path

    @property
    def engine(self) -> str:
        backend = make_url(self.database_url).get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise NotConfigured(f"backups support SQLite and PostgreSQL, not {backend}")
        return backend

    @property
    def sqlite_path(self) -> Path:
        database = make_url(self.database_url).database
        if not database or database == ":memory:":
            raise InvalidInput("an in-memory SQLite database cannot be backed up or restored")
        return Path(database)

    @property
    def files(self) -> Path:
        return self.data_dir / FILES


# ---- backup ----------------------------------------------------------------------------------


def backup(target: Target, out: Path, *, now: datetime) -> dict[str, Any]:
    """Write a backup of `target` to `out` (a new directory, or a `.tar.gz`); returns its manifest."""
    if out.exists() and (out.is_file() or any(out.iterdir())):
        raise Conflict(f"{out} already exists; choose a new path")
    out.parent.mkdir(parents=True, exist_ok=True)
    # built beside `out` and moved into place when complete: a failed backup leaves no half of one
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=out.parent, ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        if target.engine == "sqlite":
            tables = _sqlite_backup(target.sqlite_path, work / SQLITE_FILE)
            database = {"engine": "sqlite", "file": SQLITE_FILE, "tables": tables}
        else:
            _run(pg_dump_command(target.database_url, work / PG_FILE), target.database_url)
            database = {"engine": "postgresql", "file": PG_FILE}
        stored = _copy_files(target.files, work / FILES)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": database,
            "files": stored,
            "organizations": _organizations(work / SQLITE_FILE) if target.engine == "sqlite" else None,
            "search_index": "not included: rebuild it with `copilot reindex --org SLUG` after a restore",
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if out.name.endswith(TARBALL_SUFFIXES):
            part = out.with_name(out.name + ".part")
            with tarfile.open(part, "w:gz") as tar:
                for item in sorted(work.iterdir()):
                    tar.add(item, arcname=item.name)
            os.replace(part, out)
        else:
            if out.exists():
                out.rmdir()
            os.replace(work, out)
    return manifest


def _sqlite_backup(source: Path, dest: Path) -> dict[str, int]:
    """Copy a live SQLite database with the online backup API; the row count of each table."""
    if not source.exists():
        raise InvalidInput(f"no database at {source}")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        # one step: the copy is the database as of one read transaction (WAL lets writers go on)
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_integrity(dst, dest)
        return _table_counts(dst)
    finally:
        dst.close()
        src.close()


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise InvalidInput(f"the database copy at {path} fails its integrity check: {'; '.join(result[:5])}")


def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    # names come from the database's own catalogue, quoted as identifiers
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names}  # noqa: S608  # nosec B608


def _organizations(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [str(row[0]) for row in conn.execute("SELECT slug FROM organizations ORDER BY slug")]
    except sqlite3.OperationalError:  # a database never migrated has no organizations table
        return []
    finally:
        conn.close()


def _copy_files(source: Path, dest: Path) -> int:
    """Copy the stored files (not half-written `.part` ones); how many were copied."""
    if not source.is_dir():
        dest.mkdir()
        return 0
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("*.part"))
    return sum(1 for p in dest.rglob("*") if p.is_file())


# ---- PostgreSQL ------------------------------------------------------------------------------


def _pg_uri(database_url: str) -> tuple[str, str | None]:
    """The libpq URI of a SQLAlchemy URL (driver name dropped) without its password, and the
    password (passed in PGPASSWORD, never on a command line others can read)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), url.password


def pg_dump_command(database_url: str, out_file: Path) -> list[str]:
    """The `pg_dump` command that backs up the database (custom format, for `pg_restore`)."""
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={out_file}", _pg_uri(database_url)[0]]


def pg_restore_command(database_url: str, dump_file: Path) -> list[str]:
    """The `pg_restore` command that loads a dump into an empty database."""
    uri = _pg_uri(database_url)[0]
    return ["pg_restore", "--no-owner", "--clean", "--if-exists", f"--dbname={uri}", str(dump_file)]


def _run(command: list[str], database_url: str) -> None:
    if shutil.which(command[0]) is None:
        raise NotConfigured(
            f"{command[0]} is not installed here; run it where it is: {' '.join(command)}"
            " (the password in PGPASSWORD)"
        )
    env = dict(os.environ)
    password = _pg_uri(database_url)[1]
    if password:
        env["PGPASSWORD"] = password
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise NotConfigured(f"{command[0]} failed: {done.stderr.strip()[:500]}")


# ---- restore ---------------------------------------------------------------------------------


def restore(source: Path, target: Target, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup (directory or `.tar.gz`) into `target`; returns its manifest.

    A database that holds any rows is not overwritten unless `force`; with `force` the data
    directory's stored files and embedded search index are replaced too (the index is rebuilt
    afterwards with `copilot reindex`). The service must be stopped while a restore runs."""
    if not source.exists():
        raise InvalidInput(f"no backup at {source}")
    target.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=target.data_dir) as tmp:
        if source.is_file():
            with tarfile.open(source, "r:*") as tar:
                tar.extractall(tmp, filter="data")
            folder = Path(tmp)
        else:
            folder = source
        manifest = _read_manifest(folder)
        engine = manifest["database"]["engine"]
        if engine != target.engine:
            raise InvalidInput(f"the backup is of a {engine} database; this deployment uses {target.engine}")
        if not force and holds_data(target):
            raise Conflict("the database to restore into is not empty; pass --force to replace it")
        if engine == "sqlite":
            _sqlite_restore(folder / SQLITE_FILE, target.sqlite_path)
        else:
            _run(pg_restore_command(target.database_url, folder / PG_FILE), target.database_url)
        if force:
            for derived in (target.files, target.data_dir / "chroma"):
                shutil.rmtree(derived, ignore_errors=True)
        if (folder / FILES).is_dir():
            shutil.copytree(folder / FILES, target.files, dirs_exist_ok=True)
    return manifest


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"not a copilot backup (no readable {MANIFEST}): {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput(f"not a copilot backup: its format is not {FORMAT}")
    return manifest


def holds_data(target: Target) -> bool:
    """Whether the target's database has a row in any table (a migrated schema alone is empty)."""
    if target.engine == "sqlite" and (
        not target.sqlite_path.exists() or target.sqlite_path.stat().st_size == 0
    ):
        return False
    engine = create_engine(target.database_url)
    try:
        with engine.connect() as conn:
            for name in inspect(conn).get_table_names():
                if (
                    name != "alembic_version"
                    and conn.execute(select(literal(1)).select_from(table(name)).limit(1)).first()
                ):
                    return True
    finally:
        engine.dispose()
    return False


def _sqlite_restore(copy: Path, dest: Path) -> None:
    if not copy.exists():
        raise InvalidInput(f"the backup has no {SQLITE_FILE}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(copy)
    try:
        _check_integrity(src, copy)
        dst = sqlite3.connect(dest, timeout=30)
        try:
            src.backup(dst)  # page by page into the live file, so its -wal stays consistent with it
            dst.execute("PRAGMA journal_mode=WAL")
            _check_integrity(dst, dest)
        finally:
            dst.close()
    finally:
        src.close()
