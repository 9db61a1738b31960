"""The customer's confirmation view: no account, an expiring token, three requirements to answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.runtime import Runtime
from api.web import i18n
from api.web.render import page
from copilot import sharing
from copilot.errors import InvalidInput, NotFound

router = APIRouter(prefix="/c", include_in_schema=False)


def _gone(request: Request, lang: str, status_code: int) -> HTMLResponse:
    key = "link_expired" if status_code == 410 else "not_found"
    return page(
        request,
        "share_gone.html",
        {"key": key},
        lang=lang,
        status_code=status_code,
    )


@router.get("/{token}")
def shared(request: Request, token: str, done: int = 0) -> HTMLResponse:
    runtime: Runtime = request.app.state.runtime
    lang = request.query_params.get("lang", "zh")
    lang = lang if lang in ("zh", "en") else "zh"
    try:
        with runtime.sessions() as session:
            view = sharing.open_link(session, token, now=runtime.clock.now())
    except sharing.LinkExpired:
        return _gone(request, lang, 410)
    except NotFound:
        return _gone(request, lang, 404)
    return page(request, "share.html", {"view": view, "token": token, "done": done}, lang=view.lang)


@router.post("/{token}/items/{index}")
def answer(
    request: Request,
    token: str,
    index: int,
    status: Annotated[Literal["confirmed", "needs_adjustment"], Form()],
    comment: Annotated[str, Form(max_length=4 * sharing.COMMENT_MAX_CHARS)] = "",  # checked once collapsed
) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        with runtime.sessions.begin() as session:
            sharing.answer_item(
                session, token, index, status, comment, now=runtime.clock.now(),
                public_url=runtime.settings.public_url,
            )  # fmt: skip
    except sharing.LinkExpired:
        return _gone(request, "zh", 410)
    except NotFound:
        return _gone(request, "zh", 404)
    except InvalidInput as exc:
        with runtime.sessions() as session:
            view = sharing.open_link(session, token, now=runtime.clock.now())
        t = i18n.translator(view.lang)
        # the customer reads the reason in the link's language
        plain = " ".join(comment.split())
        if status == "needs_adjustment" and not plain:
            message = t("say_what_to_adjust")
        elif len(plain) > sharing.COMMENT_MAX_CHARS:
            message = t("comment_too_long")
        else:
            message = exc.message
        return page(
            request,
            "share.html",
            {"view": view, "token": token, "error": message, "error_item": index, "comment": comment},
            lang=view.lang,
            status_code=exc.status,
        )
    return RedirectResponse(f"/c/{token}?done=1", status_code=303)
