"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

The request id comes from the caller's `X-Request-ID` when it is a short plain token, else a new
one; it is echoed in the response and set on every log line written while the request runs. The
access line names the route's template, the status and the duration: never the path's ids, the
query string (a search query is customer text) or a body.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# fields a log call may add with `extra=`; anything else is left out of the line
FIELDS = (
    "method",
    "route",
    "status",
    "duration_ms",
    "org_id",
    "records",
    "record",
    "activity",
    "attempt",
    "engine",
)


def request_id(incoming: str | None) -> str:
    """The caller's id when it is a plain token of at most 64 characters, else a fresh one."""
    if incoming and _SAFE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "request_id", ...FIELDS, "exc"}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        # formatted when emitted, inside the request; a record carrying its own id keeps it
        rid = record.__dict__.get("request_id") or REQUEST_ID.get()
        if rid is not None:
            line["request_id"] = rid
        for name in FIELDS:
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        if record.exc_info and record.exc_info[0] is not None:
            line["exc"] = record.exc_info[0].__name__  # the type only: a message can quote input
            # where it happened, frame by frame (file, line, function): enough to fix it, no values
            tb = record.exc_info[2]
            if tb is not None:
                line["stack"] = [
                    f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in traceback.extract_tb(tb)[-12:]
                ]
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(level: str, fmt: str) -> dict[str, Any]:
    """`logging.config.dictConfig` for the service (uvicorn's `log_config`): JSON or plain text."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "default"}},
        "loggers": {
            "": {"handlers": ["stderr"], "level": level.upper()},
            "uvicorn": {"level": level.upper()},
            "uvicorn.access": {"level": "WARNING"},  # replaced by `copilot.access`, without query strings
        },
    }
