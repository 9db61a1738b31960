"""`copilot contract extract` and `copilot requirements set`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.cli.common import cli_principal, fail, open_runtime
from copilot.errors import CopilotError, InvalidInput

console = Console()
contract_app = typer.Typer(
    help="Contracts: extract the 12 fields and diff them against requirements.", no_args_is_help=True
)
requirements_app = typer.Typer(help="A deal's original customer requirements.", no_args_is_help=True)


@contract_app.command("extract")
def contract_extract(
    pdf: Annotated[Path, typer.Argument(help="The contract PDF.", exists=True, dir_okay=False)],
    deal: Annotated[
        str | None, typer.Option(help="Store it on this deal and diff it against its requirements.")
    ] = None,
    org: Annotated[str, typer.Option(help="Organization slug (with --deal).")] = "demo",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Extract the 12 fields (with page and clause evidence); with --deal, store and diff them."""
    from copilot.contracts.fields import OfflineContractExtractor
    from copilot.contracts.service import ContractLimits, extract_document

    runtime = open_runtime()
    try:
        data = pdf.read_bytes()
        if deal is not None:
            result: dict[str, Any] = runtime.contracts.upload(
                cli_principal(runtime, org, None), deal, data, pdf.name
            )
        else:
            limits = ContractLimits(runtime.settings.contract_max_pages, runtime.settings.contract_max_bytes)
            document, fields = extract_document(data, pdf.name, OfflineContractExtractor(), limits)
            result = {
                "filename": pdf.name,
                "pages": document.page_count,
                "fields": fields.normalised(),
                "evidence": {k: [e.model_dump(mode="json") for e in v] for k, v in fields.evidence.items()},
                "warnings": list(document.warnings),
            }
    except CopilotError as exc:
        raise fail(exc) from exc
    if json_out:
        console.print_json(json.dumps(result, ensure_ascii=False, default=str))
        return
    table = Table(title=f"{pdf.name}: {result['pages']} pages")
    table.add_column("field")
    table.add_column("value")
    table.add_column("page", justify="right")
    for name, value in result["fields"].items():
        ev = result["evidence"].get(name) or [{}]
        table.add_row(name, json.dumps(value, ensure_ascii=False), str(ev[0].get("page", "")))
    console.print(table)
    for d in result.get("differences", []):
        console.print(f"[yellow]difference[/yellow] ({d['severity']}): {d['reason']}")


@requirements_app.command("set")
def requirements_set(
    deal: Annotated[str, typer.Option(help="The deal's id.")],
    file: Annotated[
        Path, typer.Argument(help="JSON with any of the 12 fields in normalised form.", exists=True)
    ],
    org: Annotated[str, typer.Option(help="Organization slug.")] = "demo",
    rep: Annotated[
        str | None, typer.Option(help="Record the change as this rep (asks for double sign-off).")
    ] = None,
) -> None:
    """Record a deal's original requirements; every change is kept with who and when."""
    runtime = open_runtime()
    try:
        try:
            values = json.loads(file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{file} is not UTF-8 JSON: {exc}") from exc
        if not isinstance(values, dict):
            raise InvalidInput(f"{file} must hold a JSON object of requirement fields")
        view = runtime.requirements.put(cli_principal(runtime, org, rep), deal, values)
    except CopilotError as exc:
        raise fail(exc) from exc
    console.print_json(json.dumps(view.__dict__, ensure_ascii=False, default=str))


def register(app: typer.Typer) -> None:
    app.add_typer(contract_app, name="contract")
    app.add_typer(requirements_app, name="requirements")
