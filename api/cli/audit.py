"""`copilot audit list`: the organization's audit log, newest first."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import command_runtime, console
from copilot import audit
from copilot.access import get_organization
from copilot.clock import in_zone

audit_app = typer.Typer(help="The audit log: who changed what.", no_args_is_help=True)


@audit_app.command("list")
def audit_list(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    action: Annotated[str | None, typer.Option(help="e.g. stage.moved, key.rotated.")] = None,
    target_type: Annotated[str | None, typer.Option(help="deal, api_key, contract_diff...")] = None,
    target_id: Annotated[str | None, typer.Option(help="The target's id.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only entries at or after this time (ISO).")] = None,
    limit: Annotated[int, typer.Option(help="How many entries.")] = 50,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Entries newest first: when, who, what, on which record, and the ids and fields involved."""
    with command_runtime() as runtime, runtime.sessions() as session:
        rows = audit.entries(
            session,
            get_organization(session, org).id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            since=in_zone(since, runtime.settings.tz),
            limit=limit,
        )
        data = [
            {
                "id": e.id,
                "at": e.at.isoformat(timespec="seconds"),
                "actor": e.actor,
                "action": e.action,
                "target_type": e.target_type,
                "target_id": e.target_id,
                "detail": e.detail,
            }
            for e in rows
        ]
    if json_out:
        console.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table("at", "actor", "action", "target", "detail")
    for row in data:
        table.add_row(
            str(row["at"]),
            str(row["actor"]),
            str(row["action"]),
            f"{row['target_type']}:{row['target_id']}",
            json.dumps(row["detail"], ensure_ascii=False),
        )
    console.print(table)
