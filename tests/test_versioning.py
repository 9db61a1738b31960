"""Writes bump their organization's data version, and only theirs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.store.versioning import data_version
from tests.conftest import Org, auth, ingest_dictation


def test_a_write_bumps_only_its_organizations_version(
    client: TestClient, runtime: Runtime, acme: Org, globex: Org
) -> None:
    with runtime.sessions() as s:
        before = (data_version(s, acme.id), data_version(s, globex.id))
    assert before[0] > 0  # the import wrote records
    ingest_dictation(client, acme.keys["r1"], "c1", "今天和孙厂长通了电话 下周三前发报价")
    with runtime.sessions() as s:
        after = (data_version(s, acme.id), data_version(s, globex.id))
    assert after[0] > before[0] and after[1] == before[1]
    # reads change nothing
    client.get("/v1/customers/c1", headers=auth(acme.keys["r1"]))
    with runtime.sessions() as s:
        assert data_version(s, acme.id) == after[0]


def test_a_followup_reading_negotiation_opens_a_new_deal_at_proposal(client: TestClient, acme: Org) -> None:
    r = client.post(
        "/v1/followups",
        headers=auth(acme.keys["r1"]),
        json={
            "customer": {"name": "宁波海天精工"},
            "input": {
                "kind": "dictation",
                "text": "第一次拜访宁波海天 客户已经在跟我们谈价格和付款方式了 想分三期付款",
            },
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["fields"]["stage"] == "negotiation"
    assert "opens at proposal" in r.json()["engine"]["note"]
    file = client.get(f"/v1/customers/{r.json()['customer_id']}", headers=auth(acme.keys["r1"])).json()
    assert file["deals"][0]["stage"] == "proposal"
