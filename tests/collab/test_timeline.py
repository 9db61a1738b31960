"""A customer's 30-day timeline: per day and role, counts and the records behind them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.collab.conftest import add_activity, hours, new_minutes, new_ticket, ok
from tests.conftest import NOW, Org, auth


def _cell(body: dict, day: str, role: str) -> dict:
    return next(d for d in body["grid"] if d["date"] == day)["cells"][role]


def test_the_timeline_groups_by_day_and_role(client: TestClient, acme: Org, runtime: Runtime) -> None:
    add_activity(
        runtime,
        acme,
        "x1",
        customer="c1",
        at=NOW - hours(26),
        kind="meeting",
        actor="s1",
        actor_role="solution",
    )
    m = new_minutes(client, acme.keys["r1"])
    ok(
        client.put(
            f"/v1/minutes/{m['id']}/blocks/constraints", headers=auth(acme.keys["s1"]), json={"text": "PLC"}
        )
    )
    t = new_ticket(client, acme.keys["r1"])
    ok(client.post(f"/v1/tickets/{t['id']}/answer", headers=auth(acme.keys["s1"]), json={"answer": "可行"}))

    body = ok(client.get("/v1/customers/c1/timeline", headers=auth(acme.keys["r1"])))
    assert body["days"] == 30 and len(body["grid"]) == 30
    assert body["from"] == "2026-04-21" and body["to"] == "2026-05-20"
    assert body["roles"] == ["sales", "solution", "legal", "delivery", "finance", "manager"]
    # a1: r1's visit on 05-12 (the small pipeline)
    visit = _cell(body, "2026-05-12", "sales")
    assert (
        visit["count"] == 1
        and visit["records"][0]["id"] == "a1"
        and visit["records"][0]["type"] == "activity"
    )
    # yesterday: the solution engineer's meeting
    assert [r["id"] for r in _cell(body, "2026-05-19", "solution")["records"]] == ["x1"]
    # today: sales asked a ticket; solution filled a block and answered it
    assert [(r["type"], r["id"]) for r in _cell(body, "2026-05-20", "sales")["records"]] == [
        ("ticket_asked", t["id"])
    ]
    today_solution = _cell(body, "2026-05-20", "solution")
    assert today_solution["count"] == 2
    assert {(r["type"], r["id"]) for r in today_solution["records"]} == {
        ("minutes_block", m["id"]),
        ("ticket_answered", t["id"]),
    }
    assert body["totals"] == {
        "sales": 2,
        "solution": 3,
        "legal": 0,
        "delivery": 0,
        "finance": 0,
        "manager": 0,
    }
    assert sum(d["total"] for d in body["grid"]) == body["total"] == 5
    # a shorter window leaves out the older records
    short = ok(client.get("/v1/customers/c1/timeline", headers=auth(acme.keys["r1"]), params={"days": 3}))
    assert [d["date"] for d in short["grid"]] == ["2026-05-18", "2026-05-19", "2026-05-20"] and short[
        "total"
    ] == 4


def test_timeline_scope_and_bad_days(client: TestClient, acme: Org, globex: Org) -> None:
    assert client.get("/v1/customers/c1/timeline", headers=auth(acme.keys["r3"])).status_code == 404
    assert client.get("/v1/customers/c404/timeline", headers=auth(acme.keys["admin"])).status_code == 404
    for days in ("0", "400", "x"):
        r = client.get("/v1/customers/c1/timeline", headers=auth(acme.keys["r1"]), params={"days": days})
        assert r.status_code == 422 and "days" in r.json()["detail"]
    assert ok(client.get("/v1/customers/c1/timeline", headers=auth(globex.keys["admin"])))["total"] == 1
