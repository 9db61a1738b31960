"""`copilot customer export|erase`: personal-data requests (copilot/personal_data.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import command_runtime, console, err
from api.cli.index import describe, drain_or_follow
from copilot.access import get_organization
from copilot.personal_data import erase_customer, export_contact, export_customer

customer_app = typer.Typer(help="Personal-data requests about a customer.", no_args_is_help=True)


@customer_app.command("export")
def export(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    org: Annotated[str, typer.Option(help="Organization slug.")],
    contact: Annotated[
        str | None, typer.Option(help="Only this contact person (by name) and the records naming them.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the JSON here (default: stdout).")] = None,
) -> None:
    """Everything held about a customer (or one of its contacts), as JSON."""
    with command_runtime() as runtime, runtime.sessions() as session:
        org_id = get_organization(session, org).id
        now = runtime.clock.now()
        if contact is None:
            document = export_customer(session, org_id, customer_id, now=now, files=runtime.letters.files)
        else:
            document = export_contact(session, org_id, customer_id, contact, now=now)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        console.print(f"exported to {out}", highlight=False)


@customer_app.command("erase")
def erase(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    org: Annotated[str, typer.Option(help="Organization slug.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the erasure cannot be undone.")] = False,
) -> None:
    """Erase a customer: its rows, search index entries and stored files; the erasure is audited."""
    if not yes:
        err.print(
            f"[red]error:[/red] erasing customer {customer_id!r} cannot be undone; "
            "export it first if needed, then pass --yes"
        )
        raise typer.Exit(code=2)
    with command_runtime() as runtime:
        with runtime.sessions() as session:
            org_id = get_organization(session, org).id
        report = erase_customer(
            runtime.sessions, org_id, customer_id, files=runtime.letters.files, now=runtime.clock.now()
        )
        rows = sum(report.rows.values())
        console.print(
            f"customer {customer_id!r} erased: {rows} rows, {report.files_removed} stored files",
            highlight=False,
        )
        if report.files_left:
            err.print(
                f"[yellow]could not remove {len(report.files_left)} stored files under "
                f"{runtime.letters.files.root / str(org_id)} (by content hash):[/yellow]"
            )
            for sha in report.files_left:
                err.print(f"  {sha}", highlight=False)
        if report.index_records:
            who = drain_or_follow(runtime, org_id)
            if who == "service":
                console.print("search index entries removed by the running service", highlight=False)
            console.print(describe(runtime, org_id), highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(customer_app, name="customer")
