"""PDF reading: running lines removed, wrapped clauses rejoined across pages, bad files rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.contracts.errors import CorruptPdf, EncryptedPdf, NeedsOcr, NotAPdf, PdfTooLarge
from copilot.contracts.pdf import ContractDocument, read_pdf
from copilot.errors import InputTooLarge, InvalidInput
from tests.contracts.builders import ZH_CONTRACT, contract_pdf, image_only_pdf, tiny_png


def test_headers_footers_and_page_numbers_are_removed(zh_doc: ContractDocument) -> None:
    assert zh_doc.page_count >= 2
    assert "合同编号：TEST-001" not in zh_doc.text
    assert "第 1 页" not in zh_doc.text and "共" not in zh_doc.text.split("\n")[-1]
    assert zh_doc.pages[0].number == 1


def test_clause_spanning_a_page_break_is_one_paragraph(zh_doc: ContractDocument) -> None:
    para = next(p for p in zh_doc.text.split("\n") if p.startswith("2.2 交货期限"))
    assert para.endswith("出厂检验报告等全部技术资料。")
    start = zh_doc.text.index(para)
    assert len(zh_doc.pages_for(start, start + len(para))) == 2


def test_english_page_footer_removed(en_doc: ContractDocument) -> None:
    assert "Page 1 of" not in en_doc.text and "Contract No. T-1" not in en_doc.text
    assert en_doc.lang == "en"


def test_reads_from_path(tmp_path: Path, zh_pdf: bytes) -> None:
    path = tmp_path / "c.pdf"
    path.write_bytes(zh_pdf)
    assert read_pdf(path).source == "c.pdf"


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedPdf, match="password"):
        read_pdf(contract_pdf(["甲方：某公司"], encrypt="secret"))


def test_image_only_pdf_needs_ocr() -> None:
    with pytest.raises(NeedsOcr, match="OCR"):
        read_pdf(image_only_pdf())


def test_truncated_pdf(zh_pdf: bytes) -> None:
    with pytest.raises(CorruptPdf, match="damaged or truncated"):
        read_pdf(zh_pdf[: len(zh_pdf) // 3])


@pytest.mark.parametrize(
    ("data", "hint"),
    [(tiny_png(), "PNG"), (b"PK\x03\x04rest", "Word"), ("合同正文".encode(), "not a PDF"), (b"", "empty")],
)
def test_not_a_pdf(data: bytes, hint: str) -> None:
    with pytest.raises(NotAPdf, match=hint) as info:
        read_pdf(data)
    assert isinstance(info.value, InvalidInput) and info.value.status == 422


def test_page_limit(zh_pdf: bytes) -> None:
    with pytest.raises(PdfTooLarge, match="pages") as info:
        read_pdf(zh_pdf, max_pages=1)
    assert isinstance(info.value, InputTooLarge) and info.value.status == 413


def test_byte_limit(tmp_path: Path, zh_pdf: bytes) -> None:
    with pytest.raises(PdfTooLarge, match="bytes"):
        read_pdf(zh_pdf, max_bytes=1000)
    path = tmp_path / "big.pdf"
    path.write_bytes(zh_pdf)
    with pytest.raises(PdfTooLarge):
        read_pdf(path, max_bytes=1000)


def test_from_text_keeps_lines_as_paragraphs() -> None:
    doc = ContractDocument.from_text("第一条 标的\n内容", "第二条 价款")
    assert doc.page_count == 2 and doc.page_at(doc.text.index("第二条")) == 2
    assert ZH_CONTRACT  # the builder's contract is importable for other tests
