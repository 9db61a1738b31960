"""The supervisor's one-page brief (作战简报), the risk board and the ask box, each number one
click from its records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from api.web.auth import Viewer, ViewerDep
from api.web.i18n import error_text
from api.web.render import page
from copilot.access import AccessRole
from copilot.errors import CopilotError, Forbidden, InvalidInput
from copilot.pipeline.deals import get_deal
from copilot.rhythm.jobs import day_bounds
from copilot.risks.service import TITLES
from copilot.store.models import Customer

router = APIRouter(prefix="/app", include_in_schema=False)

RADARS_PER_PAGE = 6
MAX_DAYS_BACK = 366 * 3
NUMBERS = ("new_quality_leads", "overdue_since_yesterday", "health_change")


def _supervising(v: Viewer) -> None:
    if v.principal.role is AccessRole.REP:
        raise Forbidden("the brief is for supervisors; reps see their own customers and follow-ups")


def as_of_day(v: Viewer, day: date | None) -> datetime | None:
    """The end of a past day in the team's time zone (a brief sent that day), else now (None)."""
    if day is None:
        return None
    tz = v.runtime.settings.tz
    now = v.runtime.clock.now()
    today = now.astimezone(tz).date()
    if day >= today:
        return None
    if (today - day).days > MAX_DAYS_BACK:
        raise InvalidInput(f"a brief goes back at most {MAX_DAYS_BACK} days")
    return day_bounds(day, tz)[1]


def brief_data(v: Viewer, day: date | None = None) -> dict[str, Any]:
    """The brief's numbers, risk board and funnels; the radars load after the page (`/app/radars`)."""
    rt, p = v.runtime, v.principal
    brief = rt.rhythm.brief(p, with_funnels=True, as_of=as_of_day(v, day))
    risks = rt.risks.risks(p, lang=v.lang, limit=1)
    i = 0 if v.lang == "zh" else 1
    rules = [
        {"rule": rule, "count": n, "title": TITLES.get(rule, (rule, rule))[i]}
        for rule, n in risks["counts"].items()
    ]
    funnels = sorted(brief["funnels"], key=lambda r: (not r["flagged"], r["rep_id"]))
    return {"brief": brief, "risks": risks, "rules": rules, "funnels": funnels}


def radar_data(v: Viewer, page_no: int) -> dict[str, Any]:
    """A page of the reps' radars, reps with a flagged funnel drop first."""
    rt, p = v.runtime, v.principal
    reps = sorted(rt.risks.funnel(p)["reps"], key=lambda r: (not r["flagged"], r["rep_id"]))
    chosen = reps[(page_no - 1) * RADARS_PER_PAGE : page_no * RADARS_PER_PAGE]
    radars = []
    for rep, radar in zip(chosen, rt.collab.radars(p, [r["rep_id"] for r in chosen]), strict=True):
        radars.append(
            {
                "rep_id": rep["rep_id"],
                "rep": rep["rep"],
                "flagged": rep["flagged"],
                "dimensions": [
                    {
                        "key": d["key"],
                        "name": d["name"] if v.lang == "zh" else d["name_en"],
                        "score": d["score"],
                        "formula": d["formula"],
                        "inputs": d["inputs"],
                    }
                    for d in radar["dimensions"]
                ],
            }
        )
    return {"radars": radars, "page_no": page_no, "pages": max(1, -(-len(reps) // RADARS_PER_PAGE))}


@router.get("/brief")
def brief(request: Request, v: ViewerDep, day: date | None = None) -> HTMLResponse:
    """Today's brief, or the one of a past `day` (the link a WeCom brief carries)."""
    _supervising(v)
    return page(request, "brief.html", {"viewer": v, **brief_data(v, day)}, lang=v.lang)


@router.get("/patrol")
def patrol(request: Request, v: ViewerDep, day: date | None = None) -> HTMLResponse:
    """The low-activity patrol (静默巡检): intent-or-later customers silent past the patrol's hours."""
    _supervising(v)
    data = v.runtime.rhythm.patrol(v.principal, as_of=as_of_day(v, day))
    return page(request, "patrol.html", {"viewer": v, "patrol": data}, lang=v.lang)


@router.get("/deals/{deal_id}")
def deal(v: ViewerDep, deal_id: str) -> RedirectResponse:
    """A deal opens in its customer's file (the link an overdue-deal alert carries)."""
    with v.runtime.sessions() as session:
        found = get_deal(session, v.principal, deal_id)
        customer = session.scalar(select(Customer.external_id).where(Customer.id == found.customer_id))
    return RedirectResponse(f"/app/customers/{customer}#deal-{deal_id}", status_code=303)


@router.get("/brief/{number}")
def brief_number(
    request: Request,
    number: Literal["new_quality_leads", "overdue_since_yesterday", "health_change"],
    v: ViewerDep,
) -> HTMLResponse:
    """The records behind one of the brief's three numbers."""
    _supervising(v)
    data = v.runtime.rhythm.brief(v.principal)
    items = data["health_trend"]["records"] if number == "health_change" else data[number]
    return page(
        request,
        "brief_number.html",
        {"viewer": v, "number": number, "value": data["numbers"][number], "items": items,
         "trend": data["health_trend"]},
        lang=v.lang,
    )  # fmt: skip


@router.get("/radars")
def radars(
    request: Request,
    v: ViewerDep,
    page_no: Annotated[int, Query(alias="page", ge=1, le=1000)] = 1,
    fragment: bool = False,
) -> HTMLResponse:
    """The reps' capability radars with their inputs; `fragment` is the part the brief loads."""
    _supervising(v)
    template = "_radars.html" if fragment else "radars.html"
    return page(request, template, {"viewer": v, **radar_data(v, page_no)}, lang=v.lang)


@router.get("/risks")
def risk_board(
    request: Request,
    v: ViewerDep,
    rule: Annotated[str | None, Query(max_length=64)] = None,
    rep_id: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """Every risk in scope (or one rule's, or one rep's), each with the records that triggered it."""
    result = v.runtime.risks.risks(v.principal, rule=rule, rep_id=rep_id, lang=v.lang, limit=200)
    return page(
        request, "risks.html", {"viewer": v, "result": result, "rule": rule, "rep_id": rep_id}, lang=v.lang
    )


@router.get("/ask")
async def ask(
    request: Request, v: ViewerDep, q: Annotated[str | None, Query(max_length=500)] = None
) -> HTMLResponse:
    """The ask box: the answer in the question's language, and its records one click away."""
    answer = None
    error = None
    if q and q.strip():
        try:
            answer = await run_in_threadpool(v.runtime.ask.ask, v.principal, q.strip())
        except CopilotError as exc:
            error = error_text(exc, v.lang)
    return page(
        request, "ask.html", {"viewer": v, "q": q or "", "answer": answer, "error": error}, lang=v.lang
    )
