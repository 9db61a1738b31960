"""The customer's digital file (客户数字档案): the single entry for every role."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, or_, select

from api.web import i18n
from api.web.auth import Viewer, ViewerDep
from api.web.render import page
from copilot import sharing
from copilot.access import scope_customers
from copilot.contracts.diff import describe_value, field_label
from copilot.contracts.fields import FIELD_NAMES
from copilot.errors import NotFound
from copilot.pipeline.customers import read_customer_file
from copilot.store.models import Customer, Deal

router = APIRouter(prefix="/app", include_in_schema=False)
PAGE_SIZE = 50


@router.get("/customers")
def customers(
    request: Request,
    v: ViewerDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The customers the viewer may see, most recently active first, with a name search."""
    with v.runtime.sessions() as session:
        stmt = scope_customers(select(Customer), v.principal)
        if q:
            plain = q.strip()
            # the search text is matched literally: % and _ in a name are not wildcards
            like = "%" + plain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(or_(Customer.name.ilike(like, escape="\\"), Customer.external_id == plain))
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.scalars(
            stmt.order_by(Customer.last_activity_at.desc().nulls_last(), Customer.id)
            .limit(PAGE_SIZE)
            .offset((page_no - 1) * PAGE_SIZE)
        ).all()
        items = [
            {
                "id": c.external_id,
                "name": c.name,
                "last": c.last_activity_at,
                "next": c.next_follow_up_date,
            }
            for c in rows
        ]
    return page(
        request,
        "customers.html",
        {"viewer": v, "items": items, "q": q or "", "page_no": page_no, "total": total, "size": PAGE_SIZE},
        lang=v.lang,
    )


def _shown(name: str, value: Any, zh: bool) -> str | None:
    """A field's value in words; free text (exclusions, clauses) as its first 160 characters."""
    if value is None:
        return None
    if isinstance(value, dict) and set(value) <= {"text", "quote"} and value:
        text = " ".join(str(next(iter(value.values()))).split())
        return text if len(text) <= 160 else text[:159] + "…"
    return describe_value(name, value, zh)


def _contract_rows(contract: dict[str, Any], requirements: dict[str, Any], zh: bool) -> list[dict[str, Any]]:
    """Every one of the 12 fields: what was required, what the contract says, and the difference."""
    differences = {d["field"]: d for d in contract.get("differences", [])}
    evidence = contract.get("evidence") or {}
    rows = []
    for name in FIELD_NAMES:
        diff = differences.get(name)
        said = contract.get("fields", {}).get(name)
        required = requirements.get(name)
        rows.append(
            {
                "field": name,
                "label": field_label(name, zh),
                "required": _shown(name, required, zh),
                "contract": _shown(name, said, zh),
                "differs": diff is not None,
                "finding": diff["finding"] if diff else None,
                "reason": diff["reason"] if diff else None,
                "status": diff["status"] if diff else None,
                "evidence": quote.get("quote") if isinstance(quote := evidence.get(name), dict) else None,
            }
        )
    return rows


def customer_file(v: Viewer, customer_id: str) -> dict[str, Any]:
    """Everything the file page shows, read within the viewer's scope."""
    rt, p = v.runtime, v.principal
    zh = v.lang == "zh"
    now = rt.clock.now()
    file = read_customer_file(rt.sessions, p, customer_id, now=now)
    timeline = rt.collab.timeline(p, customer_id, days=30)
    with rt.sessions() as session:
        links = {
            d.external_id: sharing.links_of(session, d, now=now)
            for d in session.scalars(
                select(Deal)
                .join(Customer, Customer.id == Deal.customer_id)
                .where(Customer.org_id == p.org_id, Customer.external_id == customer_id)
            )
        }
    deals = []
    for deal in file.deals:
        req = rt.requirements.get(p, deal.id)
        contract = next((c for c in file.contracts if c.get("deal_id") == deal.id), None)
        deals.append(
            {
                "deal": deal,
                "requirements": [
                    {"label": field_label(k, zh), "value": describe_value(k, val, zh)}
                    for k, val in req.values.items()
                    if val is not None and k in FIELD_NAMES
                ],
                "history": req.history,
                "pending": [c for c in req.confirmations if c.get("status") == "pending"],
                "contract": contract,
                "contract_rows": _contract_rows(contract, req.values, zh) if contract else [],
                "links": links.get(deal.id, []),
            }
        )
    risks = rt.risks.risks(p, customer_id=customer_id, lang=v.lang, limit=50)
    suggestions = rt.suggestions.for_customer(p, customer_id, lang=v.lang)
    heat = [
        [day_index, role_index, row["cells"][role]["count"]]
        for day_index, row in enumerate(timeline["grid"])
        for role_index, role in enumerate(timeline["roles"])
    ]
    return {
        "file": file,
        "timeline": timeline,
        "heat": {
            "days": [row["date"] for row in timeline["grid"]],
            "roles": timeline["roles"],
            "role_names": [i18n.label(i18n.ROLES, v.lang)(r) for r in timeline["roles"]],
            "customer": file.id,
            "cells": heat,
            "max": max((c[2] for c in heat), default=0),
        },
        "deals": deals,
        "risks": risks["items"],
        "suggestions": suggestions["items"],
    }


@router.get("/customers/{customer_id}")
def customer(request: Request, customer_id: str, v: ViewerDep, shared: str | None = None) -> HTMLResponse:
    data = customer_file(v, customer_id)
    return page(
        request,
        "customer.html",
        {"viewer": v, **data, "shared": shared},
        lang=v.lang,
    )


@router.get("/customers/{customer_id}/day/{day}")
def customer_day(
    request: Request, customer_id: str, day: date, v: ViewerDep, role: str | None = None
) -> HTMLResponse:
    """One heat-map cell (or a whole day): its records and files."""
    timeline = v.runtime.collab.timeline(v.principal, customer_id, days=30)
    row = next((r for r in timeline["grid"] if r["date"] == day.isoformat()), None)
    if row is None:
        raise NotFound(f"{day.isoformat()} is outside the customer's last 30 days")
    if role is not None and role not in row["cells"]:
        raise NotFound(f"no role {role!r}; the roles are {', '.join(timeline['roles'])}")
    roles = [role] if role else list(timeline["roles"])
    records = [{"role": r, **rec} for r in roles for rec in row["cells"][r]["records"]]
    with v.runtime.sessions() as session:
        name = session.scalar(
            scope_customers(select(Customer.name), v.principal).where(Customer.external_id == customer_id)
        )
    return page(
        request,
        "customer_day.html",
        {"viewer": v, "customer_id": customer_id, "customer_name": name, "day": day, "role": role,
         "records": records},
        lang=v.lang,
    )  # fmt: skip


@router.post("/share-links/{link_id}/revoke")
def revoke_share(
    link_id: Annotated[int, Path(ge=1, le=2**63 - 1)], v: ViewerDep, csrf: Annotated[str, Form()] = ""
) -> RedirectResponse:
    """Close a confirmation link now; back to the customer's file."""
    v.check(csrf)
    with v.runtime.sessions.begin() as session:
        link = sharing.revoke_link(session, v.principal, link_id, now=v.runtime.clock.now())
        customer_id = session.scalar(
            select(Customer.external_id)
            .join(Deal, Deal.customer_id == Customer.id)
            .where(Deal.id == link.deal_id)
        )
    return RedirectResponse(f"/app/customers/{customer_id}#deals", status_code=303)


@router.post("/deals/{deal_id}/share")
def share_deal(
    request: Request,
    deal_id: str,
    v: ViewerDep,
    csrf: Annotated[str, Form()] = "",
    days: Annotated[int, Form(ge=1, le=sharing.MAX_DAYS)] = sharing.DEFAULT_DAYS,
) -> HTMLResponse:
    """A confirmation link for the deal's customer, shown once."""
    v.check(csrf)
    with v.runtime.sessions.begin() as session:
        link, token = sharing.create_link(
            session, v.principal, deal_id, now=v.runtime.clock.now(), lang=v.lang, days=days
        )
        expires = link.expires_at
        customer_id = session.scalar(
            select(Customer.external_id)
            .join(Deal, Deal.customer_id == Customer.id)
            .where(Deal.id == link.deal_id)
        )
    # the configured public address, not the request's Host header (a proxy's, or anyone's)
    url = v.runtime.settings.public_url.rstrip("/") + f"/c/{token}"
    return page(
        request,
        "share_created.html",
        {"viewer": v, "url": url, "expires": expires, "deal_id": deal_id, "customer_id": customer_id},
        lang=v.lang,
    )
