"""Running beyond one process: `copilot serve --workers N`, `copilot worker`, and `copilot migrate-data`
(moving a team from SQLite to PostgreSQL).

`serve --workers N` migrates the database once, starts one `copilot worker` (the search indexer, the
resumption of interrupted extractions, the scheduler and the outbox, and the embedding models,
lent to the web workers over loopback), then N uvicorn workers that serve HTTP only. The index
must be a Chroma server (`COPILOT_CHROMA_URL`): an embedded index is private to the process that
opened it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Annotated

import httpx
import typer

from api.cli.common import console
from copilot.config import Settings, get_settings


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_embeddings(url: str, token: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"copilot worker exited with {proc.returncode}")
        try:
            httpx.post(
                f"{url}/embed",
                json={"model": "hashing", "kind": "describe", "texts": []},
                headers={"Authorization": f"Bearer {token}"},
                timeout=1,
            )
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("copilot worker did not start its embedding server")


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """Run `workers` web workers beside one `copilot worker`; returns when the service stops."""
    import uvicorn

    from api.logs import log_config
    from copilot.store.database import make_engine
    from copilot.store.migrate import upgrade

    if not settings.chroma_url:
        raise typer.BadParameter(
            "several workers need a Chroma server: set COPILOT_CHROMA_URL (e.g. http://127.0.0.1:8001 "
            "after `chroma run --path DIR --port 8001`); the embedded index is private to one process",
            param_hint="--workers",
        )
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)  # once, before any worker starts
    engine.dispose()
    token = secrets.token_urlsafe(24)
    # every process's counters in one directory, so /metrics on any web worker adds them all up
    metrics_dir = tempfile.mkdtemp(prefix="copilot-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    with_token = {**os.environ, "COPILOT_EMBEDDING_SERVER_TOKEN": token}
    embed_port = settings.embedding_server_port or _free_port()
    worker = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "api.cli.main", "worker", "--embedding-port", str(embed_port)], env=with_token
    )
    url = f"http://127.0.0.1:{embed_port}"
    try:
        _wait_for_embeddings(url, token, worker, timeout_s=120)
        os.environ.update(
            COPILOT_PROCESS_ROLE="web", COPILOT_EMBEDDING_SERVER_URL=url, COPILOT_EMBEDDING_SERVER_TOKEN=token
        )
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level,
            log_config=log_config(settings.log_level, settings.log_format),
            access_log=False,
            timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
            # a worker imports the models' clients and opens the database before it answers the
            # supervisor's health check: uvicorn's 5 s replaced slow starters on a busy 2-core machine
            timeout_worker_healthcheck=60,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(settings.shutdown_timeout_s + 30)
        except subprocess.TimeoutExpired:
            worker.kill()
        shutil.rmtree(metrics_dir, ignore_errors=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        embedding_port: Annotated[
            int, typer.Option(help="Port of the embedding server on 127.0.0.1 (0: any free port).")
        ] = 0,
    ) -> None:
        """The background process beside web workers: indexing, resumption of interrupted follow-ups,
        the scheduler and outbox, and the embedding models (started by `copilot serve --workers N`)."""
        from api.background import BackgroundWork
        from api.embedding_server import EmbeddingServer
        from api.runtime import build_runtime

        settings = get_settings()
        if settings.embedding_server_token is None:
            raise typer.BadParameter("COPILOT_EMBEDDING_SERVER_TOKEN is not set", param_hint="environment")
        runtime = build_runtime(settings)
        server = EmbeddingServer(
            runtime.search_backend.embedder,
            settings.embedding_server_token.get_secret_value(),
            embedding_port,
        )
        work = BackgroundWork(runtime, scheduler=settings.scheduler, single_process=False)
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
        server.start()
        work.start()
        console.print(f"copilot worker: embeddings on {server.url}; indexing, recovery and schedule running")
        stopped.wait()
        server.stop()
        work.stop()
        runtime.close()

    @app.command("migrate-data")
    def migrate_data(
        to: Annotated[
            str, typer.Option("--to", help="The target database URL, e.g. postgresql+psycopg://...")
        ],
        source: Annotated[
            str | None, typer.Option("--from", help="The source database URL (default: this deployment's).")
        ] = None,
    ) -> None:
        """Copy every row of this deployment's database (ids kept) into a new, empty database, e.g.
        from SQLite to PostgreSQL; then point COPILOT_DATABASE_URL at it. Stop the service first."""
        from copilot.store.database import make_engine
        from copilot.store.migrate import upgrade
        from copilot.store.transfer import copy_database

        settings = get_settings()
        source_engine = make_engine(source or settings.resolved_database_url)
        target_engine = make_engine(to)
        try:
            upgrade(source_engine)  # both at the same schema version before rows move
            upgrade(target_engine)
            report = copy_database(
                source_engine, target_engine, progress=lambda table, n: console.print(f"  {table}: {n}")
            )
        finally:
            source_engine.dispose()
            target_engine.dispose()
        console.print(
            f"copied {report.total} rows in {len(report.rows)} tables to "
            f"{make_engine(to).url.render_as_string(hide_password=True)}; set COPILOT_DATABASE_URL to it, "
            "then `copilot reindex --org <slug>` unless the index is a Chroma server both use"
        )
