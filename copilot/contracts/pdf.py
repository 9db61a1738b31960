"""PDF -> `ContractDocument`: page text with running headers, footers and page numbers removed."""

from __future__ import annotations

import bisect
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.contracts.errors import CorruptPdf, EncryptedPdf, NeedsOcr, NotAPdf, PdfTooLarge

DEFAULT_MAX_PAGES = 200
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

Table = list[list[str | None]]

# Page numbers in the usual Chinese and English forms: 第 1 页 共 3 页, Page 1 of 3, - 2 -, 2/3.
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|(?i:page)\s*\d+(?:\s*(?i:of)\s*\d+)?|[-–—]\s*\d+\s*[-–—]|\d+\s*/\s*\d+|\d{1,4})\s*$"
)
# A paragraph always starts at a clause number or a party label, however the previous line ended.
_NEW_PARAGRAPH_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[条條章节節款部分编]|[一二三四五六七八九十]+[、．.]"
    r"|[（(][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[.．、]?\s|\d+(?:\.\d+)+|[(（][a-zA-Z][)）]"
    r"|(?i:article|section|schedule|exhibit|annex|appendix)\s+[\dIVXA-Z]"
    r"|(?:甲方|乙方|丙方|买方|卖方|需方|供方|地址|住所|电话|法定代表人|签订|签署)"
    r"|(?i:buyer|seller|by|name|title|date)\s*:)"
)
_HEADER_ZONE = 2  # lines at the top and bottom of a page that may be running headers or footers


@dataclass(frozen=True)
class Line:
    """One text line of a page with its horizontal extent (PDF points)."""

    text: str
    x0: float = 0.0
    x1: float = 0.0
    first_word_width: float = 0.0


@dataclass(frozen=True)
class PageText:
    """One page: its cleaned text (lines joined by newlines) and its ruled tables."""

    number: int
    text: str
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class ContractDocument:
    """A contract's text, paragraphs unwrapped across lines and pages, with offsets back to pages."""

    text: str
    pages: tuple[PageText, ...]
    page_starts: tuple[int, ...]  # offset in `text` where each page's content begins
    source: str | None = None
    warnings: tuple[str, ...] = field(default=())
    reading: dict[str, Any] | None = None  # how a scan was read (OCR engine, seconds, confidence)

    @property
    def page_count(self) -> int:
        """Number of pages read."""
        return len(self.pages)

    @property
    def lang(self) -> str:
        """`zh` when Han characters outnumber Latin words, else `en`."""
        han = len(re.findall(r"[\u4e00-\u9fff]", self.text))
        words = len(re.findall(r"[A-Za-z]{2,}", self.text))
        return "zh" if han >= words else "en"

    def page_at(self, offset: int) -> int:
        """The page number (from 1) holding the character at `offset`."""
        if not self.pages:
            return 1
        i = max(0, bisect.bisect_right(self.page_starts, offset) - 1)
        return self.pages[i].number

    def pages_for(self, start: int, end: int) -> tuple[int, ...]:
        """Every page number the span [start, end) touches."""
        first, last = self.page_at(start), self.page_at(max(start, end - 1))
        return tuple(range(first, last + 1))

    @classmethod
    def from_text(cls, *pages: str, source: str | None = None) -> ContractDocument:
        """A document from plain page texts (tests, pasted contracts, other extractors)."""
        return build_document([[Line(t) for t in page.splitlines()] for page in pages], source=source)


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER_RE.match(text))


def _shape(text: str) -> str:
    """A line with its digits blanked, so `第 2 页` and `第 3 页` are the same running line."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def strip_running_lines(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""
    zone_counts: Counter[str] = Counter()
    for lines in pages:
        zone = {*lines[:_HEADER_ZONE], *lines[-_HEADER_ZONE:]}
        zone_counts.update({_shape(line.text) for line in zone if line.text.strip()})
    # A running line repeats on at least two pages and on more than half of them.
    threshold = max(2, len(pages) // 2 + 1)
    repeated = {shape for shape, n in zone_counts.items() if n >= threshold}
    cleaned: list[list[Line]] = []
    for lines in pages:
        keep: list[Line] = []
        n = len(lines)
        for i, line in enumerate(lines):
            in_zone = i < _HEADER_ZONE or i >= n - _HEADER_ZONE
            if not line.text.strip():
                continue
            if in_zone and (_is_page_number(line.text) or _shape(line.text) in repeated):
                continue
            keep.append(line)
        cleaned.append(keep)
    return cleaned


def _margins(pages: Sequence[Sequence[Line]]) -> tuple[float, float]:
    """Where body lines start and where full lines end (percentiles, robust to a few wide table rows)."""
    ends = sorted(line.x1 for lines in pages for line in lines if line.x1 > 0)
    starts = sorted(line.x0 for lines in pages for line in lines if line.x1 > 0)
    if not ends:
        return 0.0, 0.0
    return starts[int(len(starts) * 0.1)], ends[min(len(ends) - 1, int(len(ends) * 0.9))]


def _joiner(prev: str, nxt: str) -> str:
    """How two wrapped pieces join: nothing between CJK text, a space between words."""
    if not prev or not nxt:
        return ""
    a, b = prev[-1], nxt[0]
    if ord(a) > 0x2E80 or ord(b) > 0x2E80:
        return ""
    if a == "-" and b.islower():
        return ""
    return " "


def build_document(
    pages: Sequence[Sequence[Line]],
    *,
    source: str | None = None,
    tables: Sequence[Sequence[Table]] = (),
    warnings: Sequence[str] = (),
) -> ContractDocument:
    """Join page lines into paragraphs; a wrapped line continues its paragraph, even over a page break."""
    cleaned = strip_running_lines(pages)
    margins = _margins(cleaned)
    parts: list[str] = []
    page_starts: list[int] = []
    length = 0
    prev: Line | None = None
    page_texts: list[PageText] = []
    for number, lines in enumerate(cleaned, 1):
        page_starts.append(length)
        for line in lines:
            text = line.text.strip()
            if prev is not None:
                sep = "\n" if _breaks(prev, line, margins) else _joiner(prev.text.strip(), text)
                parts.append(sep)
                length += len(sep)
            if line is lines[0]:
                page_starts[-1] = length
            parts.append(text)
            length += len(text)
            prev = line
        page_tables = tuple(tables[number - 1]) if number - 1 < len(tables) else ()
        page_texts.append(PageText(number, "\n".join(line.text.strip() for line in lines), page_tables))
    return ContractDocument("".join(parts), tuple(page_texts), tuple(page_starts), source, tuple(warnings))


def _breaks(prev: Line, line: Line, margins: tuple[float, float]) -> bool:
    """Whether `line` starts a new paragraph rather than continuing the wrapped `prev`."""
    left, margin = margins
    if _NEW_PARAGRAPH_RE.match(line.text):
        return True
    if margin <= 0 or prev.x1 <= 0:
        return True  # plain text input: every line is its own paragraph
    if prev.x0 - left > 0.25 * (margin - left):
        return True  # a centred title or a right-aligned header line stands alone
    # The previous line was wrapped only if the next line's first word would not have fitted after it.
    room = margin - prev.x1
    return room > max(line.first_word_width, 1.0) + 2.0


def _line_from_plumber(raw: dict[str, Any]) -> Line:
    chars = raw.get("chars") or []
    first_width = 0.0
    if chars:
        start = float(chars[0]["x0"])
        end = float(chars[0]["x1"])
        for ch in chars:
            # pdfplumber adds no space characters: a word ends at a gap or at a real space.
            if str(ch.get("text", "")).isspace() or float(ch["x0"]) - end > 0.1 * float(ch.get("size", 10)):
                break
            end = float(ch["x1"])
            if ord(str(ch.get("text", " "))[0]) > 0x2E80:
                break  # a CJK character is a word on its own for wrapping
        first_width = end - start
    return Line(str(raw["text"]), float(raw["x0"]), float(raw["x1"]), first_width)


def _sniff(data: bytes) -> None:
    """Reject non-PDF bytes early with a message naming what the file looks like."""
    if b"%PDF-" in data[:1024]:
        return
    kinds = {
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"PK\x03\x04": "a Word/Office document or a zip archive",
        b"\xd0\xcf\x11\xe0": "an old Word/Office document",
        b"GIF8": "a GIF image",
        b"II*\x00": "a TIFF image",
        b"MM\x00*": "a TIFF image",
    }
    for magic, kind in kinds.items():
        if data.startswith(magic):
            raise NotAPdf(
                f"the file is {kind}, not a PDF; export or print the contract as PDF and upload that"
            )
    raise NotAPdf("the file is not a PDF; export or print the contract as PDF and upload that")


def read_pdf(
    source: bytes | str | Path,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
) -> ContractDocument:
    """Read a contract PDF (path or bytes) into a `ContractDocument`, within the page and byte limits."""
    import pdfplumber  # imported here: the rest of the product must not pay for it at start-up
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    if isinstance(source, str | Path):
        path = Path(source)
        size = path.stat().st_size
        if size > max_bytes:
            raise PdfTooLarge(
                f"the PDF is {size:,} bytes; the limit is {max_bytes:,}: split it or compress it"
            )
        data = path.read_bytes()
        name = name or path.name
    else:
        data = source
    if len(data) > max_bytes:
        raise PdfTooLarge(
            f"the PDF is {len(data):,} bytes; the limit is {max_bytes:,}: split it or compress it"
        )
    if not data:
        raise NotAPdf("the file is empty; upload the contract PDF")
    _sniff(data)
    try:
        pages, tables, blank, images = _read_pages(pdfplumber.open(io.BytesIO(data)), max_pages)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise EncryptedPdf(
                "the PDF is password-protected; remove the password (print to PDF) and upload it again"
            ) from exc
        raise CorruptPdf(f"the PDF is damaged or truncated ({cause}); export it again") from exc
    except (PDFSyntaxError, PSException, KeyError, ValueError, TypeError, AssertionError) as exc:
        raise CorruptPdf(f"the PDF is damaged or truncated ({type(exc).__name__}); export it again") from exc
    n_pages = len(pages)
    if len(blank) == n_pages:
        hint = "it contains only images (a scan)" if images else "it has no text layer"
        raise NeedsOcr(
            f"no text could be read from the PDF: {hint}; run OCR on it or upload the original PDF"
        )
    warnings = [f"page {n} has no text layer (scanned?) and was skipped" for n in blank]
    return build_document(pages, source=name, tables=tables, warnings=warnings)


def _read_pages(pdf: Any, max_pages: int) -> tuple[list[list[Line]], list[list[Table]], list[int], int]:
    """Lines and ruled tables of every page; pages with no text are listed (with their image count)."""
    with pdf:
        n_pages = len(pdf.pages)
        if n_pages > max_pages:
            raise PdfTooLarge(
                f"the PDF has {n_pages} pages; the limit is {max_pages}: "
                "upload the contract without its long annexes"
            )
        if n_pages == 0:
            raise CorruptPdf("the PDF has no pages; it may be damaged: export it again")
        pages: list[list[Line]] = []
        tables: list[list[Table]] = []
        blank: list[int] = []
        images = 0
        for page in pdf.pages:
            lines = [_line_from_plumber(raw) for raw in page.extract_text_lines()]
            if not any(line.text.strip() for line in lines):
                blank.append(page.page_number)
                images += len(page.images)
            pages.append(lines)
            # Table detection is the slow part; only ruled pages can hold a table pdfplumber finds.
            tables.append(page.extract_tables() if (page.rects or page.lines) else [])
    return pages, tables, blank, images
