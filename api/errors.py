"""The one place product errors become HTTP responses: `{"error": code, "detail": message}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from copilot.errors import CopilotError


class ErrorBody(BaseModel):
    """Every error response: a stable code, a message a person can act on, and, for invalid input,
    the fields at fault."""

    error: str
    detail: str
    errors: list[dict[str, Any]] | dict[str, Any] | None = None


_DESCRIPTIONS = {
    400: "The request could not be read",
    401: "Missing, invalid, revoked or expired API key",
    403: "The key's role or scope does not allow this",
    404: "No such record within the caller's scope",
    409: "Conflicts with a stored record",
    413: "The body or file is too large",
    415: "Unsupported file type",
    422: "Invalid input",
    429: "Too many requests",
    501: "Needs a model endpoint that is not configured",
    502: "The model endpoint gave an unusable answer",
    503: "A dependency (database, index, model endpoint) is unavailable",
}
# Declared on every route, so the schema says what an error looks like wherever one can happen.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in _DESCRIPTIONS.items()
}


def _body(code: str, message: str, extra: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "detail": message}
    if extra is not None:
        body["errors"] = extra
    return body


def _validation_message(errors: list[dict[str, Any]]) -> str:
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "the request body is not valid UTF-8 JSON: " + str(
            first.get("ctx", {}).get("error", first["msg"])
        )
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return f"{where or 'request'}: {first['msg']}"


# A page renderer for errors on the workspace's pages: (request, status, code, message or the
# product's error, which it shows in the reader's language) -> a page, or None for a request that is
# not for a page (it gets the JSON error body).
PageErrors = Callable[[Request, int, str, str | CopilotError], Response | None]


def install_error_handlers(app: FastAPI, pages: PageErrors | None = None) -> None:
    @app.exception_handler(CopilotError)
    async def _copilot_error(request: Request, exc: CopilotError) -> Response:
        if pages is not None and (page := pages(request, exc.status, exc.code, exc)) is not None:
            return page
        return JSONResponse(_body(exc.code, exc.message, exc.detail), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        message = _validation_message(list(exc.errors()))
        if pages is not None and (page := pages(request, 422, "invalid_input", message)) is not None:
            return page
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        return JSONResponse(_body("invalid_input", message, errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if pages is not None and (page := pages(request, exc.status_code, "http_error", message)) is not None:
            return page
        if exc.status_code == 400 and "parsing the body" in message:
            message = "the request body could not be read: send UTF-8 encoded JSON"
        return JSONResponse(_body("http_error", message), status_code=exc.status_code)
