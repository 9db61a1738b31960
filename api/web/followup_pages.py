"""The rep's ten-second follow-up: paste or dictate, check the pre-filled reading, correct, confirm."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import Select, select
from starlette.concurrency import run_in_threadpool

from api.web.auth import Viewer, ViewerDep
from api.web.highlight import pieces
from api.web.i18n import error_text
from api.web.render import page
from copilot import sharing
from copilot.access import AccessRole, scope_customers
from copilot.errors import CopilotError, InvalidInput, NotFound
from copilot.followups import corrections
from copilot.followups.exports import call_from_text, chat_from_text
from copilot.followups.service import reading_record
from copilot.pipeline.customers import get_activity, get_customer
from copilot.schemas import FollowUpCreate
from copilot.store.models import Correction, Customer, User

router = APIRouter(prefix="/app", include_in_schema=False)

MAX_CUSTOMERS_LISTED = 300
PROVENANCE = ("crm", "crm_history", "interaction_date", "rep")  # where a value without a quote came from


# -- readings as the templates show them ---------------------------------------------------------


def _reading(record: dict[str, Any]) -> dict[str, Any]:
    """A reading in its stored shape (`reading_record`), as the form shows it."""
    f, q = record["fields"], record["quality"]
    verdict = q.get("verdict", {})
    signals = record.get("signals", [])
    return {
        "fields": {name: f.get(name) for name in corrections.FIELDS},
        "evidence": {k: e["quote"] for k, e in record.get("evidence", {}).items()},
        "provenance": {k: v for k, v in (f.get("provenance") or {}).items() if v in PROVENANCE},
        "quality": {flag: bool(verdict.get(flag)) for flag in (*corrections.QUALITY_FLAGS, "high_quality")},
        "quality_evidence": {
            "discovery_3plus": [e["quote"] for e in q.get("discovery_questions", [])],
            "pain_2min": [e["quote"] for e in q.get("pain_evidence", [])],
            "next_step": [q["next_step"]["quote"]] if q.get("next_step") else [],
        },
        "signal_set": {s["signal"] for s in signals},
        "signal_quotes": {s["signal"]: s["quote"] for s in signals if s.get("quote")},
    }


def _spans(record: dict[str, Any]) -> list[tuple[int, int, str]]:
    """Every quoted span of a reading, keyed by what it is evidence for (the text's highlights)."""
    q = record["quality"]
    spans = [(e["start"], e["end"], k) for k, e in record.get("evidence", {}).items()]
    spans += [(e["start"], e["end"], "q_discovery_3plus") for e in q.get("discovery_questions", [])]
    spans += [(e["start"], e["end"], "q_pain_2min") for e in q.get("pain_evidence", [])]
    if step := q.get("next_step"):
        spans.append((step["start"], step["end"], "q_next_step"))
    spans += [
        (s["start"], s["end"], f"sig:{s['signal']}") for s in record.get("signals", []) if s.get("quote")
    ]
    return spans


# -- the form ------------------------------------------------------------------------------------


def _customers(v: Viewer, chosen: str | None) -> list[dict[str, str]]:
    with v.runtime.sessions() as session:
        stmt = scope_customers(cast("Select[Any]", select(Customer.external_id, Customer.name)), v.principal)
        rows = session.execute(
            stmt.order_by(Customer.last_activity_at.desc().nulls_last(), Customer.id).limit(
                MAX_CUSTOMERS_LISTED
            )
        ).all()
        listed = [{"id": r[0], "name": r[1]} for r in rows]
        if chosen and all(c["id"] != chosen for c in listed):
            try:
                c = get_customer(session, v.principal, chosen)
                listed.insert(0, {"id": c.external_id, "name": c.name})
            except NotFound:
                pass
    return listed


def _inbox(v: Viewer) -> dict[str, Any]:
    now = v.runtime.clock.now()
    with v.runtime.sessions() as session:
        calls = corrections.calls_to_wrap_up(session, v.principal, now=now)
        visible = None if v.principal.sees_everything else scope_customers(select(Customer.id), v.principal)
        feedback = sharing.feedback_for(session, v.principal.org_id, visible, limit=10)
        call_rows = [{"id": a.external_id, "customer": a.customer.name, "at": a.at} for a in calls]
    return {"calls": call_rows, "feedback": feedback}


def _new_form(
    request: Request, v: Viewer, *, customer: str | None, kind: str = "dictation", text: str = "",
    error: str | None = None, status_code: int = 200, new_customer: str = "",
) -> HTMLResponse:  # fmt: skip
    return page(
        request,
        "followup_new.html",
        {
            "viewer": v,
            "customers": _customers(v, customer),
            "chosen": customer,
            "new_customer": new_customer,
            "kind": kind,
            "text": text,
            "error": error,
            "max_chars": v.runtime.settings.max_input_chars,
            **_inbox(v),
        },
        lang=v.lang,
        status_code=status_code,
    )


@router.get("/followups/new")
def new_followup(request: Request, v: ViewerDep, customer: str | None = None) -> HTMLResponse:
    return _new_form(request, v, customer=customer)


def _rep_names(v: Viewer) -> tuple[str, ...]:
    """The names the signed-in rep goes by in an export: their name and their user id."""
    if v.principal.user_id is None:
        return ()
    with v.runtime.sessions() as session:
        user = session.get(User, v.principal.user_id)
        return tuple(n for n in (user.name if user else None, v.principal.user_external_id) if n)


def _payload(kind: str, text: str, reference: datetime, rep_name: tuple[str, ...]) -> dict[str, Any]:
    if kind == "chat":
        return chat_from_text(text, reference, rep_name)
    if kind == "call":
        return call_from_text(text, rep_name)
    if kind == "dictation":
        return {"kind": "dictation", "text": text}
    raise InvalidInput(f"unknown kind {kind!r}: dictation, chat or call")


@router.post("/followups/preview")
async def preview_followup(
    request: Request,
    v: ViewerDep,
    text: Annotated[str, Form()],
    customer: Annotated[str, Form(max_length=64)] = "",
    new_customer: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form()] = "dictation",
    csrf: Annotated[str, Form()] = "",
) -> HTMLResponse:
    v.check(csrf)
    reference = v.runtime.clock.now().astimezone(v.runtime.settings.tz)
    new_name = " ".join(new_customer.split())
    try:
        if not text.strip():
            raise InvalidInput("the note is empty: paste, type or dictate what happened", key="note_empty")
        if bool(customer) == bool(new_name):
            raise InvalidInput(
                "choose the customer, or give a new customer's name (one of the two)", key="customer_needed"
            )
        payload = _payload(kind, text, reference, _rep_names(v))
        who: dict[str, Any] = {"customer_id": customer} if customer else {"customer": {"name": new_name}}
        request_model = FollowUpCreate.model_validate({**who, "input": payload, "reference_time": reference})
        fields, verdict, interaction = await run_in_threadpool(
            v.runtime.followups.preview, v.principal, request_model
        )
        record = reading_record(fields, asdict(verdict))
        if customer:
            with v.runtime.sessions() as session:
                customer_row = get_customer(session, v.principal, customer)
                customer_view = {"id": customer_row.external_id, "name": customer_row.name}
        else:
            customer_view = {"id": "", "name": new_name}
    except (CopilotError, ValidationError) as exc:
        message = error_text(exc, v.lang)
        status = exc.status if isinstance(exc, CopilotError) else 422
        return _new_form(
            request, v, customer=customer, kind=kind, text=text, error=message, status_code=status
        )
    hidden = {
        "customer": customer,
        "new_customer": new_name,
        "payload": json.dumps(payload, ensure_ascii=False),
        "reference_time": reference.isoformat(),
        "submission": secrets.token_hex(8),
    }
    return page(
        request,
        "followup_review.html",
        {
            "viewer": v,
            "customer": customer_view,
            "pieces": pieces(interaction.text, _spans(record)),
            "reading": _reading(record),
            "hidden": hidden,
            "action": "/app/followups/confirm",
        },
        lang=v.lang,
    )


def _confirmed(form: dict[str, Any], signals: list[str]) -> corrections.Confirmed:
    return corrections.Confirmed(
        fields={name: form.get(name) or None for name in corrections.FIELDS},
        quality={flag: bool(form.get(f"q_{flag}")) for flag in corrections.QUALITY_FLAGS},
        signals=signals,
    )


async def _form(request: Request) -> tuple[dict[str, Any], list[str]]:
    data = await request.form()
    single = {k: v for k, v in data.items() if isinstance(v, str)}
    signals = [s for s in data.getlist("signals") if isinstance(s, str)]
    return single, signals


def _posted(reading: dict[str, Any], form: dict[str, Any], signals: list[str]) -> dict[str, Any]:
    """A reading as the rep had corrected it in the form (shown again when saving failed)."""
    fields = {name: form.get(name) or None for name in corrections.FIELDS}
    quality = {flag: bool(form.get(f"q_{flag}")) for flag in corrections.QUALITY_FLAGS}
    quality["high_quality"] = all(quality.values())
    return {**reading, "fields": fields, "quality": quality, "signal_set": set(signals)}


@router.post("/followups/confirm")
async def confirm_new_followup(request: Request, v: ViewerDep) -> Response:
    form, signals = await _form(request)
    v.check(form.get("csrf"))
    try:
        payload = json.loads(form.get("payload") or "")
        reference = datetime.fromisoformat(form.get("reference_time") or "")
        if reference.tzinfo is None or abs(reference - v.runtime.clock.now()) > timedelta(days=7):
            raise InvalidInput("the reading is out of date; read the note again")
        new_name = form.get("new_customer") or ""
        who: dict[str, Any] = (
            {"customer_id": form.get("customer")}
            if form.get("customer")
            else {"customer": {"name": new_name}}
        )
        submission = form.get("submission") or ""
        create = FollowUpCreate.model_validate(
            {
                "id": f"web_{submission}" if submission.isalnum() else None,
                **who,
                "input": payload,
                "reference_time": reference,
            }
        )
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        message = exc.message if isinstance(exc, InvalidInput) else "the form lost its note"
        raise InvalidInput(f"{message}; go back and read the note again", key="form_lost") from None
    stored = await run_in_threadpool(v.runtime.followups.submit, v.principal, create)
    if stored.status != "extracted":
        return RedirectResponse(f"/app/followups/{stored.id}", status_code=303)
    return await _confirm(request, v, stored.id, form, signals)


@router.post("/followups/{followup_id}/confirm")
async def confirm_followup(request: Request, followup_id: str, v: ViewerDep) -> Response:
    form, signals = await _form(request)
    v.check(form.get("csrf"))
    return await _confirm(request, v, followup_id, form, signals)


async def _confirm(
    request: Request, v: Viewer, followup_id: str, form: dict[str, Any], signals: list[str]
) -> Response:
    def run() -> corrections.ConfirmResult:
        with v.runtime.sessions.begin() as session:
            return corrections.confirm(
                session, v.principal, followup_id, _confirmed(form, signals), now=v.runtime.clock.now()
            )

    try:
        result = await run_in_threadpool(run)
    except InvalidInput as exc:
        # the follow-up is stored; the rep's corrections come back in its form with the reason
        return _view(
            request,
            v,
            followup_id,
            posted=(form, signals),
            error=error_text(exc, v.lang),
            status_code=exc.status,
        )
    note = f"&note={quote(result.note)}" if result.note else ""
    return RedirectResponse(
        f"/app/followups/{followup_id}?saved=1&corrected={len(result.corrections)}{note}", status_code=303
    )


@router.get("/followups/{followup_id}")
def view_followup(
    request: Request,
    followup_id: str,
    v: ViewerDep,
    saved: int = 0,
    corrected: int = 0,
    note: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    return _view(request, v, followup_id, saved=saved, corrected=corrected, note=note)


def _view(
    request: Request,
    v: Viewer,
    followup_id: str,
    *,
    saved: int = 0,
    corrected: int = 0,
    note: str | None = None,
    posted: tuple[dict[str, Any], list[str]] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    with v.runtime.sessions() as session:
        activity = get_activity(session, v.principal, followup_id)
        latest = corrections.current_extraction(activity) if activity.status == "extracted" else None
        record = (
            {
                "fields": latest.fields,
                "quality": latest.quality,
                "signals": latest.signals,
                "evidence": latest.evidence,
            }
            if latest is not None
            else None
        )
        rows = session.scalars(
            select(Correction).where(Correction.activity_id == activity.id).order_by(Correction.id)
        ).all()
        fixes = [
            {"field": c.field, "original": c.original, "corrected": c.corrected, "created_at": c.created_at}
            for c in rows
        ]
        fu = {
            "id": activity.external_id,
            "customer_id": activity.customer.external_id,
            "at": activity.at,
            "engine": {"name": latest.engine} if latest is not None else None,
        }
        customer_name, text = activity.customer.name, activity.text
    reading = _reading(record) if record is not None else None
    if reading is not None and posted is not None:
        reading = _posted(reading, *posted)
    return page(
        request,
        "followup_view.html",
        {
            "viewer": v,
            "fu": fu,
            "customer_name": customer_name,
            "pieces": pieces(text, _spans(record) if record is not None else []),
            "reading": reading,
            "corrections": fixes,
            "saved": saved,
            "corrected": corrected,
            "note": note,
            "error": error,
        },
        lang=v.lang,
        status_code=status_code,
    )


# -- a logged call's two-field wrap-up -----------------------------------------------------------


def _call(v: Viewer, call_id: str) -> tuple[dict[str, Any], str, str | None]:
    with v.runtime.sessions() as session:
        activity = get_activity(session, v.principal, call_id, what="call")
        if activity.kind != "call":
            raise NotFound(f"no call {call_id!r}")
        customer = get_customer(session, v.principal, activity.customer.external_id, with_deals=True)
        stage = None
        if activity.deal_id is not None:
            stage = next((d.stage for d in customer.deals if d.id == activity.deal_id), None)
        elif customer.deals:
            stage = customer.deals[-1].stage
        view = {"id": activity.external_id, "at": activity.at, "text": activity.text}
        return view, customer.name, stage


@router.get("/calls/{call_id}")
def call_wrapup_form(request: Request, call_id: str, v: ViewerDep) -> HTMLResponse:
    call, name, stage = _call(v, call_id)
    return page(
        request,
        "call_wrapup.html",
        {"viewer": v, "call": call, "customer_name": name, "current_stage": stage},
        lang=v.lang,
    )


@router.post("/calls/{call_id}")
def call_wrapup(
    request: Request,
    call_id: str,
    v: ViewerDep,
    stage: Annotated[str, Form()],
    summary: Annotated[str, Form(max_length=5000)],  # checked after line breaks are collapsed
    csrf: Annotated[str, Form()] = "",
) -> Response:
    v.check(csrf)
    try:
        with v.runtime.sessions.begin() as session:
            corrections.wrap_up_call(session, v.principal, call_id, stage, summary, now=v.runtime.clock.now())
    except InvalidInput as exc:
        call, name, current = _call(v, call_id)
        return page(
            request,
            "call_wrapup.html",
            {
                "viewer": v,
                "call": call,
                "customer_name": name,
                "current_stage": stage or current,
                "error": error_text(exc, v.lang),
                "summary": summary,
            },
            lang=v.lang,
            status_code=exc.status,
        )
    return RedirectResponse(f"/app/followups/{call_id}?saved=1", status_code=303)


def home_for(v: Viewer) -> str:
    """Where a person lands: reps on the follow-up form, supervisors and admins on the brief."""
    return "/app/followups/new" if v.principal.role is AccessRole.REP else "/app/brief"
