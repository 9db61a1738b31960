"""Confirmation letters over HTTP: text, PDF, photos and scans; the negotiation gate; bad files."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.runtime import Runtime
from benchmarks.letter_photos import LETTER_LINES, letter_photo, scanned_pdf
from copilot.policies import update_policy
from copilot.store.models import Activity, Document
from tests.conftest import NOW, Org, auth

INCOMPLETE = "确认函：付款方式：月结60天。交付周期：合同签订后20个工作日内交货。"
COMPLETE = INCOMPLETE + "验收标准：按技术协议验收，连续72小时试运行无故障视为合格。"


def _counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Document)) or 0,
            s.scalar(select(func.count()).select_from(Activity)) or 0,
        )


def test_the_gate_refuses_negotiation_until_a_complete_letter(client: TestClient, acme: Org) -> None:
    rep = auth(acme.keys["r3"])
    r = client.patch("/v1/deals/d3", json={"stage": "negotiation"}, headers=rep)
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "negotiation_gate"
    assert body["errors"]["missing"] == ["payment_method", "delivery_period", "acceptance_criteria"]
    # a letter lacking acceptance criteria is stored, but the gate stays shut and names what is missing
    r = client.post("/v1/deals/d3/confirmation-letters", data={"text": INCOMPLETE}, headers=rep)
    assert r.status_code == 201, r.text
    letter = r.json()
    assert letter["complete"] is False and letter["missing"] == ["acceptance_criteria"]
    assert letter["missing_labels"] == ["验收标准"]
    assert "月结60天" in letter["elements"]["payment_method"]["quote"]
    assert letter["gate"] == {"enabled": True, "open": False, "complete_letters": []}
    r = client.patch("/v1/deals/d3", json={"stage": "negotiation"}, headers=rep)
    assert r.status_code == 409 and r.json()["errors"]["missing"] == ["acceptance_criteria"]
    assert "验收标准" in r.json()["detail"]
    # a complete letter opens it
    r = client.post("/v1/deals/d3/confirmation-letters", data={"text": COMPLETE}, headers=rep)
    assert r.json()["complete"] is True and r.json()["gate"]["open"] is True
    r = client.patch("/v1/deals/d3", json={"stage": "negotiation"}, headers=rep)
    assert r.status_code == 200 and r.json()["stage"] == "negotiation"
    listed = client.get("/v1/deals/d3/confirmation-letters", headers=rep).json()
    assert [x["complete"] for x in listed["letters"]] == [False, True]


def test_the_gate_is_configurable_and_lost_is_never_gated(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    rep = auth(acme.keys["r3"])
    assert client.patch("/v1/deals/d3", json={"stage": "lost"}, headers=rep).status_code == 200
    with runtime.sessions.begin() as s:
        update_policy(s, acme.id, {"negotiation_gate": {"enabled": False}}, user_id=None, now=NOW)
    assert client.patch("/v1/deals/d3", json={"stage": "negotiation"}, headers=rep).status_code == 200


def test_a_photo_of_a_chinese_letter_is_read_offline(client: TestClient, acme: Org) -> None:
    """A rotated, blurred JPEG drawn with a CJK font: all three elements are found by OCR."""
    files = {"file": ("letter.jpg", letter_photo(), "image/jpeg")}
    r = client.post("/v1/deals/d3/confirmation-letters", files=files, headers=auth(acme.keys["r3"]))
    assert r.status_code == 201, r.text
    letter = r.json()
    assert letter["source"] == "image" and letter["content_type"] == "image/jpeg"
    assert letter["complete"] is True, letter["text"]
    assert "45个工作日内交货" in letter["elements"]["delivery_period"]["quote"]
    assert "试运行" in letter["elements"]["acceptance_criteria"]["quote"]
    assert letter["reading"]["mean_confidence"] > 0.9
    assert letter["reading"]["engine"].startswith("rapidocr")
    assert client.patch(
        "/v1/deals/d3", json={"stage": "negotiation"}, headers=auth(acme.keys["r3"])
    ).is_success


def test_a_scanned_pdf_and_a_png_lacking_an_element(client: TestClient, acme: Org) -> None:
    rep = auth(acme.keys["r3"])
    files = {"file": ("scan.pdf", scanned_pdf(), "application/pdf")}
    r = client.post("/v1/deals/d3/confirmation-letters", files=files, headers=rep)
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "scanned_pdf" and r.json()["complete"] is True
    without_acceptance = tuple(line for line in LETTER_LINES if "验收标准" not in line)
    files = {"file": ("letter.png", letter_photo(without_acceptance, fmt="PNG"), "image/png")}
    r = client.post("/v1/deals/d3/confirmation-letters", files=files, headers=rep)
    assert r.status_code == 201 and r.json()["missing"] == ["acceptance_criteria"]


@pytest.mark.parametrize(
    ("name", "data", "status", "error"),
    [
        ("empty.jpg", b"", 422, "invalid_input"),
        ("cut.jpg", letter_photo()[:4000], 422, "bad_image"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, 422, "bad_image"),
        ("letter.docx", b"PK\x03\x04 word document", 415, "unsupported_document"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", 422, "corrupt_pdf"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    client: TestClient, acme: Org, runtime: Runtime, name: str, data: bytes, status: int, error: str
) -> None:
    before = _counts(runtime)
    files = {"file": (name, data, "application/octet-stream")}
    r = client.post("/v1/deals/d3/confirmation-letters", files=files, headers=auth(acme.keys["r3"]))
    assert r.status_code == status, r.text
    assert r.json()["error"] == error
    assert _counts(runtime) == before
    assert client.get("/healthz").status_code == 200


def test_text_and_file_together_or_neither_are_refused(client: TestClient, acme: Org) -> None:
    rep = auth(acme.keys["r3"])
    r = client.post("/v1/deals/d3/confirmation-letters", headers=rep, data={"text": "  "})
    assert r.status_code == 422
    r = client.post(
        "/v1/deals/d3/confirmation-letters",
        headers=rep,
        data={"text": COMPLETE},
        files={"file": ("a.jpg", letter_photo(), "image/jpeg")},
    )
    assert r.status_code == 422 and "not both" in r.json()["detail"]


def test_letters_are_scoped_like_their_deal(client: TestClient, acme: Org, globex: Org) -> None:
    # r1 does not own d3
    r = client.post(
        "/v1/deals/d3/confirmation-letters", data={"text": COMPLETE}, headers=auth(acme.keys["r1"])
    )
    assert r.status_code == 404
    # globex has its own d3: a letter there is invisible to acme and does not open acme's gate
    r = client.post(
        "/v1/deals/d3/confirmation-letters", data={"text": COMPLETE}, headers=auth(globex.keys["admin"])
    )
    assert r.status_code == 201
    mine = client.get("/v1/deals/d3/confirmation-letters", headers=auth(acme.keys["r3"])).json()
    assert mine["letters"] == [] and mine["gate"]["open"] is False
    assert (
        client.patch("/v1/deals/d3", json={"stage": "negotiation"}, headers=auth(acme.keys["r3"])).status_code
        == 409
    )
