"""Photos and scans of confirmation letters, drawn with the CJK font the dev dependencies install."""

from __future__ import annotations

import io
from pathlib import Path

import paperang_p2_fonts_cjk
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"

LETTER_LINES = (
    "客户确认函",
    "致：华东精密设备有限公司",
    "一、付款方式：合同签订后7日内预付30%，验收合格后支付60%，余款10%质保期满后支付。",
    "二、交付周期：合同签订后45个工作日内交货。",
    "三、验收标准：按技术协议验收，连续72小时试运行无故障视为合格。",
    "（盖章）2026年5月15日",
)


def letter_photo(
    lines: tuple[str, ...] = LETTER_LINES, *, angle: float = 1.5, blur: float = 1.0, fmt: str = "JPEG"
) -> bytes:
    """A photo-like image of a letter: black text on white, slightly rotated and blurred."""
    font = ImageFont.truetype(str(FONT), 28)
    image = Image.new("RGB", (1240, 120 + 60 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((40, 40 + 60 * n), line, fill="black", font=font)
    image = image.rotate(angle, expand=True, fillcolor="white").filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return out.getvalue()


def scanned_pdf(lines: tuple[str, ...] = LETTER_LINES) -> bytes:
    """A PDF holding only an image of the letter (no text layer), as a scanner makes it."""
    image = Image.open(io.BytesIO(letter_photo(lines, angle=0.5, blur=0.6)))
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=150)
    return out.getvalue()
