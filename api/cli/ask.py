"""`copilot ask "…" [--as-of]`: a question about the pipeline, answered with its records."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import DEMO_ORG, cli_principal, command_runtime, console
from copilot.clock import in_zone


def ask(
    question: Annotated[str, typer.Argument(help="The question, 中文 or English.")],
    org: Annotated[str, typer.Option(help="Organization slug.")] = DEMO_ORG,
    rep: Annotated[str | None, typer.Option(help="Ask as this rep (default: as an admin).")] = None,
    as_of: Annotated[datetime | None, typer.Option(help="Answer as of this time (ISO); default now.")] = None,
    engine: Annotated[str, typer.Option(help="auto, offline or llm.")] = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print the whole answer as JSON.")] = False,
) -> None:
    """Answer a question about the pipeline: the sentence, the plan, and the records behind it."""
    with command_runtime() as runtime:
        when = in_zone(as_of, runtime.settings.tz)
        answer = runtime.ask.ask(cli_principal(runtime, org, rep), question, as_of=when, engine=engine)
    if json_out:
        console.print_json(json.dumps(answer, ensure_ascii=False, default=str))
        return
    console.print(answer["answer"], highlight=False)
    if not answer["answerable"]:
        for suggestion in answer["suggestions"]:
            console.print(f"  - {suggestion}", highlight=False)
        return
    console.print(f"[dim]{answer['description']}  ({answer['engine']}, {answer['elapsed_ms']} ms)[/dim]")
    rows = answer["drilldown"]
    if rows:
        table = Table(title=f"{answer['drilldown_total']} records")
        columns = [
            c
            for c in ("id", "name", "customer", "rep", "stage", "amount", "value", "at", "kind")
            if any(c in r for r in rows)
        ]
        for column in columns:
            table.add_column(column)
        for row in rows[:30]:
            table.add_row(*(str(row.get(c, "")) if row.get(c) is not None else "" for c in columns))
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
