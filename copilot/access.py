"""Organizations, API keys and who may see what.

Keys are random 32-byte secrets shown once; only their SHA-256 is stored (a fast hash is
enough for high-entropy secrets, and lets a lookup stay one indexed query). A key is rotated by
issuing a successor and giving the old one a grace period (`expires_at`), and revoked at once.
Integration keys may be limited to endpoint groups (`KEY_SCOPES`). Every key change is written to
the audit log, naming the key by id and prefix, never by its secret or hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from copilot.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from copilot.store.models import ApiKey, AuditEntry, Customer, Organization, User

KEY_PREFIX = "cpk_"
# The endpoint groups an integration key may be limited to, each named after the routes it opens.
KEY_SCOPES: dict[str, str] = {
    "customers": "the customer's file (GET /v1/customers/{id})",
    "followups": "follow-ups: create from text or audio, read one, list a customer's",
    "deals": "deal stage moves and the customer's requirements with their confirmations",
    "contracts": "contract uploads, their differences and acknowledgements, confirmation letters",
    "search": "search over notes, chats and documents",
    "ask": "questions about the pipeline",
    "suggestions": "next actions and customer news",
    "risks": "risks, the organization's policy and the scores",
    "rhythm": "the brief, the patrol and overdue alerts",
    "webhooks": "delivery webhooks and their outbox",
    "collab": "minutes, tickets, kick-offs, a customer's timeline and the rep radar",
}
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")


class AccessRole(StrEnum):
    REP = "rep"  # own customers
    SUPERVISOR = "supervisor"  # the team's customers (all, when the supervisor has no team)
    ADMIN = "admin"  # everything in the organization, and keys
    INTEGRATION = "integration"  # machine access to the organization's records


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: an organization, a role and, for people, the user behind the key."""

    org_id: int
    org_slug: str
    role: AccessRole
    key_id: int
    user_id: int | None = None
    user_external_id: str | None = None
    team: str | None = None
    job_role: str | None = None  # the user's role in the company: rep, manager, solution, legal...
    scopes: frozenset[str] | None = None  # the endpoint groups an integration key is limited to

    def may_use(self, scope: str) -> bool:
        """Whether the key opens the endpoint group `scope` (only integration keys are limited)."""
        return self.scopes is None or scope in self.scopes

    @property
    def sees_everything(self) -> bool:
        if self.role in (AccessRole.ADMIN, AccessRole.INTEGRATION):
            return True
        return self.role is AccessRole.SUPERVISOR and not self.team


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_organization(session: Session, slug: str, name: str, *, now: datetime) -> Organization:
    """A new organization; slugs are lowercase letters, digits, '-' and '_'."""
    if not _SLUG_RE.match(slug):
        raise InvalidInput(f"organization slug {slug!r} must be 2-63 lowercase letters, digits, '-' or '_'")
    if session.scalar(select(Organization).where(Organization.slug == slug)) is not None:
        raise Conflict(f"organization {slug!r} already exists")
    org = Organization(slug=slug, name=name, created_at=now)
    session.add(org)
    session.flush()
    return org


def get_organization(session: Session, slug: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound(f"no organization {slug!r}; create it with `copilot org create {slug}`")
    return org


def create_api_key(
    session: Session,
    org: Organization,
    role: AccessRole,
    *,
    now: datetime,
    user_external_id: str | None = None,
    name: str = "",
    scopes: Iterable[str] | None = None,
    actor: str = "cli",
) -> tuple[ApiKey, str]:
    """A new key for `org`; returns the stored row and the plaintext, which is never stored."""
    user = None
    if user_external_id is not None:
        user = session.scalar(select(User).where(User.org_id == org.id, User.external_id == user_external_id))
        if user is None:
            raise NotFound(f"no user {user_external_id!r} in organization {org.slug!r}")
    if role is AccessRole.REP and user is None:
        raise InvalidInput("a rep key must name the rep it belongs to (--user)")
    scope_list = check_scopes(scopes) if scopes is not None else None
    if scope_list is not None and role is not AccessRole.INTEGRATION:
        raise InvalidInput(
            "scopes limit integration keys; a person's key is limited by its role (rep, supervisor, admin)"
        )
    key, plaintext = _issue(
        session, org.id, role, user.id if user else None, name or f"{role.value} key", scope_list, now
    )
    _audit(session, key, "key.created", now, actor, {"role": role.value, "scopes": scope_list})
    return key, plaintext


def check_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes, checked against KEY_SCOPES, sorted and without repeats."""
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in wanted if s not in KEY_SCOPES]
    if unknown:
        raise InvalidInput(f"unknown scope(s) {', '.join(unknown)}; the scopes are: {', '.join(KEY_SCOPES)}")
    if not wanted:
        raise InvalidInput(f"name at least one scope: {', '.join(KEY_SCOPES)}")
    return wanted


def _issue(
    session: Session,
    org_id: int,
    role: AccessRole,
    user_id: int | None,
    name: str,
    scopes: list[str] | None,
    now: datetime,
    rotated_from: ApiKey | None = None,
) -> tuple[ApiKey, str]:
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        org_id=org_id,
        user_id=user_id,
        name=name,
        prefix=plaintext[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(plaintext),
        role=role.value,
        created_at=now,
        revoked_at=None,
        expires_at=None,
        scopes=scopes,
        rotated_from_id=rotated_from.id if rotated_from else None,
    )
    session.add(key)
    session.flush()
    return key, plaintext


def _audit(
    session: Session, key: ApiKey, action: str, now: datetime, actor: str, detail: dict[str, Any]
) -> None:
    # the row copilot.audit.record would write; built here because copilot.audit depends on this
    # module (it names actors by Principal), and key changes are made by operators, not by keys
    session.add(
        AuditEntry(
            org_id=key.org_id,
            at=now,
            actor_key_id=None,
            actor=actor,
            action=action,
            target_type="api_key",
            target_id=str(key.id),
            detail={"prefix": key.prefix, **detail},
        )
    )


def find_api_key(session: Session, key_id_or_prefix: str | int, *, org_id: int | None = None) -> ApiKey:
    """A key by its id or its printed prefix (cpk_xxxxxx); NotFound, or Conflict when ambiguous."""
    stmt = select(ApiKey)
    if org_id is not None:
        stmt = stmt.where(ApiKey.org_id == org_id)
    ref = str(key_id_or_prefix).strip()
    stmt = stmt.where(ApiKey.id == int(ref)) if ref.isdigit() else stmt.where(ApiKey.prefix == ref)
    found = list(session.scalars(stmt.limit(2)))
    if not found:
        raise NotFound(f"no API key {ref!r}; `copilot key list --org ORG` shows the keys and their prefixes")
    if len(found) > 1:
        raise Conflict(f"two keys share the prefix {ref!r}; name the key by its id instead")
    return found[0]


def key_status(key: ApiKey, now: datetime) -> str:
    """active, expiring (rotated, in its grace period), expired or revoked."""
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None:
        return "expiring" if key.expires_at > now else "expired"
    return "active"


def rotate_api_key(
    session: Session,
    key_id_or_prefix: str | int,
    *,
    grace: timedelta,
    now: datetime,
    org_id: int | None = None,
    actor: str = "cli",
) -> tuple[ApiKey, str]:
    """Issue a successor with the same organization, user, role, scopes and name; the old key keeps
    working for `grace`, then is refused. Returns the new row and its plaintext (shown once)."""
    if grace < timedelta(0):
        raise InvalidInput("the grace period cannot be negative")
    old = find_api_key(session, key_id_or_prefix, org_id=org_id)
    status = key_status(old, now)
    if status != "active":
        successor = session.scalar(select(ApiKey.prefix).where(ApiKey.rotated_from_id == old.id))
        hint = f" (its successor is {successor})" if successor else ""
        raise Conflict(f"key {old.prefix} is {status} and cannot be rotated{hint}")
    new, plaintext = _issue(
        session,
        old.org_id,
        AccessRole(old.role),
        old.user_id,
        old.name,
        list(old.scopes) if old.scopes is not None else None,
        now,
        rotated_from=old,
    )
    old.expires_at = now + grace
    _audit(
        session,
        old,
        "key.rotated",
        now,
        actor,
        {
            "new_key_id": new.id,
            "new_prefix": new.prefix,
            "grace_seconds": int(grace.total_seconds()),
            "expires_at": old.expires_at.isoformat(),
        },
    )
    return new, plaintext


def revoke_api_key(
    session: Session,
    key_id_or_prefix: str | int,
    *,
    now: datetime,
    org_id: int | None = None,
    actor: str = "cli",
) -> ApiKey:
    """Refuse the key from now on; revoking a revoked key changes nothing."""
    key = find_api_key(session, key_id_or_prefix, org_id=org_id)
    if key.revoked_at is not None:
        return key
    key.revoked_at = now
    _audit(session, key, "key.revoked", now, actor, {"role": key.role})
    return key


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never its secret or hash."""

    id: int
    prefix: str
    name: str
    role: str
    user: str | None
    scopes: list[str] | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    rotated_from: str | None
    status: str


def list_api_keys(session: Session, org: Organization, *, now: datetime) -> list[KeyInfo]:
    """The organization's keys, oldest first, with their status as of `now`."""
    keys = list(session.scalars(select(ApiKey).where(ApiKey.org_id == org.id).order_by(ApiKey.id)))
    prefixes = {k.id: k.prefix for k in keys}
    return [
        KeyInfo(
            id=k.id,
            prefix=k.prefix,
            name=k.name,
            role=k.role,
            user=k.user.external_id if k.user else None,
            scopes=list(k.scopes) if k.scopes is not None else None,
            created_at=k.created_at,
            expires_at=k.expires_at,
            revoked_at=k.revoked_at,
            rotated_from=prefixes.get(k.rotated_from_id) if k.rotated_from_id else None,
            status=key_status(k, now),
        )
        for k in keys
    ]


def authenticate(session: Session, plaintext: str | None, *, now: datetime | None = None) -> Principal:
    """The principal behind an API key, or Unauthorized (missing, unknown, revoked or past its grace)."""
    if not plaintext:
        raise Unauthorized("missing API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key'")
    row = session.execute(
        select(ApiKey, Organization.slug)
        .join(Organization, Organization.id == ApiKey.org_id)
        .where(ApiKey.key_hash == hash_key(plaintext))
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise Unauthorized("invalid or revoked API key")
    key, slug = row
    return _principal(key, slug, now)


def principal_for_key(session: Session, key_id: int, *, now: datetime | None = None) -> Principal:
    """The principal behind a key id (a signed-in web session), checked as `authenticate` checks a
    key: Unauthorized once the key is revoked or past its grace."""
    row = session.execute(
        select(ApiKey, Organization.slug)
        .join(Organization, Organization.id == ApiKey.org_id)
        .where(ApiKey.id == key_id)
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise Unauthorized("the key this session signed in with is revoked; sign in again")
    return _principal(row[0], row[1], now)


def _principal(key: ApiKey, slug: str, now: datetime | None) -> Principal:
    # callers without a clock of their own (scripts) check expiry against the system time
    at = now if now is not None else datetime.now(UTC)
    if key.expires_at is not None and key.expires_at <= at:
        raise Unauthorized("this API key was rotated and its grace period is over; use its successor")
    user = key.user
    return Principal(
        org_id=key.org_id,
        org_slug=slug,
        role=AccessRole(key.role),
        key_id=key.id,
        user_id=user.id if user else None,
        user_external_id=user.external_id if user else None,
        team=user.team if user else None,
        job_role=user.role if user else None,
        scopes=frozenset(key.scopes) if key.scopes is not None else None,
    )


_Sel = TypeVar("_Sel", bound=Select[Any])


def scope_customers(stmt: _Sel, principal: Principal) -> _Sel:
    """Limit a customer query to what the principal may see; always to its organization."""
    stmt = stmt.where(Customer.org_id == principal.org_id)
    if principal.sees_everything:
        return stmt
    if principal.role is AccessRole.REP:
        return stmt.where(Customer.owner_id == principal.user_id)
    team_members = select(User.id).where(User.org_id == principal.org_id, User.team == principal.team)
    return stmt.where(Customer.owner_id.in_(team_members))


def require_role(principal: Principal, *roles: AccessRole) -> None:
    """Forbidden unless the principal holds one of `roles`."""
    if principal.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Forbidden(f"this needs one of the roles: {allowed}; the key used is {principal.role.value}")


def require_scope(principal: Principal, scope: str) -> None:
    """Forbidden unless the key opens the endpoint group `scope`."""
    if not principal.may_use(scope):
        held = ", ".join(sorted(principal.scopes or ())) or "none"
        raise Forbidden(
            f"this key is not scoped for {scope} ({KEY_SCOPES[scope]}); its scopes are: {held}. "
            "An admin can issue a key with that scope (`copilot key create --scopes ...`)"
        )
