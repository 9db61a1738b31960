"""Search by meaning over the caller's notes, chats and documents."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import PrincipalDep, RuntimeDep, scoped
from api.runtime import Runtime
from copilot.access import Principal
from copilot.search.indexing import IndexStatus
from copilot.search.service import SearchFilter, SearchResult

router = APIRouter(prefix="/v1", tags=["search"], dependencies=[scoped("search")])


def _search(
    runtime: Runtime, principal: Principal, q: str, filters: SearchFilter, limit: int
) -> tuple[list[SearchResult], IndexStatus | None]:
    """The hits and the org's index status in one worker thread (one hand-off, not two)."""
    hits = runtime.search.search(principal, q, filters, limit)
    return hits, runtime.search.index_complete(principal.org_id)


@router.get("/search")
async def search(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="What to look for, 中文 or English.")],
    customer_id: str | None = None,
    deal_id: str | None = None,
    rep_id: str | None = None,
    kind: Annotated[
        list[str] | None, Query(description="Activity kinds (call, visit, chat...) or document:<kind>.")
    ] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """The records that best answer `q`, within the caller's scope and the filters, best first.

    `index_complete` is false while records of the organization are still waiting to be indexed
    (after an import, say); `indexing` then counts them (`done` of `total`), and the hits come from
    what is indexed so far."""
    filters = SearchFilter(
        customer_id=customer_id,
        deal_id=deal_id,
        rep_id=rep_id,
        kinds=tuple(kind or ()),
        since=since,
        until=until,
    )
    hits, waiting = await run_in_threadpool(_search, runtime, principal, q, filters, limit)
    out: dict[str, Any] = {"query": q, "hits": [asdict(h) for h in hits], "index_complete": waiting is None}
    if waiting is not None:
        out["indexing"] = {"done": waiting.indexed, "total": waiting.total, "pending": waiting.pending}
    return out
