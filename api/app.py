"""The HTTP service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api import observability
from api.background import BackgroundWork
from api.errors import ERROR_RESPONSES, install_error_handlers
from api.routes import ask, audit, collab, customers, deals, followups, rhythm, risks, search, suggestions
from api.runtime import Runtime, build_runtime
from api.web.mount import error_page
from api.web.mount import install as install_pages
from copilot.config import get_settings

UPLOAD_SUFFIXES = ("/audio", "/contracts", "/confirmation-letters")


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The FastAPI app; builds its runtime from settings unless one is given (tests)."""
    owned = runtime is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.runtime is None:
            app.state.runtime = build_runtime(get_settings())
        runtime: Runtime = app.state.runtime
        # A web worker beside a `copilot worker` runs no background work; a single process runs it
        # all, but the scheduler only when served (an app handed a runtime, as in tests, has none).
        work = None
        if runtime.settings.process_role == "all":
            work = BackgroundWork(
                runtime, scheduler=owned and runtime.settings.scheduler, single_process=True
            )
            work.start()
        yield
        if work is not None:
            await run_in_threadpool(work.stop)
        if owned:
            runtime.close()

    app = FastAPI(
        title="Sales Copilot",
        version="0.1.0",
        description="Follow-ups, contracts and pipeline risk for B2B sales teams. Authenticate with "
        "`Authorization: Bearer <key>` or `X-API-Key: <key>`.",
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.runtime = runtime
    install_error_handlers(app, pages=error_page)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        settings = app.state.runtime.settings if app.state.runtime is not None else get_settings()
        # uploads (audio, PDFs) have their own, larger limits checked by their routes
        limit = (
            settings.max_body_bytes if not request.url.path.endswith(UPLOAD_SUFFIXES) else 64 * 1024 * 1024
        )
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return JSONResponse(
                {
                    "error": "input_too_large",
                    "detail": f"request body is {length} bytes; the limit is {limit}",
                },
                status_code=413,
            )
        return await call_next(request)

    @app.get("/healthz", tags=["ops"])
    def healthz(request: Request) -> dict[str, object]:
        """Liveness, plus the search index's service-wide counters (added up over organizations,
        naming none): `pending`, `indexed`, `failed`, `total` and `complete` count the queued index
        work (imports, and follow-ups in the in-memory queue); `dropped` counts records refused by a
        full in-memory queue. `degraded` when records failed to index or were dropped, which
        `copilot index run --retry-failed` or `copilot reindex` repairs."""
        runtime: Runtime | None = request.app.state.runtime
        if runtime is None:
            return {"status": "ok"}
        work = runtime.search.index_status(None)
        metrics = runtime.search_backend.metrics()
        failed = work.failed + (metrics.failed if metrics else 0)
        dropped = metrics.dropped if metrics else 0
        index: dict[str, object] = {**work.as_dict(), "failed": failed, "dropped": dropped}
        return {"status": "degraded" if failed or dropped else "ok", "index": index}

    observability.install(app)
    app.include_router(followups.router)
    app.include_router(customers.router)
    app.include_router(deals.router)
    app.include_router(search.router)
    app.include_router(risks.router)
    app.include_router(ask.router)
    app.include_router(collab.router)
    app.include_router(suggestions.router)
    app.include_router(rhythm.router)
    app.include_router(audit.router)
    install_pages(app)
    return app
