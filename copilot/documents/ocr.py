"""Offline OCR for photos and scans, and the checks an uploaded image passes first.

The default engine is RapidOCR (PaddleOCR's PP-OCRv4 Chinese/English models, shipped inside the
`rapidocr-onnxruntime` wheel): nothing is downloaded. It loads on first use, once per process.
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from copilot.errors import InputTooLarge, InvalidInput

if TYPE_CHECKING:
    from PIL.Image import Image

# A 48-megapixel phone photo is about 8000 x 6000; more is a decompression bomb, not a letter.
MAX_PIXELS = 50_000_000
# OCR reads text best when the long side is about this size; bigger photos are scaled down first.
OCR_LONG_SIDE = 2000


class BadImage(InvalidInput):
    """An uploaded image that cannot be decoded (truncated, corrupt, not what it claims to be)."""

    code = "bad_image"


class ImageTooLarge(InputTooLarge):
    code = "image_too_large"


@dataclass(frozen=True)
class OcrLine:
    text: str
    confidence: float
    top: float  # the line's vertical position, for reading order
    left: float
    right: float = 0.0  # where the line ends (0: unknown), for unwrapping paragraphs


class OcrEngine(Protocol):
    """Reads the lines of text in an image: RapidOCR, or a fake in tests."""

    name: str

    def read(self, image: Image) -> list[OcrLine]:
        """The text lines in reading order (top to bottom, left to right)."""
        ...


IMAGE_KINDS = {b"\xff\xd8\xff": ("JPEG", "image/jpeg"), b"\x89PNG\r\n\x1a\n": ("PNG", "image/png")}


def image_kind(data: bytes) -> tuple[str, str] | None:
    """("JPEG", "image/jpeg") or ("PNG", "image/png") from the file's first bytes; None otherwise."""
    for magic, kind in IMAGE_KINDS.items():
        if data.startswith(magic):
            return kind
    return None


def open_image(data: bytes) -> Image:
    """Decode a JPEG or PNG fully, upright (EXIF orientation applied) and in RGB; clear errors otherwise."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    kind = image_kind(data)
    if kind is None:
        raise BadImage("the file is not a JPEG or PNG image")
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageTooLarge(
                    f"the image is {width}x{height} pixels; the limit is {MAX_PIXELS:,} pixels: "
                    "send a smaller photo"
                )
            probe.verify()  # structure and checksums, without decoding the pixels
        decoded = PILImage.open(io.BytesIO(data))
        decoded.load()  # decodes every pixel: a truncated file fails here
        image: Image = ImageOps.exif_transpose(decoded) or decoded
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        raise BadImage(
            f"the {kind[0]} image could not be read ({type(exc).__name__}): it may be damaged or "
            "truncated; take the photo again or export it anew"
        ) from exc
    if image.width < 16 or image.height < 16:
        raise BadImage(f"the image is only {image.width}x{image.height} pixels; no text can be read from it")
    return image.convert("RGB")


def _scaled(image: Image) -> Image:
    long_side = max(image.size)
    if long_side <= OCR_LONG_SIDE:
        return image
    ratio = OCR_LONG_SIDE / long_side
    return image.resize((round(image.width * ratio), round(image.height * ratio)))


class RapidOcr:
    """PP-OCRv4 through onnxruntime; the model loads on first use and is shared by threads."""

    name = "rapidocr-onnxruntime/PP-OCRv4"

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR

            self._engine = RapidOCR()
        return self._engine

    def read(self, image: Image) -> list[OcrLine]:
        import numpy as np

        pixels = np.asarray(_scaled(image))[:, :, ::-1]  # RGB -> BGR, as OpenCV-based models expect
        with self._lock:  # onnxruntime sessions use every core already; one image at a time
            result, _ = self._load()(pixels)
        lines = [
            OcrLine(
                text=str(text),
                confidence=float(score),
                top=min(p[1] for p in box),
                left=min(p[0] for p in box),
                right=max(p[0] for p in box),
            )
            for box, text, score in (result or [])
        ]
        return sorted(lines, key=lambda ln: (round(ln.top / 12), ln.left))


@dataclass(frozen=True)
class OcrResult:
    text: str
    lines: int
    mean_confidence: float
    seconds: float
    engine: str


def ocr_images(engine: OcrEngine, images: list[Image]) -> OcrResult:
    """Read every image (page) in order; the text keeps one line per OCR line, pages apart."""
    started = time.perf_counter()
    pages: list[str] = []
    confidences: list[float] = []
    for image in images:
        lines = engine.read(image)
        pages.append("\n".join(ln.text for ln in lines))
        confidences.extend(ln.confidence for ln in lines)
    text = "\n\n".join(p for p in pages if p.strip())
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(
        text, len(confidences), round(mean, 3), round(time.perf_counter() - started, 3), engine.name
    )
