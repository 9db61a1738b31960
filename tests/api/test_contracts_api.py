"""Requirements with double sign-off, contract upload and diff, the `won` lock, and bad PDFs over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.runtime import Runtime
from copilot.access import AccessRole, create_api_key, get_organization
from copilot.store.models import Contract, Document, RequirementVersion
from tests.conftest import NOW, Org, auth
from tests.contracts.builders import EN_CONTRACT, ZH_CONTRACT, contract_pdf, image_only_pdf, tiny_png

# what the customer originally asked for: 30 business days delivery (contract: 42 days),
# 24 months warranty (contract: one year), the payment split and amount match
REQUIREMENTS = {
    "contract_amount": {"amount": 864000, "currency": "CNY"},
    "delivery_period": {"days": 30, "business_days": True},
    "payment_terms": {"installments_pct": [30, 60, 10]},
    "warranty_months": 24,
}


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return contract_pdf(ZH_CONTRACT, header="合同编号：TEST-001", zh=True, lines_per_page=12)


def solution_key(runtime: Runtime, org: Org) -> str:
    with runtime.sessions.begin() as s:
        from copilot.store.models import User

        organization = get_organization(s, org.slug)
        s.add(
            User(
                org_id=organization.id,
                external_id="s1",
                name="方案周工",
                team="售前",
                role="solution",
                created_at=NOW,
            )
        )
        s.flush()
        _, key = create_api_key(s, organization, AccessRole.INTEGRATION, now=NOW, user_external_id="s1")
    return key


def upload(client: TestClient, key: str, data: bytes, name: str = "contract.pdf", deal: str = "d1") -> Any:
    return client.post(
        f"/v1/deals/{deal}/contracts", files={"file": (name, data, "application/pdf")}, headers=auth(key)
    )


def test_requirement_changes_by_sales_wait_for_the_solution_owner(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    rep = auth(acme.keys["r1"])
    r = client.put("/v1/deals/d1/requirements", json={"requirements": REQUIREMENTS}, headers=rep)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["version"] == 1 and view["values"]["warranty_months"] == 24
    assert view["history"][0]["changed_by"] == "r1"
    assert view["history"][0]["changes"]["warranty_months"] == {"from": None, "to": 24}
    [confirmation] = view["confirmations"]
    assert confirmation["status"] == "pending"
    # the unanswered confirmation is a risk on the customer's file
    risks = client.get("/v1/customers/c1", headers=rep).json()["risks"]
    assert [x["kind"] for x in risks] == ["requirement_confirmation"]
    # the same values again: no new version, no new confirmation
    again = client.put("/v1/deals/d1/requirements", json={"requirements": REQUIREMENTS}, headers=rep).json()
    assert again["version"] == 1 and len(again["confirmations"]) == 1
    # a rep cannot answer; the solution owner can
    url = f"/v1/deals/d1/requirements/confirmations/{confirmation['id']}"
    assert client.post(url, json={"answer": "feasible_synced"}, headers=rep).status_code == 403
    sol = solution_key(runtime, acme)
    answered = client.post(url, json={"answer": "meeting_needed", "note": "周四评审"}, headers=auth(sol))
    assert answered.status_code == 200, answered.text
    assert answered.json()["confirmations"][0]["status"] == "meeting_needed"
    assert client.get("/v1/customers/c1", headers=rep).json()["risks"] == []
    # a second change keeps the history
    changed = {**REQUIREMENTS, "warranty_months": 36}
    latest = client.put("/v1/deals/d1/requirements", json={"requirements": changed}, headers=rep).json()
    assert latest["version"] == 2 and latest["history"][1]["changes"] == {
        "warranty_months": {"from": 24, "to": 36}
    }


def test_invalid_requirements_are_rejected(client: TestClient, acme: Org, runtime: Runtime) -> None:
    bad = {"requirements": {"warranty_months": "two years"}}
    r = client.put("/v1/deals/d1/requirements", json=bad, headers=auth(acme.keys["admin"]))
    assert r.status_code == 422 and "warranty_months" in r.json()["detail"]
    r = client.put(
        "/v1/deals/d1/requirements",
        json={"requirements": {"colour": "red"}},
        headers=auth(acme.keys["admin"]),
    )
    assert r.status_code == 422
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(RequirementVersion)) == 0


def test_contract_diff_locks_won_until_acknowledged(client: TestClient, acme: Org, pdf: bytes) -> None:
    admin, rep = auth(acme.keys["admin"]), auth(acme.keys["r1"])
    client.put("/v1/deals/d1/requirements", json={"requirements": REQUIREMENTS}, headers=admin)
    r = upload(client, acme.keys["r1"], pdf)
    assert r.status_code == 201, r.text
    contract = r.json()
    assert contract["fields"]["contract_amount"] == {"amount": 864000.0, "currency": "CNY"}
    assert contract["fields"]["delivery_period"] == {"days": 42, "business_days": False}
    diffs = {d["field"]: d for d in contract["differences"]}
    assert set(diffs) == {"delivery_period", "warranty_months"}
    assert "30" in diffs["delivery_period"]["reason"] and "42" in diffs["delivery_period"]["reason"]
    assert diffs["delivery_period"]["contract_evidence"][0]["page"] >= 1
    assert contract["locked"] is True
    # won is refused while differences are open, both by API and by a follow-up
    r = client.patch("/v1/deals/d1", json={"stage": "won"}, headers=rep)
    assert r.status_code == 409 and "delivery_period" in r.json()["detail"]
    fu = client.post(
        "/v1/followups",
        headers=rep,
        json={
            "customer_id": "c1",
            "input": {"kind": "dictation", "text": "恒远的合同今天盖章签回来了 预付款下周一打过来"},
        },
    ).json()
    assert fu["fields"]["stage"] == "won"  # what the note says is kept...
    assert "cannot be won" in fu["engine"]["note"]
    file = client.get("/v1/customers/c1", headers=rep).json()
    assert file["stage"] == "negotiation"  # ...but the deal does not move
    assert {x["kind"] for x in file["risks"]} == {"contract_difference"}
    assert file["contracts"][0]["locked"] is True
    # reps cannot acknowledge; a supervisor can
    ack = "/v1/deals/d1/contract-diff/{}/acknowledge"
    assert (
        client.post(ack.format("warranty_months"), json={"decision": "accepted"}, headers=rep).status_code
        == 403
    )
    sup = auth(acme.keys["supervisor"])
    assert (
        client.post(ack.format("warranty_months"), json={"decision": "accepted"}, headers=sup).status_code
        == 200
    )
    assert client.patch("/v1/deals/d1", json={"stage": "won"}, headers=rep).status_code == 409
    r = client.post(
        ack.format("delivery_period"), json={"decision": "renegotiate", "note": "交期重谈"}, headers=sup
    )
    assert r.status_code == 200 and r.json()["locked"] is False
    assert (
        client.post(ack.format("delivery_period"), json={"decision": "accepted"}, headers=sup).status_code
        == 422
    )
    view = client.get("/v1/deals/d1/contract-diff", headers=rep).json()
    by_field = {d["field"]: d for d in view["differences"]}
    assert by_field["delivery_period"]["status"] == "renegotiate"
    assert by_field["delivery_period"]["acknowledged_by"] == "m1"
    r = client.patch("/v1/deals/d1", json={"stage": "won"}, headers=rep)
    assert r.status_code == 200 and r.json()["stage"] == "won"


def test_differences_tell_not_found_from_different(client: TestClient, acme: Org) -> None:
    admin = auth(acme.keys["admin"])
    requirements = {"warranty_months": 24, "delivery_period": {"days": 30, "business_days": False}}
    assert client.put(
        "/v1/deals/d3/requirements", json={"requirements": requirements}, headers=admin
    ).is_success
    without_warranty = [p for p in EN_CONTRACT if "arrant" not in p]
    r = upload(client, acme.keys["admin"], contract_pdf(without_warranty, zh=False), deal="d3")
    assert r.status_code == 201, r.text
    for view in (r.json(), client.get("/v1/deals/d3/contract-diff", headers=admin).json()):
        diffs = {d["field"]: d for d in view["differences"]}
        missing, other = diffs["warranty_months"], diffs["delivery_period"]
        assert missing["finding"] == "not_found" and missing["contract"] is None
        assert "not found in the contract" in missing["reason"] and missing["searched"]
        assert missing["reason"].endswith(f"(searched: {'; '.join(missing['searched'])})")
        assert other["finding"] == "different" and other["searched"] == [] and other["contract"]["days"] == 20
        assert {d["status"] for d in view["differences"]} == {"open"}  # acknowledgement status is unchanged


def test_contract_without_requirements_has_no_differences(client: TestClient, acme: Org, pdf: bytes) -> None:
    r = upload(client, acme.keys["admin"], pdf)
    assert r.status_code == 201 and r.json()["differences"] == [] and r.json()["locked"] is False
    assert client.get("/v1/deals/d3/contract-diff", headers=auth(acme.keys["admin"])).status_code == 404


@pytest.mark.parametrize(
    ("data", "status", "word"),
    [
        (b"", 422, "empty"),
        (b"hello, this is not a pdf at all", 422, "PDF"),
        (tiny_png(), 422, "PDF"),
        (image_only_pdf(), 422, "OCR"),
        (contract_pdf(ZH_CONTRACT, zh=True, encrypt="secret"), 422, "password"),
    ],
)
def test_bad_pdfs_get_clear_errors_and_store_nothing(
    client: TestClient, acme: Org, runtime: Runtime, data: bytes, status: int, word: str
) -> None:
    r = upload(client, acme.keys["admin"], data)
    assert r.status_code == status, r.text
    assert word in r.json()["detail"]
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Contract)) == 0
        assert s.scalar(select(func.count()).select_from(Document)) == 1  # only the imported one


def test_truncated_and_oversized_pdfs(client: TestClient, acme: Org, runtime: Runtime, pdf: bytes) -> None:
    r = upload(client, acme.keys["admin"], pdf[: len(pdf) // 2])
    assert r.status_code == 422 and "damaged" in r.json()["detail"]
    runtime.settings.contract_max_bytes = len(pdf) - 1
    r = upload(client, acme.keys["admin"], pdf)
    assert r.status_code == 413
    assert client.get("/healthz").status_code == 200


def test_other_organizations_and_reps_cannot_touch_the_deal(
    client: TestClient, acme: Org, globex: Org, pdf: bytes
) -> None:
    upload(client, acme.keys["admin"], pdf)
    assert client.get("/v1/deals/d1/contract-diff", headers=auth(globex.keys["admin"])).status_code == 404
    assert upload(client, acme.keys["r3"], pdf).status_code == 404  # d1 belongs to r1's customer
    assert (
        client.put(
            "/v1/deals/d1/requirements", json={"requirements": {}}, headers=auth(acme.keys["r3"])
        ).status_code
        == 404
    )
