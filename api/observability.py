"""Prometheus metrics at `/metrics` and readiness at `/readyz`.

Every series is service-wide and names no organization, customer or person: a scrape shows how the
service is doing, never whose data it holds. Request series are labelled by the route's template
(`/v1/customers/{customer_id}`), so ids never become label values. Queue gauges are read when the
endpoint is scraped, from the same counters `/healthz` reports.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text

from api import logs
from api.runtime import Runtime
from copilot.privacy import events
from copilot.privacy.detect import KINDS
from copilot.store.models import OutboxMessage

# request latency buckets: the search and page goals sit at 50-300 ms, uploads and questions above
access = logging.getLogger("copilot.access")
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)


class _QueueCollector(Collector):
    """Index and outbox backlogs, read at scrape time."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        runtime: Runtime | None = self._app.state.runtime
        if runtime is None:
            return
        work = runtime.search.index_status(None)
        index = GaugeMetricFamily(
            "copilot_index_records", "Search index work by state (all organizations)", labels=["state"]
        )
        for state, value in (("pending", work.pending), ("indexed", work.indexed), ("failed", work.failed)):
            index.add_metric([state], value)
        yield index
        queue = runtime.search_backend.metrics()
        if queue is not None:
            yield GaugeMetricFamily(
                "copilot_index_queue_depth",
                "Records waiting in the in-memory index queue",
                value=queue.pending,
            )
            yield GaugeMetricFamily(
                "copilot_index_dropped",
                "Records refused by a full index queue since start",
                value=queue.dropped,
            )
        with runtime.sessions() as session:
            rows = session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        outbox = GaugeMetricFamily(
            "copilot_outbox_messages", "Webhook outbox messages by status", labels=["status"]
        )
        counts = {str(status): int(n) for status, n in rows}
        for status in ("pending", "sent", "dead"):
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox


def _model_metrics(app: FastAPI, registry: CollectorRegistry) -> None:
    """Model calls, tokens, fallbacks and masked values by kind (counts only: values never reach here)."""
    calls = Counter(
        "copilot_llm_calls",
        "Calls to model endpoints by purpose (followup, contract, ask, embedding, transcription) and outcome",
        ["purpose", "outcome"],
        registry=registry,
    )
    tokens = Counter(
        "copilot_llm_tokens", "Model tokens by direction (input, output)", ["direction"], registry=registry
    )
    fallbacks = Counter(
        "copilot_llm_fallbacks",
        "Answers the offline engine gave because the model gave none, by purpose",
        ["purpose"],
        registry=registry,
    )
    redactions = Counter(
        "copilot_redactions",
        "Personal values masked before model calls, by kind",
        ["kind"],
        registry=registry,
    )
    for kind in KINDS:
        redactions.labels(kind)
    for direction in ("input", "output"):
        tokens.labels(direction)

    def record(event: events.Event) -> None:
        if isinstance(event, events.Fallback):
            fallbacks.labels(event.purpose).inc()
            return
        calls.labels(event.purpose, event.outcome).inc()
        if event.input_tokens:
            tokens.labels("input").inc(event.input_tokens)
        if event.output_tokens:
            tokens.labels("output").inc(event.output_tokens)
        for kind, n in event.redactions.items():
            if n:
                redactions.labels(kind).inc(n)

    # the app keeps the listener alive; the event registry only holds it weakly
    app.state.model_metrics = record
    events.subscribe(record)


def install(app: FastAPI) -> None:
    """Add the request middleware (metrics, request ids, the access log), `/metrics` and `/readyz`."""
    registry = CollectorRegistry()
    requests = Counter(
        "copilot_http_requests",
        "HTTP requests by route template and status",
        ["method", "route", "status"],
        registry=registry,
    )
    latency = Histogram(
        "copilot_http_request_seconds",
        "HTTP request latency by route template",
        ["method", "route"],
        buckets=_BUCKETS,
        registry=registry,
    )
    registry.register(_QueueCollector(app))
    _model_metrics(app, registry)

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        start = time.perf_counter()
        rid = logs.request_id(request.headers.get("x-request-id"))
        token = logs.REQUEST_ID.set(rid)
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = rid
            return response
        finally:
            route = request.scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            elapsed = time.perf_counter() - start
            if template != "/metrics":
                requests.labels(request.method, template, str(status)).inc()
                latency.labels(request.method, template).observe(elapsed)
            access.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": request.method,
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            logs.REQUEST_ID.reset(token)

    queues = _QueueCollector(app)

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def metrics() -> Response:
        """Prometheus text format; service-wide series only. Behind `copilot serve --workers N`
        (PROMETHEUS_MULTIPROC_DIR set) the counters of every worker process, added up."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            combined = CollectorRegistry()
            MultiProcessCollector(combined)  # type: ignore[no-untyped-call]  # the library has no hints here
            combined.register(queues)
            return Response(generate_latest(combined), media_type=CONTENT_TYPE_LATEST)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/readyz", tags=["ops"])
    def readyz(request: Request) -> Response:
        """Ready to serve: the database answers. 503 naming what is not ready otherwise."""
        runtime: Runtime | None = request.app.state.runtime
        if runtime is None:
            return JSONResponse({"status": "ready"})
        try:
            with runtime.sessions() as session:
                session.execute(text("SELECT 1"))
        # any driver error means the same thing here: not ready; its type is named, never its text
        except Exception as exc:
            return JSONResponse(
                {"status": "not_ready", "database": f"unreachable ({type(exc).__name__})"}, status_code=503
            )
        return JSONResponse({"status": "ready", "database": "ok"})
