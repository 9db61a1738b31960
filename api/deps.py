"""FastAPI dependencies as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from api.runtime import Runtime
from copilot.access import KEY_SCOPES, AccessRole, Principal, authenticate, require_role, require_scope


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_principal(
    runtime: RuntimeDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    key = x_api_key
    if key is None and authorization:
        scheme, _, value = authorization.partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else None
    with runtime.sessions() as session:
        return authenticate(session, key, now=runtime.clock.now())


PrincipalDep = Annotated[Principal, Depends(get_principal)]


class ScopeCheck:
    """A route's endpoint group: an integration key not scoped for it is refused (403)."""

    def __init__(self, scope: str) -> None:
        if scope not in KEY_SCOPES:
            raise ValueError(f"unknown key scope {scope!r}")
        self.scope = scope

    def __call__(self, principal: PrincipalDep) -> None:
        require_scope(principal, self.scope)


def scoped(scope: str) -> Any:
    """The dependency that puts a router or a route in the endpoint group `scope`."""
    return Depends(ScopeCheck(scope))


class RoleCheck:
    """A route only some roles may call (403 for the others)."""

    def __init__(self, *roles: AccessRole) -> None:
        self.roles = roles

    def __call__(self, principal: PrincipalDep) -> None:
        require_role(principal, *self.roles)


def admin_only() -> Any:
    """The dependency for admin-only routes."""
    return Depends(RoleCheck(AccessRole.ADMIN))


def route_scope(dependencies: list[Any]) -> str | None:
    """The endpoint group declared among a route's dependencies (None when it declares none)."""
    for dep in dependencies:
        call: Callable[..., Any] | None = getattr(dep, "dependency", None)
        if isinstance(call, ScopeCheck):
            return call.scope
    return None
