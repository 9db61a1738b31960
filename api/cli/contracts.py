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
    requirements: Annotated[
        Path | None,
        typer.Option(
            "--requirements",
            help="Diff against these requirements (JSON, any of the 12 fields) without storing anything.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Extract the 12 fields (with page and clause evidence); with --deal, store and diff them; with
    --requirements, diff them offline."""
    from copilot.contracts.diff import diff_contract
    from copilot.contracts.fields import OfflineContractExtractor
    from copilot.contracts.service import ContractLimits, extract_document

    if deal is not None and requirements is not None:
        raise fail(InvalidInput("use --deal (the deal's stored requirements) or --requirements, not both"))
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
            if requirements is not None:
                wanted = _read_json_object(requirements)
                result["differences"] = [
                    d.model_dump(mode="json") for d in diff_contract(fields, wanted, document)
                ]
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
    for line in difference_lines(result.get("differences", [])):
        console.print(line)


def difference_lines(differences: list[dict[str, Any]]) -> list[str]:
    """One line per difference, `not found in the contract` (with what was searched) set apart from a
    value the contract states differently; both are differences to acknowledge."""
    lines: list[str] = []
    for d in differences:
        if d.get("finding") == "not_found" or (d.get("finding") is None and d.get("contract") is None):
            lines.append(f"[red]not found in the contract[/red] ({d['severity']}): {d['reason']}")
        else:
            lines.append(f"[yellow]different[/yellow] ({d['severity']}): {d['reason']}")
    return lines


def _read_json_object(path: Path) -> dict[str, Any]:
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not UTF-8 JSON: {exc}") from exc
    if not isinstance(values, dict):
        raise InvalidInput(f"{path} must hold a JSON object of requirement fields")
    return values


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
        values = _read_json_object(file)
        view = runtime.requirements.put(cli_principal(runtime, org, rep), deal, values)
    except CopilotError as exc:
        raise fail(exc) from exc
    console.print_json(json.dumps(view.__dict__, ensure_ascii=False, default=str))


def register(app: typer.Typer) -> None:
    app.add_typer(contract_app, name="contract")
    app.add_typer(requirements_app, name="requirements")
