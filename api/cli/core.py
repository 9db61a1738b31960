"""Core commands: serve, the database, organizations and keys, import, follow-ups, demo, search."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.audit import audit_app
from api.cli.common import DEMO_ORG, cli_principal, console, decode_text, fail, open_runtime, read_text_input
from api.cli.corrections import corrections_app
from api.cli.index import index_app
from api.cli.keys import key_app
from api.runtime import Runtime
from copilot.access import AccessRole, create_api_key, create_organization, get_organization
from copilot.config import get_settings
from copilot.errors import CopilotError, InvalidInput, NotFound, ServiceUnavailable
from copilot.pipeline.importer import import_pipeline
from copilot.schemas import FollowUpCreate

app = typer.Typer(
    help="Sales copilot: follow-ups, contracts and pipeline risk, offline by default.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
org_app = typer.Typer(help="Organizations.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
followup_app = typer.Typer(help="Follow-ups.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(key_app, name="key")
app.add_typer(db_app, name="db")
app.add_typer(followup_app, name="followup")
app.add_typer(index_app, name="index")
app.add_typer(audit_app, name="audit")
app.add_typer(corrections_app, name="corrections")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default COPILOT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default COPILOT_PORT).")] = None,
    demo: Annotated[bool, typer.Option(help="Load the demo organization first.")] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Web worker processes; more than one runs beside a `copilot worker` and needs "
            "a Chroma server (COPILOT_CHROMA_URL).",
        ),
    ] = 1,
) -> None:
    """Run the HTTP service (OpenAPI docs at /docs)."""
    import uvicorn

    from api.logs import log_config

    settings = get_settings()
    if demo:
        # in a child process: indexing loads the embedders, which the idle server should not hold
        import subprocess

        subprocess.run([sys.executable, "-m", "api.cli.main", "demo"], check=True)
    shown = host or settings.host
    shown = "127.0.0.1" if shown in ("0.0.0.0", "::") else shown  # noqa: S104 - naming the bind address
    console.print(f"workspace: http://{shown}:{port or settings.port}/app (API docs: /docs)", highlight=False)
    if workers > 1:
        from api.cli.workers import serve_workers

        serve_workers(settings, host or settings.host, port or settings.port, workers)
        return
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level, settings.log_format),
        access_log=False,  # `copilot.access` logs each request without its query string
        # on SIGTERM: stop accepting, let in-flight requests finish (up to this), then stop the
        # background work, which finishes its current batch
        timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema."""
    open_runtime().close()
    console.print(f"database ready: {get_settings().resolved_database_url}")


@org_app.command("create")
def org_create(slug: str, name: Annotated[str | None, typer.Option()] = None) -> None:
    """Create an organization."""
    runtime = open_runtime()
    try:
        with runtime.sessions.begin() as session:
            create_organization(session, slug, name or slug, now=runtime.clock.now())
    except CopilotError as exc:
        raise fail(exc) from exc
    console.print(f"organization {slug!r} created")


@app.command("import")
def import_cmd(
    pipeline: Annotated[
        Path, typer.Argument(help="A pipeline JSON file (FORMAT.md).", exists=True, dir_okay=False)
    ],
    org: Annotated[str, typer.Option(help="Organization slug; created when missing.")] = DEMO_ORG,
    wait: Annotated[
        bool, typer.Option(help="Wait until the imported records are searchable, with a progress bar.")
    ] = False,
) -> None:
    """Load a pipeline file into an organization; importing the same file twice changes nothing.

    Returns once the records are stored: their search indexing is queued in the database and done in
    the background by the running service (or `copilot index run`); `--wait` waits for it here."""
    from api.cli.index import describe, drain_or_follow, who_indexes

    runtime = open_runtime()
    try:
        report, org_id, queued = _import(runtime, pipeline, org)
        console.print(
            f"created {report.created or '{}'}; updated {report.updated or '{}'}; "
            f"unchanged {sum(report.unchanged.values())} records"
        )
        if wait:
            drain_or_follow(runtime, org_id)
            console.print(describe(runtime, org_id), highlight=False)
        elif queued:
            console.print(
                f"{queued} records queued for search indexing; {who_indexes(runtime)}"
                f" (progress: copilot index status --org {org})",
                highlight=False,
            )
    except CopilotError as exc:
        raise fail(exc) from exc
    finally:
        runtime.close()


def _import(runtime: Runtime, pipeline: Path, org_slug: str) -> tuple[Any, int, int]:
    """Store a pipeline file's records and queue the search indexing of those whose searchable form
    changed, in one transaction; returns the import report, the org's id and how many were queued."""
    from copilot.search import indexing

    try:
        data = json.loads(decode_text(pipeline.read_bytes(), None))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{pipeline} is not JSON: {exc}") from exc
    with runtime.sessions.begin() as session:
        try:
            organization = get_organization(session, org_slug)
        except NotFound:
            organization = create_organization(session, org_slug, org_slug, now=runtime.clock.now())
        before = indexing.fingerprints(session, organization.id)
        report = import_pipeline(session, organization.id, data, now=runtime.clock.now())
        queued = 0
        if report.changed:
            session.flush()
            changed = indexing.changed(before, indexing.fingerprints(session, organization.id))
            queued = indexing.queue(session, organization.id, changed, runtime.clock.now())
        return report, organization.id, queued


@followup_app.command("add")
def followup_add(
    text: Annotated[
        str | None, typer.Argument(help="The text, @FILE to read a file, or - for stdin.")
    ] = None,
    org: Annotated[str, typer.Option(help="Organization slug.")] = DEMO_ORG,
    customer: Annotated[str | None, typer.Option(help="Existing customer id.")] = None,
    new_customer: Annotated[str | None, typer.Option(help="Name of a new customer.")] = None,
    rep: Annotated[str | None, typer.Option(help="Act as this rep (default: as an admin).")] = None,
    kind: Annotated[str, typer.Option(help="dictation, or chat/call/wecom with JSON input.")] = "dictation",
    at: Annotated[datetime | None, typer.Option(help="Reference time (ISO, with offset).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Input encoding when not UTF-8.")] = None,
) -> None:
    """Store a follow-up and print what was extracted (JSON)."""
    runtime = open_runtime()
    try:
        body = read_text_input(text, encoding)
        if kind == "dictation":
            payload: dict[str, Any] = {"kind": "dictation", "text": body}
        else:
            try:
                parsed = json.loads(body)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{kind} input must be JSON: {exc}") from exc
            payload = parsed if isinstance(parsed, dict) else {"records": parsed}
            payload.setdefault("kind", kind)
        request = FollowUpCreate.model_validate(
            {
                "customer_id": customer,
                "customer": {"name": new_customer} if new_customer else None,
                "reference_time": at.astimezone() if at and at.tzinfo is None else at,
                "input": payload,
            }
        )
        principal = cli_principal(runtime, org, rep)
        result = runtime.followups.submit(principal, request)
    except CopilotError as exc:
        raise fail(exc) from exc
    finally:
        runtime.close()  # waits for the follow-up to be indexed for search
    console.print_json(result.model_dump_json())


def setup_demo() -> dict[str, str]:
    """The demo organization with the bundled pipeline and a key per role, written to data_dir."""
    from importlib import resources

    runtime = open_runtime()
    settings = runtime.settings
    keys_file = settings.data_dir / "demo-keys.json"
    pipeline = Path(str(resources.files("copilot") / "demo" / "pipeline.json"))
    report, _, _ = _import(runtime, pipeline, DEMO_ORG)
    index_dir = settings.data_dir / "chroma"
    if report.changed or not index_dir.exists():
        console.print("indexing the demo data for search (embedders load once; about a minute)...")
        _reindex(runtime, DEMO_ORG)
    keys: dict[str, str] = {}
    if keys_file.exists():
        keys = json.loads(keys_file.read_text(encoding="utf-8"))
    from copilot.access import authenticate

    with runtime.sessions.begin() as session:
        valid = {}
        for role, key in keys.items():
            try:
                if authenticate(session, key, now=runtime.clock.now()).org_slug == DEMO_ORG:
                    valid[role] = key
            except CopilotError:
                pass
        organization = get_organization(session, DEMO_ORG)
        for label, role, user in (
            ("admin", AccessRole.ADMIN, None),
            ("supervisor", AccessRole.SUPERVISOR, None),
            ("rep_r1", AccessRole.REP, "r1"),
            ("integration", AccessRole.INTEGRATION, None),
        ):
            if label not in valid:
                _, valid[label] = create_api_key(
                    session,
                    organization,
                    role,
                    now=runtime.clock.now(),
                    user_external_id=user,
                    name=f"demo {label}",
                )
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    keys_file.write_text(json.dumps(valid, indent=2), encoding="utf-8")
    keys_file.chmod(0o600)
    runtime.close()
    console.print(f"demo organization ready; API keys in {keys_file}:")
    for label, key in valid.items():
        console.print(f"  {label:12} {key}", highlight=False)
    return valid


@app.command()
def reindex(org: Annotated[str, typer.Option(help="Organization slug.")] = DEMO_ORG) -> None:
    """Rebuild an organization's search index from the database, with a progress bar."""
    runtime = open_runtime()
    try:
        chunks = _reindex(runtime, org)
    except CopilotError as exc:
        raise fail(exc) from exc
    finally:
        runtime.close()
    console.print(f"indexed {chunks} chunks for {org!r}")


def _reindex(runtime: Runtime, org_slug: str) -> int:
    """Rebuild the org's index here (taking the indexer lock: refused while the service holds it,
    since an embedded index must have one writer); clears the org's queued index work."""

    with runtime.sessions() as session:
        org_id = get_organization(session, org_slug).id
    backend = runtime.search_backend
    if not backend.try_lock():
        raise ServiceUnavailable(
            "the running service holds the search index; stop it to reindex, or queue the work with "
            "`copilot import` and let the service index it"
        )
    from api.cli.index import progress_bar

    with progress_bar() as bar:
        task = bar.add_task("index", total=None)
        try:
            return runtime.search.reindex(
                org_id, lambda done, total: bar.update(task, completed=done, total=total)
            )
        finally:
            backend.unlock()


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    org: Annotated[str, typer.Option(help="Organization slug.")] = DEMO_ORG,
    customer: Annotated[str | None, typer.Option(help="Only this customer's records.")] = None,
    limit: Annotated[int, typer.Option(help="How many results.")] = 5,
) -> None:
    """Search an organization's notes, chats and documents by meaning."""
    from copilot.search.service import SearchFilter

    runtime = open_runtime()
    try:
        hits = runtime.search.search(
            cli_principal(runtime, org, None), query, SearchFilter(customer_id=customer), limit
        )
    except CopilotError as exc:
        raise fail(exc) from exc
    finally:
        runtime.close()
    for n, h in enumerate(hits, 1):
        console.print(
            f"{n}. [bold]{h.record_id}[/bold] {h.kind} {h.customer_id or ''} {h.at:%Y-%m-%d}"
            if h.at
            else f"{n}. [bold]{h.record_id}[/bold] {h.kind}",
            highlight=False,
        )
        console.print(f"   {h.text[:160]}", highlight=False)


@app.command()
def demo() -> None:
    """Load the demo organization and print its API keys."""
    setup_demo()
