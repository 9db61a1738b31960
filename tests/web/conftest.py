"""A browser-like client for the workspace: signs in through the form, reads form tokens."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime
from tests.conftest import Org, auth
from tests.contracts.builders import ZH_CONTRACT, contract_pdf

# the customer's original requirements for d1; the test contract differs on delivery and warranty
REQUIREMENTS = {
    "contract_amount": {"amount": 864000, "currency": "CNY"},
    "delivery_period": {"days": 30, "business_days": True},
    "payment_terms": {"installments_pct": [30, 60, 10]},
    "warranty_months": 24,
}


class Browser:
    """One person's cookies against the app, with helpers to fill in the workspace's forms."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def sign_in(self, key: str, next_path: str = "/app") -> Any:
        self.client.cookies.clear()
        return self.client.post("/app/login", data={"key": key, "next": next_path}, follow_redirects=False)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any], **kw: Any) -> Any:
        return self.client.post(url, data=data, follow_redirects=False, **kw)

    def csrf(self, url: str = "/app/customers") -> str:
        return csrf_of(self.get(url).text)


def csrf_of(page: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "no form token on the page"
    return m[1]


def hidden_fields(page: str) -> dict[str, str]:
    return {
        m[1]: html.unescape(m[2])
        for m in re.finditer(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
    }


def selected(page: str, name: str) -> str | None:
    """The selected option of a <select name=...> ('' for the empty option)."""
    block = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert block, name
    m = re.search(r'<option value="([^"]*)" selected', block[1])
    return m[1] if m else None


def input_value(page: str, name: str) -> str:
    m = re.search(
        rf'<(?:input|textarea)[^>]*name="{name}"[^>]*?(?:value="([^"]*)"[^>]*>|>([^<]*)</textarea>)', page
    )
    assert m, name
    return html.unescape(m[1] if m[1] is not None else m[2])


@pytest.fixture
def web(runtime: Runtime) -> Iterator[Browser]:
    with TestClient(create_app(runtime)) as c:
        yield Browser(c)


def give_d1_a_contract(client: TestClient, org: Org) -> None:
    """Requirements for d1 and an uploaded contract that departs from two of them."""
    rep = auth(org.keys["r1"])
    r = client.put("/v1/deals/d1/requirements", json={"requirements": REQUIREMENTS}, headers=rep)
    assert r.status_code == 200, r.text
    pdf = contract_pdf(ZH_CONTRACT, header="合同编号：WEB-001", zh=True, lines_per_page=12)
    r = client.post(
        "/v1/deals/d1/contracts", files={"file": ("contract.pdf", pdf, "application/pdf")}, headers=rep
    )
    assert r.status_code == 201, r.text
