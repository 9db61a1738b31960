"""Workspace sessions: a signed cookie naming the API key that signed in, never the key itself.

The cookie holds the key's id, an expiry and a random nonce, signed with HMAC-SHA256. Whoever
reads it must still check that the key is valid (not revoked, not expired) on every request; the
signature only proves the server issued it. Form tokens against cross-site posts are derived
from the cookie, so they die with the session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from copilot.config import Settings
from copilot.errors import NotConfigured

COOKIE_NAME = "copilot_session"
SESSION_LIFETIME = timedelta(hours=12)
_SECRET_FILE = "session-secret"  # noqa: S105 - a file name, not a secret


@dataclass(frozen=True)
class WebSession:
    """A verified session: which key signed in, and until when."""

    key_id: int
    expires_at: int  # seconds since the epoch
    nonce: str


MIN_SECRET_BYTES = 32


def session_secret(settings: Settings) -> bytes:
    """The configured secret, or one generated once and kept beside the data (owner-only).

    The file is written whole before it appears (a temporary file linked into place), so a worker
    starting at the same moment reads the complete secret or makes its own attempt; a secret that
    is missing or short is refused, never used to sign."""
    if settings.session_secret is not None:
        secret = settings.session_secret.get_secret_value().encode()
        if len(secret) < MIN_SECRET_BYTES:
            raise NotConfigured(f"COPILOT_SESSION_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        return secret
    path = Path(settings.data_dir) / _SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{_SECRET_FILE}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # atomic: fails if another process linked its secret first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    secret = path.read_text().strip().encode()
    if len(secret) < MIN_SECRET_BYTES:
        raise NotConfigured(
            f"the session secret in {path} is missing or short; delete the file to make a new one"
        )
    return secret


def _sign(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(secret: bytes, key_id: int, now: datetime) -> str:
    """A cookie value for the key `key_id`, valid for SESSION_LIFETIME from `now`."""
    expires = int((now + SESSION_LIFETIME).timestamp())
    payload = f"{key_id}.{expires}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(secret, payload)}"


def verify(secret: bytes, value: str | None, now: datetime) -> WebSession | None:
    """The session a cookie value carries, or None when it is malformed, forged or expired."""
    if not value:
        return None
    parts = value.split(".")
    if len(parts) != 4:
        return None
    key_id, expires, nonce, signature = parts
    if not hmac.compare_digest(signature, _sign(secret, f"{key_id}.{expires}.{nonce}")):
        return None
    if not (key_id.isdigit() and expires.isdigit()) or int(expires) <= now.timestamp():
        return None
    return WebSession(key_id=int(key_id), expires_at=int(expires), nonce=nonce)


def csrf_token(secret: bytes, cookie_value: str) -> str:
    """The form token for a session: bound to its cookie, useless without it."""
    return _sign(secret, f"csrf:{cookie_value}")


def csrf_ok(secret: bytes, cookie_value: str | None, token: str | None) -> bool:
    """Whether a posted form token belongs to the session that posted it."""
    if not cookie_value or not token:
        return False
    return hmac.compare_digest(token, csrf_token(secret, cookie_value))


def secure_cookie(settings: Settings) -> bool:
    """Cookies are sent over HTTPS only when the service is reached over HTTPS."""
    return settings.public_url.lower().startswith("https://")
