"""Workspace session cookies: signed, expiring, bound form tokens, an owner-only secret file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.web.session import (
    SESSION_LIFETIME,
    csrf_ok,
    csrf_token,
    issue,
    secure_cookie,
    session_secret,
    verify,
)
from copilot.config import Settings
from copilot.errors import NotConfigured

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)
SECRET = b"s" * 32


def test_a_signed_session_verifies_until_it_expires() -> None:
    value = issue(SECRET, 42, NOW)
    session = verify(SECRET, value, NOW)
    assert session is not None and session.key_id == 42
    assert "42" in value and len(value) < 200
    assert verify(SECRET, value, NOW + SESSION_LIFETIME) is None
    assert verify(SECRET, value, NOW + SESSION_LIFETIME - timedelta(seconds=1)) is not None


def test_a_tampered_or_foreign_cookie_is_refused() -> None:
    value = issue(SECRET, 42, NOW)
    _, rest = value.split(".", 1)
    assert verify(SECRET, f"43.{rest}", NOW) is None
    assert verify(b"other" * 8, value, NOW) is None
    assert verify(SECRET, "garbage", NOW) is None
    assert verify(SECRET, None, NOW) is None


def test_form_tokens_are_bound_to_their_session() -> None:
    first, second = issue(SECRET, 1, NOW), issue(SECRET, 1, NOW)
    token = csrf_token(SECRET, first)
    assert csrf_ok(SECRET, first, token)
    assert not csrf_ok(SECRET, second, token)
    assert not csrf_ok(SECRET, first, None)
    assert not csrf_ok(SECRET, None, token)


def test_the_generated_secret_is_kept_owner_only_and_reused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    secret = session_secret(settings)
    assert session_secret(settings) == secret and len(secret) >= 32
    mode = stat.S_IMODE((tmp_path / "data" / "session-secret").stat().st_mode)
    assert mode == 0o600


def test_a_configured_secret_wins_and_https_makes_cookies_secure(tmp_path: Path) -> None:
    configured = "c" * 40
    settings = Settings(data_dir=tmp_path, session_secret=configured, public_url="https://crm.example")
    assert session_secret(settings) == configured.encode()
    assert not (tmp_path / "session-secret").exists()
    assert secure_cookie(settings)
    assert not secure_cookie(Settings(data_dir=tmp_path))


def test_an_empty_or_short_secret_is_refused_not_used(tmp_path: Path) -> None:
    (tmp_path / "session-secret").write_text("")  # e.g. a file truncated by a full disk
    with pytest.raises(NotConfigured):
        session_secret(Settings(data_dir=tmp_path))
    with pytest.raises(NotConfigured):
        session_secret(Settings(data_dir=tmp_path / "other", session_secret="short"))
    assert not list((tmp_path).glob(".session-secret.*"))  # no temporary file left behind
