"""Next actions for integrations (CRMs, bots) and the customer news they push."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, status

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.clock import in_zone
from copilot.suggest.engine import ACTION_TYPES

router = APIRouter(prefix="/v1", tags=["suggestions"], dependencies=[scoped("suggestions")])

AsOf = Annotated[
    datetime | None,
    Query(
        description="Suggest as of this time (ISO; without an offset, the team's time zone). Default: now."
    ),
]
Lang = Annotated[Literal["zh", "en"] | None, Query(description="Default: the organization's language.")]


@router.get("/customers/{customer_id}/suggestions")
def customer_suggestions(
    customer_id: str, principal: PrincipalDep, runtime: RuntimeDep, as_of: AsOf = None, lang: Lang = None
) -> dict[str, Any]:
    """The customer's next actions: each with its type, a concrete text, the reason, the evidence
    (records and the sentences quoted from them) and a due date. Rules first, then what the
    customer's own records and news ask for; an action already taken is not suggested again."""
    return runtime.suggestions.for_customer(
        principal, customer_id, as_of=in_zone(as_of, runtime.settings.tz), lang=lang
    )


@router.get("/suggestions")
def list_suggestions(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    rep_id: str | None = None,
    team: str | None = None,
    due_before: Annotated[date | None, Query(description="Only actions due on or before this day.")] = None,
    type: Annotated[str | None, Query(description="One of: " + ", ".join(ACTION_TYPES))] = None,
    as_of: AsOf = None,
    lang: Lang = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Every next action in the caller's scope (or a rep's or a team's within it), earliest due
    first, paged. Counts per type cover the whole result."""
    return runtime.suggestions.for_scope(
        principal,
        rep_id=rep_id,
        team=team,
        due_before=due_before,
        action=type,
        as_of=in_zone(as_of, runtime.settings.tz),
        lang=lang,
        limit=limit,
        offset=offset,
    )


@router.post("/customers/{customer_id}/news", status_code=status.HTTP_201_CREATED)
def add_news(
    customer_id: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    item: Annotated[
        dict[str, Any],
        Body(
            examples=[
                {
                    "id": "pr-2026-118",
                    "source": "press_release",
                    "title": "华辰精密新厂投产",
                    "text": "华辰精密苏州二期工厂今日正式投产，产能翻倍。",
                    "url": "https://example.com/news/118",
                    "published_at": "2026-05-18T09:00:00+08:00",
                }
            ]
        ),
    ],
) -> dict[str, Any]:
    """Store an item about the customer (a press release, a tender notice, a website post). News of
    an expansion turns into a `congratulate` action; a tender or a cooperation with a competitor
    into a `follow_up_call`, with the item as evidence. An id already stored is a 409."""
    return runtime.suggestions.add_news(principal, customer_id, item)


@router.get("/customers/{customer_id}/news")
def list_news(customer_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The items pushed about the customer, newest first."""
    return runtime.suggestions.list_news(principal, customer_id)
