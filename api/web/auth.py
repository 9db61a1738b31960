"""Who is looking at a page: the signed session cookie, checked against the key on every request."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request

from api.runtime import Runtime
from api.web import i18n
from api.web.session import COOKIE_NAME, WebSession, csrf_token, session_secret, verify
from copilot.access import AccessRole, Principal, principal_for_key
from copilot.errors import CopilotError, Forbidden
from copilot.store.models import EndedSession

# the roles that may sign in: people, not machines
PEOPLE = (AccessRole.REP, AccessRole.SUPERVISOR, AccessRole.ADMIN)


class SignInRequired(Exception):
    """No valid session: the page redirects to the sign-in form, then back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def secret_of(app: FastAPI, runtime: Runtime) -> bytes:
    """The session secret, read once per app."""
    secret: bytes | None = getattr(app.state, "web_secret", None)
    if secret is None:
        secret = session_secret(runtime.settings)
        app.state.web_secret = secret
    return secret


def lang_of(request: Request) -> str:
    """The page language: `?lang=`, else the language cookie, else Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(i18n.LANG_COOKIE)
    return asked if asked in i18n.LANGS else "zh"


def safe_next(value: str | None) -> str:
    """Only a path inside the workspace is a redirect target (no open redirects)."""
    if value and value.startswith("/app") and not value.startswith("//") and "\\" not in value:
        return value
    return "/app"


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: their principal, page language and form token."""

    principal: Principal
    lang: str
    csrf: str
    runtime: Runtime
    session: WebSession

    @property
    def is_rep(self) -> bool:
        return self.principal.role is AccessRole.REP

    def check(self, token: str | None) -> None:
        """Refuse a form post whose token is not this session's (a cross-site post)."""
        if not token or not hmac.compare_digest(token, self.csrf):
            raise Forbidden("the form is out of date or was not sent from this workspace; reload the page")


def viewer(request: Request) -> Viewer:
    runtime: Runtime = request.app.state.runtime
    secret = secret_of(request.app, runtime)
    cookie = request.cookies.get(COOKIE_NAME)
    now = runtime.clock.now()
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    session = verify(secret, cookie, now)
    if session is None or cookie is None:
        raise SignInRequired(here)
    try:
        with runtime.sessions() as db:
            principal = principal_for_key(db, session.key_id, now=now)
            if db.get(EndedSession, session.nonce) is not None:  # signed out
                raise SignInRequired(here)
    except CopilotError:
        raise SignInRequired(here) from None
    if principal.role not in PEOPLE:
        raise SignInRequired(here)
    # the form token belongs to the key, not to one cookie: signing in again in another tab does
    # not void the forms open in this one (a cross-site page can still never read it)
    token = csrf_token(secret, f"key:{principal.key_id}")
    return Viewer(principal=principal, lang=lang_of(request), csrf=token, runtime=runtime, session=session)


ViewerDep = Annotated[Viewer, Depends(viewer)]


def login_url(next_path: str) -> str:
    return f"/app/login?next={quote(next_path, safe='')}"
