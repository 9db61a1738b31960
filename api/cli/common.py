"""What every `copilot` command shares: the runtime, consoles, errors, input decoding, the actor."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import select

from api.runtime import Runtime, build_runtime
from copilot.access import AccessRole, Principal, get_organization
from copilot.config import get_settings
from copilot.errors import CopilotError, InvalidInput, NotFound
from copilot.store.models import User

console = Console()
err = Console(stderr=True)
DEMO_ORG = "demo"


def open_runtime() -> Runtime:
    return build_runtime(get_settings())


@contextmanager
def command_runtime() -> Iterator[Runtime]:
    """The runtime for one command: a product error ends the command with its message; it is closed."""
    runtime = open_runtime()
    try:
        yield runtime
    except CopilotError as exc:
        raise fail(exc) from exc
    finally:
        runtime.close()


def fail(exc: CopilotError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc.message}")
    return typer.Exit(code=2)


def read_text_input(source: str | None, encoding: str | None) -> str:
    """Text from an argument, a file path (`@path`) or stdin (`-` or nothing); UTF-8 unless told."""
    if source is not None and source != "-" and not source.startswith("@"):
        return source
    if source is not None and source.startswith("@"):
        path = Path(source[1:])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    else:
        raw = sys.stdin.buffer.read()
    return decode_text(raw, encoding)


def decode_text(raw: bytes, encoding: str | None) -> str:
    """Decode with the given encoding, else UTF-8 (BOMs honoured); a clear error otherwise."""
    if encoding:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot decode the input as {encoding}: {exc}") from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the input is not UTF-8 (bad byte at position {exc.start}); "
            "pass --encoding gb18030 (or the file's real encoding)"
        ) from exc


def cli_principal(runtime: Runtime, org_slug: str, rep: str | None) -> Principal:
    with runtime.sessions() as session:
        org = get_organization(session, org_slug)
        if rep is None:
            return Principal(org_id=org.id, org_slug=org.slug, role=AccessRole.ADMIN, key_id=0)
        user = session.scalar(select(User).where(User.org_id == org.id, User.external_id == rep))
        if user is None:
            raise NotFound(f"no user {rep!r} in organization {org_slug!r}")
        return Principal(
            org_id=org.id,
            org_slug=org.slug,
            role=AccessRole.REP,
            key_id=0,
            user_id=user.id,
            user_external_id=user.external_id,
            team=user.team,
        )
