"""Bytes of an uploaded document -> its text: a PDF's text layer, or OCR of a scan or a photo."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from copilot.contracts.errors import NeedsOcr, NotAPdf, PdfTooLarge
from copilot.contracts.pdf import ContractDocument, Line, build_document, read_pdf
from copilot.documents.ocr import BadImage, OcrEngine, image_kind, ocr_images, open_image
from copilot.errors import InputTooLarge, InvalidInput

# Scanned pages are rendered at this scale (72 dpi x 2.5 = 180 dpi): enough for OCR of body text.
RENDER_SCALE = 2.5


class UnsupportedDocument(InvalidInput):
    status = 415
    code = "unsupported_document"


@dataclass(frozen=True)
class ReadDocument:
    text: str
    source: str  # pdf, scanned_pdf or image
    content_type: str
    pages: int
    reading: dict[str, Any] = field(default_factory=dict)  # OCR engine, seconds, confidence


def read_document(data: bytes, ocr: OcrEngine | None, *, max_bytes: int, max_pages: int) -> ReadDocument:
    """The text of a PDF, JPEG or PNG; scans and photos are read by `ocr` (None: refused)."""
    if not data:
        raise InvalidInput("the uploaded file is empty")
    if len(data) > max_bytes:
        raise InputTooLarge(f"the file is {len(data):,} bytes; the limit is {max_bytes:,}")
    kind = image_kind(data)
    if kind is not None:
        image = open_image(data)
        result = ocr_images(_require(ocr), [image])
        return ReadDocument(
            result.text,
            "image",
            kind[1],
            1,
            {
                "engine": result.engine,
                "seconds": result.seconds,
                "lines": result.lines,
                "mean_confidence": result.mean_confidence,
                "width": image.width,
                "height": image.height,
            },
        )
    if b"%PDF-" not in data[:1024]:
        raise UnsupportedDocument("the file is not a PDF, JPEG or PNG; send the letter as one of those")
    try:
        document = read_pdf(data, max_pages=max_pages, max_bytes=max_bytes)
    except NeedsOcr:
        return _scanned_pdf(data, _require(ocr), max_pages)
    except (NotAPdf, PdfTooLarge):
        raise
    return ReadDocument(document.text, "pdf", "application/pdf", document.page_count)


def _require(ocr: OcrEngine | None) -> OcrEngine:
    if ocr is None:
        raise UnsupportedDocument("this deployment has no OCR engine, so scans and photos cannot be read")
    return ocr


def read_contract_pdf(
    data: bytes, *, ocr: OcrEngine | None, max_pages: int, max_bytes: int, name: str | None
) -> ContractDocument:
    """A contract PDF's text layer; a scan (no text layer) is read page by page with OCR, its lines
    kept with their extents so that wrapped clauses join up as in a text PDF."""
    try:
        return read_pdf(data, max_pages=max_pages, max_bytes=max_bytes, name=name)
    except NeedsOcr:
        if ocr is None:
            raise
    started = time.perf_counter()
    pages: list[list[Line]] = []
    confidences: list[float] = []
    for image in _render(data, max_pages):
        lines = ocr.read(image)
        confidences.extend(ln.confidence for ln in lines)
        pages.append([_ocr_line(ln.text, ln.left, ln.right) for ln in lines if ln.text.strip()])
    if not any(pages):
        raise InvalidInput("no text could be read from the scanned PDF, even with OCR; send a clearer scan")
    seconds = round(time.perf_counter() - started, 3)
    mean = round(sum(confidences) / len(confidences), 3) if confidences else 0.0
    note = f"read by OCR ({ocr.name}): {len(confidences)} lines, mean confidence {mean:.2f}"
    document = build_document(pages, source=name, warnings=[note])
    reading = {"engine": ocr.name, "seconds": seconds, "lines": len(confidences), "mean_confidence": mean}
    return replace(document, reading=reading)


def _ocr_line(text: str, left: float, right: float) -> Line:
    text = text.strip()
    width = max(right - left, 0.0)
    cjk = bool(text) and ord(text[0]) > 0x2E80
    first = 1 if cjk else len(text.split(" ")[0]) + 1
    return Line(text, left, right if right > left else 0.0, width * first / max(len(text), 1))


def _render(data: bytes, max_pages: int) -> list[Any]:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise BadImage(f"the scanned PDF could not be rendered ({exc}); export it again") from exc
    try:
        if len(pdf) > max_pages:
            raise InputTooLarge(f"the PDF has {len(pdf)} pages; the limit is {max_pages}")
        return [page.render(scale=RENDER_SCALE).to_pil().convert("RGB") for page in pdf]
    finally:
        pdf.close()


def _scanned_pdf(data: bytes, ocr: OcrEngine, max_pages: int) -> ReadDocument:
    images = _render(data, max_pages)
    result = ocr_images(ocr, images)
    if not result.text.strip():
        raise InvalidInput("no text could be read from the scanned PDF, even with OCR; send a clearer scan")
    return ReadDocument(
        result.text,
        "scanned_pdf",
        "application/pdf",
        len(images),
        {
            "engine": result.engine,
            "seconds": result.seconds,
            "lines": result.lines,
            "mean_confidence": result.mean_confidence,
        },
    )
