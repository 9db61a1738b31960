"""Mounting the workspace on the app: pages, static files, headers and the sign-in redirect."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.web.render import STARTED, page
from copilot.errors import CopilotError

STATIC = Path(__file__).parent / "static"
PAGE_PREFIXES = ("/app", "/c/")

# pages load only their own scripts, styles and images; charts come from /static
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def is_page(request: Request) -> bool:
    return request.url.path == "/app" or request.url.path.startswith(PAGE_PREFIXES)


def error_page(request: Request, status: int, code: str, error: str | CopilotError) -> Response | None:
    """A workspace error as a page, in the reader's language (the API keeps its JSON errors)."""
    if not is_page(request):
        return None
    from api.web.auth import lang_of
    from api.web.i18n import error_text, translator

    lang = lang_of(request)
    heading = {404: "not_found", 410: "link_expired"}.get(status, "error")
    message = error if isinstance(error, str) else error_text(error, lang)
    return page(
        request,
        "error.html",
        {"heading": translator(lang)(heading), "message": message, "back": "/app"},
        lang=lang,
        status_code=status,
    )


def install(app: FastAPI) -> None:
    """Mount the pages, their static files and the sign-in redirect on `app`."""
    from api.web import brief_pages, customer_pages, followup_pages, share_pages, signin_pages
    from api.web.auth import SignInRequired, login_url

    @app.middleware("http")
    async def page_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not is_page(request):
            return await call_next(request)
        setattr(request.state, STARTED, time.perf_counter())
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(SignInRequired)
    async def _sign_in(_: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (signin_pages, followup_pages, customer_pages, brief_pages, share_pages):
        app.include_router(module.router)
