"""Organizations, API keys and who may see what.

Keys are random 32-byte secrets shown once; only their SHA-256 is stored (a fast hash is
enough for high-entropy secrets, and lets a lookup stay one indexed query).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from copilot.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from copilot.store.models import ApiKey, Customer, Organization, User

KEY_PREFIX = "cpk_"
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
) -> tuple[ApiKey, str]:
    """A new key for `org`; returns the stored row and the plaintext, which is never stored."""
    user = None
    if user_external_id is not None:
        user = session.scalar(select(User).where(User.org_id == org.id, User.external_id == user_external_id))
        if user is None:
            raise NotFound(f"no user {user_external_id!r} in organization {org.slug!r}")
    if role is AccessRole.REP and user is None:
        raise InvalidInput("a rep key must name the rep it belongs to (--user)")
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        org_id=org.id,
        user_id=user.id if user else None,
        name=name or f"{role.value} key",
        prefix=plaintext[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(plaintext),
        role=role.value,
        created_at=now,
        revoked_at=None,
    )
    session.add(key)
    session.flush()
    return key, plaintext


def authenticate(session: Session, plaintext: str | None) -> Principal:
    """The principal behind an API key, or Unauthorized."""
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
    if principal.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Forbidden(f"this needs one of the roles: {allowed}; the key used is {principal.role.value}")
