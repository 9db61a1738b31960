"""`copilot db backup|restore`: online backups of the database and stored files (copilot/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import console, err, fail
from copilot.backup import Target, backup, restore
from copilot.clock import SystemClock
from copilot.config import get_settings
from copilot.errors import CopilotError


def _target() -> Target:
    settings = get_settings()
    return Target(settings.resolved_database_url, settings.data_dir)


def db_backup(
    out: Annotated[
        Path | None,
        typer.Option(
            help="A new directory, or a file ending .tar.gz (default: backups/copilot-<time>.tar.gz)."
        ),
    ] = None,
) -> None:
    """Back up the database and stored files while the service runs (not the search index)."""
    now = SystemClock().now()
    path = out or Path("backups") / f"copilot-{now:%Y%m%dT%H%M%S}.tar.gz"
    try:
        manifest = backup(_target(), path, now=now)
    except CopilotError as exc:
        raise fail(exc) from exc
    rows = sum((manifest["database"].get("tables") or {}).values())
    console.print(f"backup written to {path}: {rows} rows, {manifest['files']} stored files", highlight=False)


def db_restore(
    source: Annotated[Path, typer.Argument(help="A backup directory or .tar.gz file.")],
    force: Annotated[
        bool, typer.Option(help="Replace a database that holds data (and its stored files and index).")
    ] = False,
) -> None:
    """Restore a backup into this deployment's data directory (stop the service first)."""
    try:
        manifest = restore(source, _target(), force=force)
    except CopilotError as exc:
        raise fail(exc) from exc
    console.print(f"restored the backup of {manifest['created_at']}", highlight=False)
    orgs = manifest.get("organizations") or []
    if orgs:
        err.print(
            "rebuild the search index: " + "; ".join(f"copilot reindex --org {o}" for o in orgs),
            highlight=False,
        )
    else:
        err.print(
            "rebuild the search index: copilot reindex --org SLUG, for each organization", highlight=False
        )


def register(app: typer.Typer) -> None:
    """The commands join the `db` group that `app` already holds (beside `copilot db upgrade`)."""
    db_app = next(g.typer_instance for g in app.registered_groups if g.name == "db")
    assert db_app is not None
    db_app.command("backup")(db_backup)
    db_app.command("restore")(db_restore)
