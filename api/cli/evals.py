"""`copilot eval` and `copilot bench`: accuracy on eval sets and speed, with rich output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from copilot.errors import CopilotError

console = Console()


def eval_cmd(
    suite: Annotated[
        str,
        typer.Argument(help="followups, times, amounts, contracts, search, ask, suggest, cues, redaction."),
    ],
    cases: Annotated[Path, typer.Argument(help="A cases file (JSON Lines).", exists=True, dir_okay=False)],
    out: Annotated[Path | None, typer.Option("--out", help="Write the predictions here.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Run an eval suite on a cases file, write predictions and print its metrics."""
    from evaluators.cases import read_cases
    from evaluators.runner import run

    try:
        total = len(read_cases(cases))
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=json_out,
        ) as progress:
            task = progress.add_task(f"{suite}", total=total)
            if suite == "redaction":
                metrics, preds = _run_redaction(cases, out, lambda: progress.advance(task))
            else:
                metrics, preds, _ = run(suite, cases, out, lambda: progress.advance(task))
    except CopilotError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(code=2) from exc
    errors = sum(1 for p in preds if p.get("error"))
    if json_out:
        console.print_json(json.dumps(metrics))
        return
    table = Table(title=f"{suite} on {cases.name} ({total} cases, {errors} errors)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in metrics.items():
        table.add_row(name, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)
    if out is not None:
        console.print(f"predictions written to {out}")


def _run_redaction(
    cases_path: Path, out: Path | None, progress: Callable[[], None]
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """The `redaction` suite: masking before model calls, scored on a redaction corpus."""
    from evaluators.cases import predict_all, read_cases, write_predictions
    from evaluators.suites.redaction import RedactionSuite

    suite = RedactionSuite()
    cases = read_cases(cases_path)
    preds = list(predict_all(suite, cases, progress))
    if out is not None:
        write_predictions(preds, out)
    return suite.score(cases, preds), preds


def bench_ingest(
    n: Annotated[int, typer.Option("-n", help="How many follow-ups to ingest.")] = 2000,
    database: Annotated[
        Path | None, typer.Option(help="SQLite file to use (default: a temporary one).")
    ] = None,
    with_indexing: Annotated[bool, typer.Option(help="Also run search indexing concurrently.")] = False,
) -> None:
    """Ingest N follow-ups through the service layer into SQLite and report throughput."""
    from benchmarks.ingest import run_ingest_benchmark

    result = run_ingest_benchmark(n, database, with_indexing=with_indexing)
    table = Table(title="offline follow-up ingestion (service layer -> SQLite)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in result.items():
        table.add_row(name, f"{value:,.2f}" if isinstance(value, float) else str(value))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_cmd)
    bench = typer.Typer(help="Benchmarks.", no_args_is_help=True)
    bench.command("ingest")(bench_ingest)
    app.add_typer(bench, name="bench")
