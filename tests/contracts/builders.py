"""Small contract PDFs built with reportlab: running header, page-number footer, wrapped paragraphs."""

from __future__ import annotations

import io
import struct
import zlib

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

LEFT, RIGHT, TOP, BOTTOM = 72.0, A4[0] - 72.0, A4[1] - 90.0, 90.0
SIZE, LEADING = 10.5, 16.0


def _wrap(text: str, font: str) -> list[str]:
    """Greedy wrap to the text width: by character for Chinese, by word for English."""
    width = RIGHT - LEFT
    cjk = any(ord(ch) > 0x2E80 for ch in text)
    tokens = list(text) if cjk else text.split(" ")
    lines: list[str] = []
    current = ""
    for tok in tokens:
        candidate = current + tok if cjk or not current else f"{current} {tok}"
        if current and pdfmetrics.stringWidth(candidate, font, SIZE) > width:
            lines.append(current)
            current = tok
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def embedded_cjk_font() -> str:
    """A CJK TrueType font embedded in the PDF (drawn glyphs render anywhere, e.g. to scan them)."""
    from pathlib import Path

    import paperang_p2_fonts_cjk
    from reportlab.pdfbase.ttfonts import TTFont

    name = "WQYMicroHei"
    if name not in pdfmetrics.getRegisteredFontNames():
        path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name


def contract_pdf(paragraphs: list[str], *, header: str = "", zh: bool = True,
                 lines_per_page: int | None = None, encrypt: str | None = None,
                 font: str | None = None) -> bytes:  # fmt: skip
    """A PDF of `paragraphs` with a header on every page and `第 N 页 共 M 页` / `Page N of M` footers."""
    font = font or (CJK_FONT if zh else "Helvetica")
    lines: list[str] = []
    for p in paragraphs:
        lines.extend(_wrap(p, font) if p else [])
    per_page = lines_per_page or int((TOP - BOTTOM) // LEADING)
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for n, page in enumerate(pages, 1):
        c.setFont(font, 9)
        if header:
            c.drawRightString(RIGHT, A4[1] - 50, header)
        footer = f"第 {n} 页 共 {len(pages)} 页" if zh else f"Page {n} of {len(pages)}"
        c.drawCentredString(A4[0] / 2, 50, footer)
        c.setFont(font, SIZE)
        y = TOP
        for line in page:
            c.drawString(LEFT, y, line)
            y -= LEADING
        c.showPage()
    c.save()
    return buf.getvalue()


def tiny_png() -> bytes:
    """A 2x2 grey PNG, written by hand so the test needs no image files."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def image_only_pdf() -> bytes:
    """A scanned-looking PDF: one page with an image and no text layer."""
    from reportlab.lib.utils import ImageReader

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(tiny_png())), 72, 300, width=400, height=400)
    c.showPage()
    c.save()
    return buf.getvalue()


ZH_CONTRACT = [
    "设备采购合同",
    "甲方（买方）：南京远景精工有限公司",
    "乙方（卖方）：无锡启明传感技术有限公司",
    "甲乙双方经友好协商，就甲方采购传感器设备事宜订立本合同。",
    "第一条 合同价款",
    "本合同价税合计为人民币捌拾陆万肆仟元整（¥864,000.00），含13%增值税。",
    "第二条 交货",
    "2.1 乙方应在发货前2日书面通知甲方。",
    "2.2 交货期限：乙方应于收到甲方预付款之日起6周（42日）内将全部设备运抵甲方指定地点，"
    "运输、装卸及保险费用均由乙方承担，设备毁损灭失的风险自甲方签收时转移至甲方，"
    "乙方应随货提供装箱单、合格证、使用说明书及出厂检验报告等全部技术资料。",
    "第三条 付款方式",
    "3.1 合同签订后5个工作日内，甲方支付合同总价的30%作为预付款；",
    "3.2 设备验收合格后，甲方支付合同总价的百分之六十；",
    "3.3 余款作为质保金，于质保期满后支付。",
    "第四条 验收",
    "设备到货后，甲方应在7个工作日内依据技术规格书组织验收，连续运行48小时无故障视为合格。",
    "第五条 质量保证",
    "设备质保期为一年，自验收合格之日起计算。",
    "第六条 违约责任",
    "乙方逾期交货的，每逾期一日，按合同总价的万分之五支付违约金，违约金累计不超过合同总价的百分之五。",
    "第七条 免责",
    "因不可抗力导致不能履行的，受影响方不承担责任；任何一方不对间接损失承担责任。",
    "第八条 合同解除",
    "乙方逾期交货超过20日的，甲方有权解除本合同。",
    "第九条 争议解决",
    "因本合同引起的争议，双方协商不成的，提交南京仲裁委员会仲裁。",
    "第十条 合同期限",
    "本合同自双方签字盖章之日起生效，有效期两年。",
    "甲方（盖章）：南京远景精工有限公司 乙方（盖章）：无锡启明传感技术有限公司",
    "签订日期：2026年4月8日",
]

EN_CONTRACT = [
    "SUPPLY AGREEMENT",
    'This Supply Agreement is entered into on March 2, 2026 (the "Effective Date") by and between '
    'Harbor Foods Co., a California corporation ("Customer"), and Redwood Packaging, Inc., a Delaware '
    'corporation ("Supplier").',
    "1. Price",
    "1.1 The total contract price is USD 52,500.00, exclusive of sales tax.",
    "2. Payment",
    "2.1 Customer shall pay 40% within ten (10) days of signing; 60% upon delivery.",
    "3. Delivery",
    "3.1 Supplier shall deliver the Goods within twenty (20) calendar days after the Effective Date.",
    "4. Inspection and Acceptance",
    "4.1 Customer shall inspect the Goods within five (5) business days after delivery and may reject "
    "Goods that do not meet the Specifications in Exhibit A.",
    "5. Warranty",
    "5.1 Supplier warrants the Goods for a period of eighteen (18) months from delivery.",
    "6. Late Delivery",
    "6.1 For each day of delay Supplier shall pay liquidated damages of 0.5% of the contract price, "
    "not to exceed 10% of the contract price.",
    "7. Limitation of Liability",
    "7.1 In no event shall either party be liable for indirect or consequential damages.",
    "8. Term and Termination",
    "8.1 This Agreement has an initial term of two (2) years from the Effective Date.",
    "8.2 Either party may terminate this Agreement for convenience upon sixty (60) days' prior "
    "written notice.",
    "9. Governing Law",
    "9.1 This Agreement is governed by the laws of the State of California. The parties submit to the "
    "exclusive jurisdiction of the state and federal courts located in San Francisco County, California.",
]


def winansi(text: str) -> str:
    """Text the standard PDF fonts can draw (Windows-1252); anything else becomes `?`."""
    return text.encode("cp1252", "replace").decode("cp1252")


def english_pdf(text: str, *, header: str = "", lines_per_page: int | None = None) -> bytes:
    """A Helvetica PDF of a plain-text contract: one paragraph per line, wrapped to the page."""
    paragraphs = [winansi(p) for p in text.splitlines() if p.strip()]
    return contract_pdf(paragraphs, header=header, zh=False, lines_per_page=lines_per_page)
