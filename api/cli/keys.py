"""`copilot key`: create, list, rotate and revoke API keys. Secrets are printed once, on stdout
alone (so that `KEY=$(copilot key create ...)` works); notes go to stderr."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import command_runtime, console, err
from copilot.access import (
    KEY_SCOPES,
    AccessRole,
    create_api_key,
    get_organization,
    list_api_keys,
    revoke_api_key,
    rotate_api_key,
)
from copilot.errors import InvalidInput

key_app = typer.Typer(
    help="API keys: create, list, rotate (with a grace period), revoke.", no_args_is_help=True
)

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 3600}
ACTOR = "cli"


def parse_duration(text: str) -> timedelta:
    """'24h', '90m', '7d', '30s' or a bare number of hours."""
    match = _DURATION_RE.match(text.lower())
    if match is None:
        raise InvalidInput(f"cannot read the duration {text!r}: write it as 24h, 90m, 7d or 0")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


@key_app.command("create")
def key_create(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    role: Annotated[AccessRole, typer.Option(help="rep, supervisor, admin or integration.")],
    user: Annotated[str | None, typer.Option(help="The user's id (required for rep keys).")] = None,
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
    scopes: Annotated[
        str | None,
        typer.Option(help="Integration keys only: comma-separated endpoint groups; " + ", ".join(KEY_SCOPES)),
    ] = None,
) -> None:
    """Create an API key; it is printed once and stored only as a hash."""
    with command_runtime() as runtime, runtime.sessions.begin() as session:
        organization = get_organization(session, org)
        _, plaintext = create_api_key(
            session,
            organization,
            role,
            now=runtime.clock.now(),
            user_external_id=user,
            name=name,
            scopes=scopes.split(",") if scopes is not None else None,
            actor=ACTOR,
        )
    console.print(plaintext, highlight=False)


@key_app.command("list")
def key_list(
    org: Annotated[str, typer.Option(help="Organization slug.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The organization's keys: prefix, name, role, user, scopes, created, expires, revoked, status."""
    with command_runtime() as runtime, runtime.sessions() as session:
        keys = list_api_keys(session, get_organization(session, org), now=runtime.clock.now())
    if json_out:
        rows = [
            {
                "id": k.id,
                "prefix": k.prefix,
                "name": k.name,
                "role": k.role,
                "user": k.user,
                "scopes": k.scopes,
                "created_at": _when(k.created_at),
                "expires_at": _when(k.expires_at) or None,
                "revoked_at": _when(k.revoked_at) or None,
                "rotated_from": k.rotated_from,
                "status": k.status,
            }
            for k in keys
        ]
        console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "name", "role", "user", "scopes", "created", "expires", "revoked", "status")
    table.add_column("prefix", no_wrap=True)  # what `key rotate` and `key revoke` take: never cut
    for k in keys:
        table.add_row(
            str(k.id),
            k.name,
            k.role,
            k.user or "",
            ",".join(k.scopes) if k.scopes is not None else "all",
            _when(k.created_at),
            _when(k.expires_at),
            _when(k.revoked_at),
            k.status,
            k.prefix,
        )
    console.print(table)


@key_app.command("rotate")
def key_rotate(
    key: Annotated[str, typer.Argument(help="The key's prefix (cpk_xxxxxx, see `key list`) or id.")],
    grace: Annotated[
        str, typer.Option(help="How long the old key keeps working: 24h, 90m, 7d, 0 for none.")
    ] = "24h",
    org: Annotated[str | None, typer.Option(help="Organization slug (to tell keys apart).")] = None,
) -> None:
    """Issue a successor with the same role, user, scopes and name; the old key works until the grace
    period ends. The new key is printed once."""
    with command_runtime() as runtime, runtime.sessions.begin() as session:
        org_id = get_organization(session, org).id if org else None
        now = runtime.clock.now()
        new, plaintext = rotate_api_key(
            session, key, grace=parse_duration(grace), now=now, org_id=org_id, actor=ACTOR
        )
        err.print(
            f"key {key} now expires at {_when(now + parse_duration(grace))}; its successor is {new.prefix}"
        )
    console.print(plaintext, highlight=False)


@key_app.command("revoke")
def key_revoke(
    key: Annotated[str, typer.Argument(help="The key's prefix (cpk_xxxxxx, see `key list`) or id.")],
    org: Annotated[str | None, typer.Option(help="Organization slug (to tell keys apart).")] = None,
) -> None:
    """Refuse the key from now on."""
    with command_runtime() as runtime, runtime.sessions.begin() as session:
        org_id = get_organization(session, org).id if org else None
        revoked = revoke_api_key(session, key, now=runtime.clock.now(), org_id=org_id, actor=ACTOR)
        console.print(f"key {revoked.prefix} revoked at {_when(revoked.revoked_at)}", highlight=False)
