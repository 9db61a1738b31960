"""Kick-off preparation: created for a won deal whatever made it won, on time or late."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.collab.kickoffs import sync_kickoffs
from copilot.store.models import Deal
from tests.collab.conftest import WON_AT, hours, ok, set_now
from tests.conftest import NOW, Org, auth

PARTS = {
    "participants": ["李总", "周工", "dl1"],
    "goals": "六月底前完成一期上线",
    "deliverables": "实施计划与排期",
}


def _put(client: TestClient, key: str, deal: str, **body: object):
    return client.put(f"/v1/deals/{deal}/kickoff", headers=auth(key), json=body)


def test_an_imported_won_deal_gets_its_kickoff_due_seven_days_later(client: TestClient, acme: Org) -> None:
    body = ok(client.get("/v1/customers/c2/kickoffs", headers=auth(acme.keys["r2"])))
    assert body["total"] == 1
    k = body["items"][0]
    won = datetime.fromisoformat(WON_AT)
    assert k["deal_id"] == "d2" and k["owner"]["id"] == "r2"
    assert datetime.fromisoformat(k["won_at"]) == won and datetime.fromisoformat(
        k["due_at"]
    ) == won + timedelta(days=7)
    assert k["status"] == "pending" and k["missing"] == ["participants", "goals", "deliverables"]
    # the customer's file lists it too; c1's open deal has none
    file = ok(client.get("/v1/customers/c2", headers=auth(acme.keys["r2"])))
    assert [(x["deal_id"], x["status"]) for x in file["kickoffs"]] == [("d2", "pending")]
    assert ok(client.get("/v1/customers/c1/kickoffs", headers=auth(acme.keys["r1"])))["total"] == 0


def test_completed_before_the_deadline_is_on_time(client: TestClient, acme: Org, runtime: Runtime) -> None:
    key = acme.keys["r2"]
    part = ok(_put(client, key, "d2", participants=PARTS["participants"], goals=PARTS["goals"]))
    assert (
        part["status"] == "pending" and part["missing"] == ["deliverables"] and part["completed_at"] is None
    )
    due = datetime.fromisoformat(WON_AT) + timedelta(days=7)
    set_now(runtime, due)  # exactly at the deadline
    done = ok(_put(client, key, "d2", deliverables=PARTS["deliverables"]))
    assert done["status"] == "completed" and done["on_time"] is True and done["overdue"] is False
    # an edit afterwards keeps the completion time
    set_now(runtime, due + hours(30))
    edited = ok(_put(client, key, "d2", goals="七月完成一期"))
    assert edited["on_time"] is True and edited["goals"] == "七月完成一期"


def test_completed_after_the_deadline_is_late(client: TestClient, acme: Org, runtime: Runtime) -> None:
    due = datetime.fromisoformat(WON_AT) + timedelta(days=7)
    set_now(runtime, due + hours(1 / 3600))
    shown = ok(client.get("/v1/deals/d2/kickoff", headers=auth(acme.keys["r2"])))
    assert shown["status"] == "overdue" and shown["overdue"] is True
    late = ok(_put(client, acme.keys["r2"], "d2", **PARTS))
    assert late["status"] == "completed" and late["on_time"] is False


def test_a_deal_won_by_a_stage_change_gets_one(client: TestClient, acme: Org, runtime: Runtime) -> None:
    assert _put(client, acme.keys["r1"], "d1", **PARTS).status_code == 409  # negotiation, not won
    ok(client.patch("/v1/deals/d1", headers=auth(acme.keys["r1"]), json={"stage": "won"}))
    k = ok(client.get("/v1/deals/d1/kickoff", headers=auth(acme.keys["r1"])))
    assert datetime.fromisoformat(k["won_at"]) == NOW and k["owner"]["id"] == "r1"
    # the daily job's call creates only what was missing (d2, imported won, not yet looked at)
    with runtime.sessions.begin() as session:
        created = sync_kickoffs(session, acme.id, NOW)
        assert [session.get(Deal, k.deal_id).external_id for k in created] == ["d2"]  # type: ignore[union-attr]
    assert runtime.collab.sync_kickoffs(acme.id) == []


def test_the_daily_sync_creates_each_kickoff_once(runtime: Runtime, acme: Org) -> None:
    created = runtime.collab.sync_kickoffs(acme.id)
    assert [c["deal_id"] for c in created] == ["d2"]
    assert runtime.collab.sync_kickoffs(acme.id) == []


def test_bad_kickoff_input_and_scope(client: TestClient, acme: Org, globex: Org) -> None:
    key = acme.keys["r2"]
    r = _put(client, key, "d2")
    assert r.status_code == 422 and "at least one" in r.json()["detail"]
    r = _put(client, key, "d2", goals="  ")
    assert r.status_code == 422 and "goals" in r.json()["detail"]
    assert _put(client, key, "d2", participants=[]).status_code == 422
    assert _put(client, key, "d2", participants=["李总", " "]).status_code == 422
    assert _put(client, key, "d2", colour="red").status_code == 422
    assert _put(client, key, "d404", goals="x").status_code == 404
    # r1 does not see c2; another organization's d2 is its own
    assert _put(client, acme.keys["r1"], "d2", goals="x").status_code == 404
    assert client.get("/v1/customers/c2/kickoffs", headers=auth(acme.keys["r3"])).status_code == 404
    ok(_put(client, key, "d2", goals="acme 的目标"))
    other = ok(client.get("/v1/deals/d2/kickoff", headers=auth(globex.keys["admin"])))
    assert other["goals"] is None
