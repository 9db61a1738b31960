"""Signing in and out, the language switch, and each role's landing page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import delete

from api.runtime import Runtime
from api.web import i18n
from api.web.auth import PEOPLE, ViewerDep, lang_of, safe_next, secret_of
from api.web.followup_pages import home_for
from api.web.render import page
from api.web.session import COOKIE_NAME, SESSION_LIFETIME, issue, secure_cookie
from api.web.throttle import SignInThrottle
from copilot.access import authenticate
from copilot.errors import CopilotError
from copilot.store.models import EndedSession

router = APIRouter(prefix="/app", include_in_schema=False)


def _throttle(request: Request) -> SignInThrottle:
    state = request.app.state
    if getattr(state, "sign_in_throttle", None) is None:
        state.sign_in_throttle = SignInThrottle()
    throttle: SignInThrottle = state.sign_in_throttle
    return throttle


def same_origin(request: Request) -> bool:
    """A browser's post from this site: Origin (or, without it, Referer) names this host."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not a browser's cross-site post (browsers send Origin on cross-site POSTs)
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


def _secure(request: Request, runtime: Runtime) -> bool:
    return secure_cookie(runtime.settings) or request.url.scheme == "https"


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    lang = lang_of(request)
    return page(request, "login.html", {"next": safe_next(next), "error": None}, lang=lang)


@router.post("/login")
def login(
    request: Request,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/app",
) -> Response:
    runtime: Runtime = request.app.state.runtime
    lang = lang_of(request)
    t = i18n.translator(lang)
    now = runtime.clock.now()

    def refused(error: str, status_code: int, back: str = safe_next(next)) -> Response:
        return page(
            request, "login.html", {"next": back, "error": t(error)}, lang=lang, status_code=status_code
        )

    if not same_origin(request):  # a cross-site form signing the visitor in with someone else's key
        return refused("bad_key", 403, "/app")
    throttle, address = _throttle(request), request.client.host if request.client else "unknown"
    if throttle.blocked(address, now):
        return refused("too_many_sign_ins", 429)
    try:
        with runtime.sessions() as session:
            principal = authenticate(session, key.strip(), now=now)
    except CopilotError:
        throttle.failed(address, now)
        return refused("bad_key", 401)
    if principal.role not in PEOPLE:
        return refused("no_machine_keys", 403)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        issue(secret_of(request.app, runtime), principal.key_id, now),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request, runtime),
        path="/",
    )
    return response


@router.post("/logout")
def logout(v: ViewerDep, csrf: Annotated[str, Form()] = "") -> Response:
    v.check(csrf)
    now = v.runtime.clock.now()
    with v.runtime.sessions.begin() as db:
        # this session ends now on every device that holds its cookie, not only in this browser
        db.execute(delete(EndedSession).where(EndedSession.expires_at <= now))
        if db.get(EndedSession, v.session.nonce) is None:
            db.add(
                EndedSession(
                    nonce=v.session.nonce,
                    org_id=v.principal.org_id,
                    expires_at=datetime.fromtimestamp(v.session.expires_at, UTC),
                )
            )
    response = RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in i18n.LANGS:
        response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


@router.get("")
def home(v: ViewerDep) -> Response:
    return RedirectResponse(home_for(v), status_code=303)
