"""One error tree for the product; `api/` maps it to HTTP in one place."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError


class CopilotError(Exception):
    """Base of every error the product raises on purpose."""

    status = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        detail: object | None = None,
        key: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        # `key` names the message in `copilot.messages`, so a person reads it in their language
        self.key = key
        self.params = dict(params or {})


class InvalidInput(CopilotError):
    """The request's content cannot be used as given (empty, malformed, wrong types)."""

    status = 422
    code = "invalid_input"


class InputTooLarge(InvalidInput):
    status = 413
    code = "input_too_large"


class UnsupportedEncoding(InvalidInput):
    status = 415
    code = "unsupported_encoding"


class NotFound(CopilotError):
    status = 404
    code = "not_found"


class Unauthorized(CopilotError):
    status = 401
    code = "unauthorized"


class Forbidden(CopilotError):
    status = 403
    code = "forbidden"


class Conflict(CopilotError):
    status = 409
    code = "conflict"


class NotConfigured(CopilotError):
    """A feature needs configuration (a model endpoint, a key) that this deployment lacks."""

    status = 501
    code = "not_configured"


class ServiceUnavailable(CopilotError):
    """A backing service (the vector store server) cannot be reached; retry later."""

    status = 503
    code = "service_unavailable"


class ExtractionFailed(CopilotError):
    """An engine could not produce a result; the raw input stays stored."""

    status = 502
    code = "extraction_failed"


def invalid(exc: ValidationError, message: str, cls: type[InvalidInput] = InvalidInput) -> InvalidInput:
    """A pydantic ValidationError as the product's error: `message` names where the first problem is
    ({where} and {msg} are filled in), and every problem goes in the detail."""
    errors = exc.errors(include_url=False, include_context=False)
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    return cls(message.format(where=where or "root", msg=first["msg"]), detail=errors)
