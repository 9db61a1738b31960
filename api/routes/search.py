"""Search by meaning over the caller's notes, chats and documents."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import PrincipalDep, RuntimeDep
from copilot.search.service import SearchFilter

router = APIRouter(prefix="/v1", tags=["search"])


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
    """The records that best answer `q`, within the caller's scope and the filters, best first."""
    filters = SearchFilter(
        customer_id=customer_id,
        deal_id=deal_id,
        rep_id=rep_id,
        kinds=tuple(kind or ()),
        since=since,
        until=until,
    )
    hits = await run_in_threadpool(runtime.search.search, principal, q, filters, limit)
    return {"query": q, "hits": [asdict(h) for h in hits]}
