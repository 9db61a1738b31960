"""A client retrying an upload (its first response lost) gets the stored record back, not a copy."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.runtime import Runtime
from copilot.store.models import Activity, Contract, Document
from tests.conftest import Org, auth
from tests.contracts.builders import ZH_CONTRACT, contract_pdf

LETTER = "客户确认函：付款方式为3:6:1分期，交货期为合同签订后45天内，验收标准按双方确认的技术协议执行。"


def _count(runtime: Runtime, model: type[object], *where: object) -> int:
    with runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_the_same_contract_twice_is_stored_once(client: TestClient, acme: Org, runtime: Runtime) -> None:
    contracts = _count(runtime, Contract)
    pdf = contract_pdf(ZH_CONTRACT, header="合同编号：IDEM-001", zh=True, lines_per_page=12)
    key = auth(acme.keys["admin"])
    first = client.post(
        "/v1/deals/d1/contracts", files={"file": ("c.pdf", pdf, "application/pdf")}, headers=key
    )
    assert first.status_code == 201, first.text
    again = client.post(
        "/v1/deals/d1/contracts", files={"file": ("c.pdf", pdf, "application/pdf")}, headers=key
    )
    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True and first.json()["duplicate"] is False
    assert again.json()["id"] == first.json()["id"]
    assert _count(runtime, Contract) == contracts + 1
    # a different file is a new contract; the same file on another deal is that deal's contract
    other = contract_pdf(ZH_CONTRACT, header="合同编号：IDEM-002", zh=True, lines_per_page=12)
    r = client.post(
        "/v1/deals/d1/contracts", files={"file": ("c2.pdf", other, "application/pdf")}, headers=key
    )
    assert r.status_code == 201 and r.json()["duplicate"] is False
    assert _count(runtime, Contract) == contracts + 2


def test_the_same_letter_twice_is_stored_once(client: TestClient, acme: Org, runtime: Runtime) -> None:
    key = auth(acme.keys["admin"])
    letters = _count(runtime, Document, Document.kind == "confirmation_letter")
    activities = _count(runtime, Activity)
    first = client.post("/v1/deals/d1/confirmation-letters", data={"text": LETTER}, headers=key)
    assert first.status_code == 201, first.text
    again = client.post("/v1/deals/d1/confirmation-letters", data={"text": LETTER + "\n"}, headers=key)
    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]
    assert _count(runtime, Document, Document.kind == "confirmation_letter") == letters + 1
    assert _count(runtime, Activity) == activities + 1
