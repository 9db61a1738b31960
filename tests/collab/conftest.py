"""An organization with solution, legal and delivery staff (keys for each), and a won deal."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.runtime import Runtime
from copilot.access import AccessRole, create_api_key, get_organization
from copilot.clock import FixedClock
from copilot.store.models import Activity, Customer, Deal, Extraction, User
from tests.conftest import NOW, Org, auth, load_fixture, make_org

STAFF = (
    ("s1", "赵方案", "售前支持部", "solution"),
    ("s2", "钱方案", "售前支持部", "solution"),
    ("l1", "孙法务", "法务部", "legal"),
    ("dl1", "李交付", "交付部", "delivery"),
)
WON_AT = "2026-05-15T10:00:00+08:00"  # d2, imported as won: its kick-off is due 2026-05-22 10:00


def collab_pipeline() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(load_fixture("pipeline", "small.json"))  # type: ignore[arg-type]
    data["reps"] += [{"id": i, "name": n, "team": t, "role": r} for i, n, t, r in STAFF]
    data["deals"].append(
        {
            "id": "d2",
            "customer_id": "c2",
            "name": "门店系统",
            "amount": 300000,
            "stage": "won",
            "stage_history": [
                {"stage": "proposal", "at": "2026-04-20T10:00:00+08:00"},
                {"stage": "won", "at": WON_AT},
            ],
        }
    )
    return data


def with_staff_keys(runtime: Runtime, org: Org, *users: str) -> Org:
    with runtime.sessions.begin() as session:
        row = get_organization(session, org.slug)
        for ext in users:
            _, org.keys[ext] = create_api_key(session, row, AccessRole.REP, now=NOW, user_external_id=ext)
    return org


@pytest.fixture
def acme(runtime: Runtime) -> Org:
    org = make_org(runtime, "acme", collab_pipeline())
    return with_staff_keys(runtime, org, "s1", "s2", "l1", "dl1", "r2")


@pytest.fixture
def globex(runtime: Runtime) -> Org:
    return make_org(runtime, "globex", collab_pipeline())


def set_now(runtime: Runtime, at: datetime) -> None:
    """Move the runtime's clock (every service shares it)."""
    assert isinstance(runtime.clock, FixedClock)
    runtime.clock.at = at


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def new_minutes(client: TestClient, key: str, customer: str = "c1", **body: Any) -> dict[str, Any]:
    body.setdefault("title", "方案沟通会")
    body.setdefault("meeting_at", NOW.isoformat())
    return ok(client.post(f"/v1/customers/{customer}/minutes", headers=auth(key), json=body), 201)


def new_ticket(client: TestClient, key: str, customer: str = "c1", **body: Any) -> dict[str, Any]:
    body.setdefault("title", "可行性报告")
    body.setdefault("request", "请评估伺服系统改造在现有产线上的可行性")
    body.setdefault("assignee_role", "solution")
    return ok(client.post(f"/v1/customers/{customer}/tickets", headers=auth(key), json=body), 201)


def add_activity(
    runtime: Runtime,
    org: Org,
    ext: str,
    *,
    customer: str,
    at: datetime,
    kind: str = "call",
    deal: str | None = None,
    actor: str | None = "r1",
    actor_role: str = "sales",
    quality: dict[str, Any] | None = None,
) -> None:
    """An activity stored directly (and, with `quality`, an extraction reading it)."""
    with runtime.sessions.begin() as session:
        c = session.scalar(
            select(Customer).where(Customer.org_id == org.id, Customer.external_id == customer)
        )
        assert c is not None
        deal_id = (
            session.scalar(select(Deal.id).where(Deal.org_id == org.id, Deal.external_id == deal))
            if deal
            else None
        )
        actor_id = (
            session.scalar(select(User.id).where(User.org_id == org.id, User.external_id == actor))
            if actor
            else None
        )
        a = Activity(
            org_id=org.id,
            external_id=ext,
            customer_id=c.id,
            deal_id=deal_id,
            actor_id=actor_id,
            actor_role=actor_role,
            at=at,
            kind=kind,
            text=f"{kind} {ext}",
            status="extracted" if quality is not None else "imported",
            created_at=at,
        )
        session.add(a)
        session.flush()
        if quality is not None:
            session.add(
                Extraction(
                    org_id=org.id,
                    activity_id=a.id,
                    engine="test",
                    engine_version="1",
                    fields={},
                    quality=quality,
                    signals=[],
                    evidence={},
                    created_at=at,
                )
            )


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
