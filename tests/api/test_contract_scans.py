"""A scanned contract (no text layer) is read with the offline OCR and gives the same fields as its
text version; the stored document says it was read by OCR."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.store.models import Document
from tests.api.test_contracts_api import upload
from tests.conftest import Org, auth
from tests.contracts.builders import ZH_CONTRACT, contract_pdf, embedded_cjk_font, image_only_pdf


def scanned_copy(pdf: bytes, scale: float = 2.5) -> bytes:
    """Each page rendered to an image and saved as an image-only PDF, as a scanner would."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        pages = [page.render(scale=scale).to_pil().convert("L").convert("RGB") for page in doc]
    finally:
        doc.close()
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=72 * scale)
    return out.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(value.split())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_a_scanned_contract_reads_like_its_text_version(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    text_pdf = contract_pdf(
        ZH_CONTRACT, header="合同编号：TEST-001", lines_per_page=30, font=embedded_cjk_font()
    )
    scan = scanned_copy(text_pdf)
    key = acme.keys["admin"]
    original = upload(client, key, text_pdf, "contract.pdf")
    assert original.status_code == 201, original.text
    scanned = upload(client, key, scan, "scan.pdf")
    assert scanned.status_code == 201, scanned.text
    want, got = _plain(original.json()["fields"]), _plain(scanned.json()["fields"])
    # OCR loses the space in "第四条 验收"; every field reads the same otherwise
    assert got == want, {k: (want[k], got[k]) for k in want if want[k] != got[k]}
    assert any("read by OCR" in w for w in scanned.json()["warnings"])
    with runtime.sessions() as s:
        sources = sorted(d.source or "" for d in s.query(Document).filter(Document.kind == "contract"))
    assert sources == ["pdf", "scanned_pdf"]


def test_a_scan_with_no_readable_text_is_refused_clearly(client: TestClient, acme: Org) -> None:
    r = upload(client, acme.keys["admin"], image_only_pdf(), "blank.pdf")
    assert r.status_code == 422 and "OCR" in r.json()["detail"]
    assert client.get("/v1/deals/d1/contract-diff", headers=auth(acme.keys["admin"])).status_code == 404
