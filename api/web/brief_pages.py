"""The supervisor's one-page brief (作战简报), the risk board and the ask box, each number one
click from its records."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.web.auth import Viewer, ViewerDep
from api.web.render import page
from copilot.access import AccessRole
from copilot.errors import CopilotError, Forbidden
from copilot.risks.service import TITLES

router = APIRouter(prefix="/app", include_in_schema=False)

RADARS_PER_PAGE = 6
NUMBERS = ("new_quality_leads", "overdue_since_yesterday", "health_change")


def _supervising(v: Viewer) -> None:
    if v.principal.role is AccessRole.REP:
        raise Forbidden("the brief is for supervisors; reps see their own customers and follow-ups")


def brief_data(v: Viewer) -> dict[str, Any]:
    """The brief's numbers, risk board and funnels; the radars load after the page (`/app/radars`)."""
    rt, p = v.runtime, v.principal
    brief = rt.rhythm.brief(p, with_funnels=True)
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
def brief(request: Request, v: ViewerDep) -> HTMLResponse:
    _supervising(v)
    return page(request, "brief.html", {"viewer": v, **brief_data(v)}, lang=v.lang)


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
            error = exc.message
    return page(
        request, "ask.html", {"viewer": v, "q": q or "", "answer": answer, "error": error}, lang=v.lang
    )
