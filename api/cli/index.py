"""`copilot index status|run`: the search index work that imports queue, and its progress.

`copilot import` stores the records and queues their indexing in the database, then returns. The
running service's background indexer drains that queue; without a service, `copilot index run` (or
`copilot import --wait`) drains it here. One process indexes at a time (the indexer lock beside the
index): when the service holds it, these commands follow its progress instead.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.common import DEMO_ORG, command_runtime, console
from api.runtime import Runtime
from copilot.access import get_organization
from copilot.search import indexing

index_app = typer.Typer(help="The search index: queued work and its progress.", no_args_is_help=True)


def org_id_of(runtime: Runtime, org_slug: str) -> int:
    with runtime.sessions() as session:
        return get_organization(session, org_slug).id


def progress_bar() -> Progress:
    """The indexing progress bar of `copilot index run`, `import --wait` and `reindex`."""
    return Progress(
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def drain_or_follow(runtime: Runtime, org_id: int, poll_s: float = 1.0) -> str:
    """Index the org's queued records here with a progress bar, or, when another process (the
    service) holds the indexer lock, show its progress until the org's index is complete.
    Returns who did the work: `here`, `service` or `nothing` (nothing was queued)."""
    first = runtime.search.index_status(org_id)
    if first.complete:
        return "nothing"
    backend = runtime.search_backend
    with progress_bar() as bar:
        task = bar.add_task("index", total=first.total, completed=first.indexed)
        if backend.try_lock():
            try:
                runtime.search.drain(
                    org_id=org_id, progress=lambda done, total: bar.update(task, completed=done, total=total)
                )
            finally:
                backend.unlock()
            return "here"
        while True:
            state = runtime.search.index_status(org_id)
            if state.complete:
                return "service"
            bar.update(task, completed=state.indexed, total=state.total)
            time.sleep(poll_s)


def who_indexes(runtime: Runtime) -> str:
    """Who will index queued records: the running service, or nobody until one starts."""
    if runtime.search_backend.indexer_elsewhere():
        return "the running service is indexing them"
    return "no indexer is running: start the service or run `copilot index run`"


def describe(runtime: Runtime, org_id: int) -> str:
    state = runtime.search.index_status(org_id)
    if state.complete and not state.failed:
        return "search index complete"
    text = f"search index: {state.indexed} of {state.total} queued records indexed, {state.pending} pending"
    if state.failed:
        text += f", {state.failed} failed (copilot index run --retry-failed)"
    return text


@index_app.command("status")
def status(org: Annotated[str, typer.Option(help="Organization slug.")] = DEMO_ORG) -> None:
    """How much of the organization's queued index work is done, and who is doing it."""
    with command_runtime() as runtime:
        org_id = org_id_of(runtime, org)
        console.print(describe(runtime, org_id), highlight=False)
        state = runtime.search.index_status(org_id)
        if not state.complete:
            console.print(who_indexes(runtime), highlight=False)


@index_app.command("run")
def run(
    org: Annotated[str, typer.Option(help="Organization slug.")] = DEMO_ORG,
    retry_failed: Annotated[bool, typer.Option(help="Queue the records that failed again first.")] = False,
) -> None:
    """Index the organization's queued records now, with a progress bar (or follow the running
    service's progress until they are done)."""
    with command_runtime() as runtime:
        org_id = org_id_of(runtime, org)
        if retry_failed:
            with runtime.sessions.begin() as session:
                indexing.retry_failed(session, org_id)
        who = drain_or_follow(runtime, org_id)
        if who == "service":
            console.print("indexed by the running service", highlight=False)
        console.print(describe(runtime, org_id), highlight=False)
