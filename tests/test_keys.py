"""API keys: created with scopes, listed without secrets, rotated with a grace period, revoked at once;
every change in the audit log; the same from the command line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli.keys import parse_duration
from api.cli.main import app as cli
from api.runtime import Runtime
from copilot.access import (
    AccessRole,
    authenticate,
    create_api_key,
    get_organization,
    hash_key,
    list_api_keys,
    revoke_api_key,
    rotate_api_key,
)
from copilot.errors import Conflict, InvalidInput, NotFound, Unauthorized
from copilot.store.models import ApiKey, AuditEntry
from tests.conftest import FIXTURES, NOW, Org, auth

GRACE = timedelta(hours=24)


def test_a_rotated_key_works_until_its_grace_ends(runtime: Runtime, acme: Org) -> None:
    with runtime.sessions.begin() as s:
        old = authenticate(s, acme.keys["r1"], now=NOW)
        new_row, new_key = rotate_api_key(s, old.key_id, grace=GRACE, now=NOW)
        assert new_row.rotated_from_id == old.key_id
    with runtime.sessions() as s:
        before_end = authenticate(s, acme.keys["r1"], now=NOW + GRACE - timedelta(seconds=1))
        assert before_end.user_external_id == "r1"
        with pytest.raises(Unauthorized, match="grace period is over"):
            authenticate(s, acme.keys["r1"], now=NOW + GRACE)
        successor = authenticate(s, new_key, now=NOW + GRACE)
    # the successor is the same key in all but its secret
    assert (successor.org_id, successor.role, successor.user_id, successor.scopes) == (
        old.org_id,
        old.role,
        old.user_id,
        old.scopes,
    )
    assert successor.key_id != old.key_id


def test_a_key_is_rotated_once_and_a_revoked_key_not_at_all(runtime: Runtime, acme: Org) -> None:
    with runtime.sessions.begin() as s:
        key_id = authenticate(s, acme.keys["admin"], now=NOW).key_id
        prefix = s.get(ApiKey, key_id).prefix  # type: ignore[union-attr]
        new_row, _ = rotate_api_key(s, prefix, grace=GRACE, now=NOW)
        with pytest.raises(Conflict, match=new_row.prefix):
            rotate_api_key(s, prefix, grace=GRACE, now=NOW)
        revoke_api_key(s, new_row.id, now=NOW)
        with pytest.raises(Conflict, match="revoked"):
            rotate_api_key(s, new_row.id, grace=GRACE, now=NOW)
        with pytest.raises(InvalidInput, match="negative"):
            rotate_api_key(s, key_id, grace=timedelta(hours=-1), now=NOW)
        with pytest.raises(NotFound, match="key list"):
            rotate_api_key(s, "cpk_nope00", grace=GRACE, now=NOW)


def test_a_revoked_key_is_refused_at_once(runtime: Runtime, acme: Org, client: TestClient) -> None:
    assert client.get("/v1/customers/c1", headers=auth(acme.keys["r1"])).status_code == 200
    with runtime.sessions.begin() as s:
        revoke_api_key(s, authenticate(s, acme.keys["r1"], now=NOW).key_id, now=NOW)
    r = client.get("/v1/customers/c1", headers=auth(acme.keys["r1"]))
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"


def test_rotation_over_http_honours_the_grace_period(runtime: Runtime, acme: Org, client: TestClient) -> None:
    with runtime.sessions.begin() as s:
        rotate_api_key(s, authenticate(s, acme.keys["r1"], now=NOW).key_id, grace=timedelta(0), now=NOW)
    r = client.get("/v1/customers/c1", headers=auth(acme.keys["r1"]))
    assert r.status_code == 401 and "successor" in r.json()["detail"]


def test_scopes_limit_integration_keys_only(runtime: Runtime, acme: Org, client: TestClient) -> None:
    with runtime.sessions.begin() as s:
        org = get_organization(s, acme.slug)
        _, crm = create_api_key(s, org, AccessRole.INTEGRATION, now=NOW, scopes=["customers", "customers "])
        stored = s.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(crm)))
        assert stored is not None and stored.scopes == ["customers"]
        with pytest.raises(InvalidInput, match="unknown scope"):
            create_api_key(s, org, AccessRole.INTEGRATION, now=NOW, scopes=["everything"])
        with pytest.raises(InvalidInput, match="at least one"):
            create_api_key(s, org, AccessRole.INTEGRATION, now=NOW, scopes=[""])
        with pytest.raises(InvalidInput, match="integration"):
            create_api_key(s, org, AccessRole.ADMIN, now=NOW, scopes=["customers"])
    assert client.get("/v1/customers/c1", headers=auth(crm)).status_code == 200
    r = client.get("/v1/risks", headers=auth(crm))
    assert r.status_code == 403
    assert "not scoped for risks" in r.json()["detail"] and "customers" in r.json()["detail"]
    # an unscoped integration key opens every group
    assert client.get("/v1/risks", headers=auth(acme.keys["integration"])).status_code == 200


def test_listing_shows_status_and_never_a_secret(runtime: Runtime, acme: Org) -> None:
    with runtime.sessions.begin() as s:
        org = get_organization(s, acme.slug)
        rep_id = authenticate(s, acme.keys["r1"], now=NOW).key_id
        rotate_api_key(s, rep_id, grace=GRACE, now=NOW)
        revoke_api_key(s, authenticate(s, acme.keys["r3"], now=NOW).key_id, now=NOW)
        keys = {k.id: k for k in list_api_keys(s, org, now=NOW)}
        later = {k.id: k.status for k in list_api_keys(s, org, now=NOW + GRACE)}
        hashes = set(s.scalars(select(ApiKey.key_hash)))
    assert keys[rep_id].status == "expiring" and later[rep_id] == "expired"
    assert keys[rep_id].user == "r1" and keys[rep_id].expires_at == NOW + GRACE
    successor = next(k for k in keys.values() if k.rotated_from == keys[rep_id].prefix)
    assert successor.status == "active" and successor.role == "rep"
    assert sorted(k.status for k in keys.values()).count("revoked") == 1
    shown = json.dumps([vars(k) for k in keys.values()], default=str)
    assert not any(h in shown for h in hashes)
    assert not any(secret in shown for secret in acme.keys.values())


def test_every_key_change_is_audited_without_secrets(runtime: Runtime, acme: Org) -> None:
    with runtime.sessions.begin() as s:
        org = get_organization(s, acme.slug)
        row, plaintext = create_api_key(
            s, org, AccessRole.INTEGRATION, now=NOW, scopes=["search"], actor="cli"
        )
        new, new_plaintext = rotate_api_key(s, row.prefix, grace=GRACE, now=NOW)
        revoke_api_key(s, new.id, now=NOW)
        revoke_api_key(s, new.id, now=NOW)  # again: nothing changes, nothing logged
        s.flush()
        entries = list(
            s.scalars(
                select(AuditEntry).where(AuditEntry.org_id == org.id, AuditEntry.target_type == "api_key")
            )
        )
        secrets = {plaintext, new_plaintext, row.key_hash, new.key_hash}
    ours = [(e.action, e.target_id) for e in entries if e.target_id in (str(row.id), str(new.id))]
    assert ours == [("key.created", str(row.id)), ("key.rotated", str(row.id)), ("key.revoked", str(new.id))]
    rotated = next(e for e in entries if e.action == "key.rotated")
    assert rotated.detail["new_prefix"] == new.prefix and rotated.detail["grace_seconds"] == 86400
    assert rotated.actor == "cli"
    logged = json.dumps([e.detail for e in entries])
    assert not any(secret in logged for secret in secrets)


def test_durations() -> None:
    assert parse_duration("24h") == timedelta(hours=24)
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("7d") == timedelta(days=7)
    assert parse_duration("0") == timedelta(0)
    with pytest.raises(InvalidInput, match="24h"):
        parse_duration("tomorrow")


# -- the command line ----------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_keys_from_the_command_line(cli_data_dir: Path) -> None:
    assert run("import", str(FIXTURES / "pipeline" / "small.json"), "--org", "acme")[0] == 0
    code, out = run("key", "create", "--org", "acme", "--role", "integration", "--scopes", "search,ask")
    assert code == 0 and out.strip().startswith("cpk_")
    crm = out.strip().splitlines()[-1]
    code, out = run("key", "create", "--org", "acme", "--role", "rep", "--user", "r1", "--scopes", "ask")
    assert code == 2 and "integration" in out
    code, out = run("key", "create", "--org", "acme", "--role", "integration", "--scopes", "all")
    assert code == 2 and "unknown scope" in out

    code, out = run("key", "list", "--org", "acme", "--json")
    assert code == 0
    listed = json.loads(out)
    assert listed[0]["scopes"] == ["ask", "search"] and listed[0]["status"] == "active"
    assert "hash" not in out and crm not in out and hash_key(crm) not in out
    prefix = listed[0]["prefix"]
    code, out = run("key", "list", "--org", "acme")
    assert code == 0 and prefix in out

    code, out = run("key", "rotate", prefix, "--grace", "24h")
    assert code == 0
    successor = out.strip().splitlines()[-1]
    assert successor.startswith("cpk_") and successor != crm
    from api.cli.common import open_runtime

    runtime = open_runtime()
    try:
        with runtime.sessions() as s:
            assert authenticate(s, crm).scopes == frozenset({"ask", "search"})  # within its grace
            assert authenticate(s, successor).scopes == frozenset({"ask", "search"})
    finally:
        runtime.close()
    code, out = run("key", "rotate", prefix, "--grace", "1h")
    assert code == 2 and "cannot be rotated" in out

    new_prefix = successor[:10]
    code, out = run("key", "revoke", new_prefix, "--org", "acme")
    assert code == 0 and "revoked" in out
    runtime = open_runtime()
    try:
        with runtime.sessions() as s, pytest.raises(Unauthorized):
            authenticate(s, successor)
    finally:
        runtime.close()

    code, out = run("audit", "list", "--org", "acme", "--json", "--target-type", "api_key")
    assert code == 0
    actions = [e["action"] for e in json.loads(out)]
    assert actions[:3] == ["key.revoked", "key.rotated", "key.created"]
    assert crm not in out and successor not in out
