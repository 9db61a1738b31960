"""Offline contract extraction speed: seconds per page on given PDFs and on a generated 50-page contract.

Usage: python -m benchmarks.contracts [--dir /path/to/pdfs] [--pages 50]
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from copilot.contracts.fields import OfflineContractExtractor
from copilot.contracts.pdf import read_pdf


def generated_contract(pages: int) -> bytes:
    """A long Chinese contract made with reportlab (CID font STSong-Light), about `pages` pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    body = [
        "甲方（买方）：基准测试采购有限公司",
        "乙方（卖方）：基准测试供应有限公司",
        "第一条 合同价款 本合同价税合计为人民币壹佰万元整（¥1,000,000.00）。",
        "第二条 交货 乙方应于合同签订之日起30个工作日内交货。",
        "第三条 付款方式 合同签订后支付30%，验收合格后支付60%，余款10%于质保期满后支付。",
    ]
    filler = (
        "乙方应按照技术协议的要求组织生产、检验和包装，并在发货前通知甲方；双方应各自指定项目联系人，"
        "及时沟通履约过程中的问题，任何一方变更联系人应书面通知对方。"
    )
    n = 4
    while len(body) < pages * 21 // 2:
        body.append(f"第{n}条 其他约定 " + filler * 2)
        n += 1
    body.append("第九十九条 争议解决 协商不成的，提交上海仲裁委员会仲裁。")
    body.append("签订日期：2026年6月1日")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4)
    doc.build([Paragraph(p, style) for p in body])
    return buf.getvalue()


def time_one(data: bytes | Path) -> tuple[int, float]:
    """(pages, seconds) to read and extract one PDF."""
    started = time.perf_counter()
    document = read_pdf(data, max_pages=1000)
    OfflineContractExtractor().extract(document)
    return document.page_count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, help="folder of contract PDFs to time")
    parser.add_argument("--pages", type=int, default=50, help="length of the generated contract")
    args = parser.parse_args()
    rows: list[tuple[str, int, float]] = []
    if args.dir:
        for path in sorted(args.dir.glob("*.pdf")):
            pages, seconds = time_one(path)
            rows.append((path.name, pages, seconds))
    pages, seconds = time_one(generated_contract(args.pages))
    rows.append((f"generated ({args.pages} pages requested)", pages, seconds))
    width = max(len(r[0]) for r in rows)
    print(f"{'file':<{width}}  pages  seconds  s/page")
    for name, pages, seconds in rows:
        print(f"{name:<{width}}  {pages:>5}  {seconds:>7.3f}  {seconds / max(pages, 1):>6.3f}")
    total_pages = sum(r[1] for r in rows)
    total_seconds = sum(r[2] for r in rows)
    per_page = total_seconds / max(total_pages, 1)
    print(f"{'total':<{width}}  {total_pages:>5}  {total_seconds:>7.3f}  {per_page:>6.3f}")


if __name__ == "__main__":
    main()
