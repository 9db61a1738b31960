"""`copilot corrections export`: the reps' corrections as follow-up eval cases (FORMAT.md's format)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import command_runtime, console
from copilot.access import get_organization
from copilot.clock import in_zone
from copilot.followups.corrections import export_cases

corrections_app = typer.Typer(help="Reps' corrections of follow-up readings.", no_args_is_help=True)


@corrections_app.command("export")
def export(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    out: Annotated[Path, typer.Option(help="The JSON Lines file to write (one case per line).")],
    since: Annotated[datetime | None, typer.Option(help="Only corrections at or after this time.")] = None,
) -> None:
    """Every corrected follow-up as a case: its input as stored, expected = the rep's confirmed
    reading. Score the engine on it with `copilot eval followups <out>`."""
    with command_runtime() as runtime, runtime.sessions() as session:
        cases = export_cases(
            session, get_organization(session, org).id, since=in_zone(since, runtime.settings.tz)
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    console.print(f"{len(cases)} corrected follow-ups written to {out}")
