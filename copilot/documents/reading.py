"""Bytes of an uploaded document -> its text: a PDF's text layer, or OCR of a scan or a photo."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from copilot.contracts.errors import NeedsOcr, NotAPdf, PdfTooLarge
from copilot.contracts.pdf import read_pdf
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


def _scanned_pdf(data: bytes, ocr: OcrEngine, max_pages: int) -> ReadDocument:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise BadImage(f"the scanned PDF could not be rendered ({exc}); export it again") from exc
    try:
        if len(pdf) > max_pages:
            raise InputTooLarge(f"the PDF has {len(pdf)} pages; the limit is {max_pages}")
        images = [page.render(scale=RENDER_SCALE).to_pil().convert("RGB") for page in pdf]
    finally:
        pdf.close()
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
