"""Server-rendered pages: one Jinja2 environment, autoescaped, with the workspace's words and labels.

Every page response carries `Server-Timing: render;dur=<ms>` (the time from the request to the
rendered HTML), which the page benchmark reads.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from api.web import i18n

TEMPLATES = Path(__file__).parent / "templates"
STARTED = "copilot_page_started"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _tojson(value: Any) -> Markup:
    """JSON for a <script type="application/json"> block: `<`, `>` and `&` escaped so no text in
    the data can close the script element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for a script context


@pass_context
def _day(context: Context, value: Any) -> str:
    """A date as YYYY-MM-DD; a time as YYYY-MM-DD HH:MM in the team's time zone."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and "T" in value:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        tz = context.get("tz")
        at: datetime = value.astimezone(tz) if value.tzinfo is not None and tz is not None else value
        return at.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _money(value: Any) -> str:
    if value is None:
        return "—"
    amount = float(value)
    return f"{amount / 10000:,.1f} 万" if amount >= 10000 else f"{amount:,.0f}"


_env.filters["tojson_script"] = _tojson
_env.filters["day"] = _day
_env.filters["money"] = _money


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    lang: str,
    status_code: int = 200,
) -> HTMLResponse:
    """The rendered page, with the words and labels of `lang` and the render time in a header."""
    values = {
        "request": request,
        "lang": lang,
        "t": i18n.translator(lang),
        "stage_label": i18n.label(i18n.STAGES, lang),
        "channel_label": i18n.label(i18n.CHANNELS, lang),
        "signal_label": i18n.label(i18n.SIGNALS, lang),
        "role_label": i18n.label(i18n.ROLES, lang),
        "stages": list(i18n.STAGES),
        "channels": list(i18n.CHANNELS),
        "signals": list(i18n.SIGNALS),
        "path": request.url.path,
        "tz": request.app.state.runtime.settings.tz if request.app.state.runtime is not None else None,
        **context,
    }
    html = _env.get_template(template).render(values)
    started = getattr(request.state, STARTED, None)
    elapsed = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Server-Timing"] = f"render;dur={elapsed:.1f}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = lang
    return response
