"""Small pipelines built in code, loaded into a throwaway database, read back as a snapshot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from copilot.access import create_organization
from copilot.pipeline.importer import import_pipeline
from copilot.pipeline.snapshot import PipelineSnapshot, load_snapshot
from copilot.store.database import make_engine, make_session_factory
from copilot.store.migrate import upgrade

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 5, 20, 10, 0, tzinfo=TZ)


def ago(**delta: float) -> str:
    return (AS_OF - timedelta(**delta)).isoformat()


def pipeline(
    customers: list[dict[str, Any]],
    deals: list[dict[str, Any]],
    activities: list[dict[str, Any]] | None = None,
    documents: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    reps = [
        {"id": "r1", "name": "张伟", "team": "华东", "role": "rep"},
        {"id": "r2", "name": "Amy Lin", "team": "海外", "role": "rep"},
        {"id": "l1", "name": "孙婷", "team": "法务部", "role": "legal"},
    ]
    for c in customers:
        c.setdefault("owner", "r1")
        c.setdefault("contacts", [])
    for n, a in enumerate(activities or [], 1):
        a.setdefault("id", f"a{n}")
        a.setdefault("actor_id", "r1")
        a.setdefault("actor_role", "sales")
        a.setdefault("kind", "call")
        a.setdefault("text", "跟进")
    return {
        "reps": reps,
        "customers": customers,
        "deals": deals,
        "activities": activities or [],
        "documents": documents or [],
    }


def deal(id: str, customer: str, *history: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "customer_id": customer,
        "name": f"{id} project",
        "stage": history[-1][0],
        "stage_history": [{"stage": s, "at": at} for s, at in history],
        **extra,
    }


def snapshot_of(data: dict[str, Any]) -> PipelineSnapshot:
    engine = make_engine("sqlite://")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        org = create_organization(session, "test", "test", now=AS_OF)
        import_pipeline(session, org.id, data, now=AS_OF)
        org_id = org.id
    with sessions() as session:
        return load_snapshot(session, org_id)
