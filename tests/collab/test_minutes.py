"""Three-party minutes: default owners, who may fill which block, the 2-hour deadline."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.collab import iso
from copilot.collab.minutes import overdue_minutes_blocks
from tests.collab.conftest import hours, new_minutes, ok, set_now
from tests.conftest import NOW, Org, auth


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _block(minutes: dict, name: str) -> dict:
    return next(b for b in minutes["blocks"] if b["block"] == name)


def _fill(client: TestClient, key: str, minutes_id: str, block: str, text: str = "客户担心停产时间"):
    return client.put(f"/v1/minutes/{minutes_id}/blocks/{block}", headers=auth(key), json={"text": text})


def test_minutes_open_with_three_owned_blocks(client: TestClient, acme: Org) -> None:
    m = new_minutes(client, acme.keys["r1"], deal_id="d1")
    assert m["customer_id"] == "c1" and m["deal_id"] == "d1" and m["status"] == "pending"
    owners = {b["block"]: (b["owner_role"], b["owner"]["id"]) for b in m["blocks"]}
    # sales: the customer's owner; solution: the first solution user; delivery: the first delivery user
    assert owners == {
        "objections": ("sales", "r1"),
        "constraints": ("solution", "s1"),
        "resource_gaps": ("delivery", "dl1"),
    }
    assert _block(m, "objections")["due_at"] == iso(NOW + hours(2))
    # owners named explicitly must have the block's job role
    m2 = new_minutes(client, acme.keys["admin"], owners={"constraints": "s2"})
    assert _block(m2, "constraints")["owner"]["id"] == "s2"
    bad = client.post(
        "/v1/customers/c1/minutes",
        headers=auth(acme.keys["admin"]),
        json={"title": "x", "owners": {"constraints": "l1"}},
    )
    assert bad.status_code == 422 and "l1" in bad.json()["detail"] and "solution" in bad.json()["detail"]
    listed = ok(client.get("/v1/customers/c1/minutes", headers=auth(acme.keys["r1"])))
    assert {i["id"] for i in listed["items"]} == {m["id"], m2["id"]}


def test_only_the_owner_or_a_manager_fills_a_block(client: TestClient, acme: Org) -> None:
    m = new_minutes(client, acme.keys["r1"])
    mid = m["id"]
    # the solution engineer owns constraints: may open the minutes (c1 is not theirs), not fill objections
    assert ok(client.get(f"/v1/minutes/{mid}", headers=auth(acme.keys["s1"])))["id"] == mid
    r = _fill(client, acme.keys["s1"], mid, "objections")
    assert r.status_code == 403 and "r1" in r.json()["detail"]
    assert _fill(client, acme.keys["r1"], mid, "constraints").status_code == 403
    # someone named nowhere and not seeing c1 does not learn it exists
    assert _fill(client, acme.keys["r3"], mid, "objections").status_code == 404
    assert client.get(f"/v1/minutes/{mid}", headers=auth(acme.keys["l1"])).status_code == 404
    filled = ok(_fill(client, acme.keys["s1"], mid, "constraints", "  需要兼容现有PLC  "))
    block = _block(filled, "constraints")
    assert (
        block["text"] == "需要兼容现有PLC"
        and block["filled_by"]["id"] == "s1"
        and block["status"] == "filled"
    )
    ok(_fill(client, acme.keys["r1"], mid, "objections"))
    # the supervisor of r1's team fills for delivery; then the minutes are complete
    done = ok(_fill(client, acme.keys["supervisor"], mid, "resource_gaps", "缺少现场调试工程师"))
    assert done["status"] == "complete"


def test_a_block_is_overdue_strictly_after_two_hours(client: TestClient, acme: Org, runtime: Runtime) -> None:
    m = new_minutes(client, acme.keys["r1"], meeting_at=NOW.isoformat())
    ok(_fill(client, acme.keys["s1"], m["id"], "constraints"))
    due = NOW + hours(2)

    set_now(runtime, due)  # exactly two hours: not yet overdue
    with runtime.sessions.begin() as session:
        assert overdue_minutes_blocks(session, acme.id, due) == []
    at_due = ok(client.get(f"/v1/minutes/{m['id']}", headers=auth(acme.keys["r1"])))
    assert _block(at_due, "objections")["status"] == "pending"
    ok(_fill(client, acme.keys["r1"], m["id"], "objections"))  # filled at the deadline: in time

    later = due + hours(1 / 3600)
    set_now(runtime, later)
    with runtime.sessions.begin() as session:
        found = overdue_minutes_blocks(session, acme.id, later)
    assert [(b["block"], b["owner_id"], b["newly_flagged"]) for b in found] == [
        ("resource_gaps", "dl1", True)
    ]
    assert found[0]["customer_id"] == "c1" and found[0]["flagged_at"] == iso(later)
    # reported again the next day, flagged once
    with runtime.sessions.begin() as session:
        again = overdue_minutes_blocks(session, acme.id, later + hours(24))
    assert again[0]["newly_flagged"] is False and again[0]["flagged_at"] == iso(later)
    view = ok(client.get(f"/v1/minutes/{m['id']}", headers=auth(acme.keys["r1"])))
    assert _block(view, "objections")["status"] == "filled"
    assert _block(view, "resource_gaps")["status"] == "overdue" and view["status"] == "overdue"
    late = ok(_fill(client, acme.keys["dl1"], m["id"], "resource_gaps"))
    assert _block(late, "resource_gaps")["status"] == "filled_late" and late["status"] == "complete"
    with runtime.sessions.begin() as session:
        assert overdue_minutes_blocks(session, acme.id, later + hours(48)) == []
    # the service runs the same for the daily jobs
    assert runtime.collab.overdue_minutes_blocks(acme.id) == []


def test_bad_block_input(client: TestClient, acme: Org) -> None:
    m = new_minutes(client, acme.keys["r1"])
    r = _fill(client, acme.keys["r1"], m["id"], "pricing")
    assert r.status_code == 422 and "objections, constraints, resource_gaps" in r.json()["detail"]
    r = _fill(client, acme.keys["r1"], m["id"], "objections", "   ")
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    assert _fill(client, acme.keys["r1"], "min_nope", "objections").status_code == 404
    r = client.post("/v1/customers/c1/minutes", headers=auth(acme.keys["r1"]), json={"title": ""})
    assert r.status_code == 422 and "title" in r.json()["detail"]
    r = client.post(
        "/v1/customers/c1/minutes", headers=auth(acme.keys["r1"]), json={"title": "x", "deal_id": "d3"}
    )
    assert r.status_code == 404 and "d3" in r.json()["detail"]
    r = client.post(
        "/v1/customers/c1/minutes", headers=auth(acme.keys["r1"]), json={"title": "x", "owners": {"x": "r1"}}
    )
    assert r.status_code == 422 and "unknown block" in r.json()["detail"]
    r = client.post(
        "/v1/customers/c1/minutes",
        headers=auth(acme.keys["r1"]),
        json={"title": "x", "owners": {"objections": "zz"}},
    )
    assert r.status_code == 404
    assert (
        client.post(
            "/v1/customers/c9/minutes", headers=auth(acme.keys["admin"]), json={"title": "x"}
        ).status_code
        == 404
    )


def test_scope_of_minutes(client: TestClient, acme: Org, globex: Org) -> None:
    m = new_minutes(client, acme.keys["r1"])
    # r3 does not see c1: neither its minutes list nor the record
    assert client.get("/v1/customers/c1/minutes", headers=auth(acme.keys["r3"])).status_code == 404
    assert client.get(f"/v1/minutes/{m['id']}", headers=auth(acme.keys["r3"])).status_code == 404
    assert (
        client.post(
            "/v1/customers/c1/minutes", headers=auth(acme.keys["r3"]), json={"title": "x"}
        ).status_code
        == 404
    )
    # another organization's admin: 404, even though it has a c1 of its own
    assert client.get(f"/v1/minutes/{m['id']}", headers=auth(globex.keys["admin"])).status_code == 404
    assert ok(client.get("/v1/customers/c1/minutes", headers=auth(globex.keys["admin"])))["total"] == 0
    assert client.get(f"/v1/minutes/{m['id']}", headers=auth(acme.keys["supervisor"])).status_code == 200


def test_a_meeting_follow_up_opens_minutes(client: TestClient, acme: Org) -> None:
    r = client.post(
        "/v1/followups",
        headers=auth(acme.keys["r1"]),
        json={
            "customer_id": "c1",
            "activity_kind": "meeting",
            "input": {"kind": "dictation", "text": "今天和孙厂长开会，讨论了交付周期和停产窗口。"},
        },
    )
    fu = ok(r, 201)
    listed = ok(client.get("/v1/customers/c1/minutes", headers=auth(acme.keys["r1"])))
    assert listed["total"] == 1
    m = listed["items"][0]
    assert fu["id"] in m["title"] and m["deal_id"] == "d1" and _at(m["meeting_at"]) == _at(fu["at"])
    assert {b["owner"]["id"] for b in m["blocks"]} == {"r1", "s1", "dl1"}
    # other kinds open none
    ok(
        client.post(
            "/v1/followups",
            headers=auth(acme.keys["r1"]),
            json={"customer_id": "c1", "input": {"kind": "dictation", "text": "电话回访，客户确认了预算。"}},
        ),
        201,
    )
    assert ok(client.get("/v1/customers/c1/minutes", headers=auth(acme.keys["r1"])))["total"] == 1


def test_the_customer_file_lists_minutes_tickets_and_kickoffs(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    m = new_minutes(client, acme.keys["r1"], meeting_at=(NOW - hours(3)).isoformat())
    t = ok(
        client.post(
            "/v1/customers/c1/tickets",
            headers=auth(acme.keys["r1"]),
            json={"title": "合同审核", "request": "请审核违约条款", "assignee_role": "legal"},
        ),
        201,
    )
    file = ok(client.get("/v1/customers/c1", headers=auth(acme.keys["r1"])))
    assert file["deals"][0]["id"] == "d1" and len(file["contacts"]) == 2  # the existing fields stay
    assert [(x["id"], x["status"], x["overdue"]) for x in file["minutes"]] == [(m["id"], "overdue", True)]
    assert file["minutes"][0]["open_blocks"] == ["objections", "constraints", "resource_gaps"]
    assert [(x["id"], x["title"], x["status"], x["overdue"]) for x in file["tickets"]] == [
        (t["id"], "合同审核", "open", False)
    ]
    assert file["kickoffs"] == []
