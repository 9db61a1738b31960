"""Segment a contract's text into numbered clauses: 第X章/第X条, 一、/（一）, Article N, 1. / 1.1 / (a)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.contracts.pdf import ContractDocument
from copilot.nlp.numerals import parse_int

_CN = "零〇一二两三四五六七八九十百"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

# (style, pattern); the number is group 1, the rest of the paragraph group 2. Order matters.
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第\s*([{_CN}\d]+)\s*[章编編]\s*(.*)")),
    ("article_zh", re.compile(rf"第\s*([{_CN}\d]+)\s*[条條]\s*(.*)")),
    (
        "annex",
        re.compile(
            r"((?:附件|附表|附录)\s*[一二三四五六七八九十\d]*|(?i:schedule|exhibit|annex|appendix)"
            r"\s+[A-Z\d]+)\s*[:：\-–—]?\s*(.{0,40})$"
        ),
    ),
    (
        "signature",
        re.compile(
            r"((?:甲方|乙方|买方|卖方|需方|供方)\s*[（(]\s*(?:盖章|签章|签字|公章)[^）)]*[）)])(.*)"
            r"|(IN WITNESS WHEREOF|(?:BUYER|SELLER|CUSTOMER|SUPPLIER|VENDOR|PARTY A)\s*:)(.*)"
        ),
    ),
    ("article_en", re.compile(r"(?i:article)\s+([\dIVXLC]+)\b[.:\s\-–—]*(.*)")),
    ("section_en", re.compile(r"(?i:section)\s+(\d+(?:\.\d+)*)\b[.:\s\-–—]*(.*)")),
    ("zh_enum", re.compile(r"([一二三四五六七八九十]+)\s*[、．.]\s*(.*)")),
    ("dotted", re.compile(r"(\d{1,2}(?:\.\d{1,2})+)\.?(?:\s+|(?=[\u4e00-\u9fff]))(.*)")),
    ("num", re.compile(r"(\d{1,2})\s*[.．、](?!\d)\s*(.*)")),
    ("paren_cn", re.compile(r"[（(]([一二三四五六七八九十]+)[)）]\s*(.*)")),
    ("paren_num", re.compile(r"[（(](\d{1,2})[)）]\s*(.*)")),
    ("paren_alpha", re.compile(r"[（(]([a-z])[)）]\s*(.*)")),
)
# Lists that also occur as plain enumerations: they count as headings only when their numbers run on.
_SEQUENTIAL = frozenset({"zh_enum", "num", "paren_cn", "paren_num", "paren_alpha"})
_TOP = frozenset({"chapter", "annex", "signature"})
_LABEL_RE = re.compile(r"([^，。；：:,.;]{2,10})[：:]")
_EN_TITLE_RE = re.compile(
    r"((?:[A-Z][\w'’&/-]*|and|or|of|for|to|the|in|on)(?:\s+(?:[A-Z][\w'’&/-]*|and|or|of|for"
    r"|to|the|in|on)){0,7})\.\s"
)


@dataclass(frozen=True)
class Clause:
    """One numbered clause: its heading, its text (with sub-clauses) and where it lies."""

    number: str
    title: str
    text: str
    level: int  # 0 preamble, 1 chapter/annex/signature, deeper for articles and sub-clauses
    start: int
    end: int
    pages: tuple[int, ...]
    parent: int | None = None  # index of the enclosing clause in the segmentation
    style: str = ""

    @property
    def heading(self) -> str:
        """Number and title as printed (`第三条 交货`, `4.1`)."""
        return f"{self.number} {self.title}".strip()


def _ordinal(style: str, number: str) -> int | None:
    if style == "paren_alpha":
        return ord(number) - ord("a") + 1
    if style == "article_en" and not number.isdigit():
        values = [_ROMAN.get(ch, 0) for ch in number.upper()]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return parse_int(number.split(".")[-1])


def _title(style: str, rest: str) -> str:
    """The clause's own title: a short heading line, a `交货期限：` label, or an English run-in heading."""
    rest = rest.strip()
    if not rest:
        return ""
    han = len(re.findall(r"[\u4e00-\u9fff]", rest))
    if han and len(rest) <= 20 and not re.search(r"[，。；,;]", rest):
        return rest
    if not han and len(rest.split()) <= 8 and not re.search(r"[.;:,]\s|[.;]$", rest):
        return rest
    if han and (m := _LABEL_RE.match(rest)) and style not in _TOP:
        return m.group(1).strip()
    if not han and (m := _EN_TITLE_RE.match(rest + " ")) and len(m.group(1).split()) <= 8:
        return m.group(1)
    return ""


def _heading(paragraph: str) -> tuple[str, str, str, str] | None:
    """(style, number, marker as printed, rest) when the paragraph starts a clause."""
    for style, pattern in _STYLES:
        m = pattern.match(paragraph)
        if m:
            rest_group = max(i for i, g in enumerate(m.groups(), 1) if g is not None)
            number = next(g for g in m.groups() if g is not None)
            marker = paragraph[: m.start(rest_group)].strip().rstrip("、．.:：-–— ").strip()
            return style, number.strip(), marker or number.strip(), m.group(rest_group)
    return None


def segment(document: ContractDocument) -> list[Clause]:
    """Every clause of the document in reading order; a clause's text runs to its next sibling."""
    text = document.text
    found: list[tuple[int, str, str, str, int]] = []  # start, style, number, title, level
    stack: list[str] = []
    last_seen: dict[str, int] = {}
    nested_next: dict[str, int] = {}  # a plain list restarted at 1 inside a clause: its next number
    offset = 0
    for paragraph in text.split("\n"):
        start = offset
        offset += len(paragraph) + 1
        head = _heading(paragraph.strip())
        if head is None:
            continue
        style, number, marker, rest = head
        ordinal = _ordinal(style, number)
        if style in _SEQUENTIAL and style in stack and ordinal is not None:
            if ordinal == 1 or nested_next.get(style) == ordinal:
                nested_next[style] = ordinal + 1
                continue  # an enumeration inside a clause, not the next clause
            if ordinal != last_seen.get(style, 0) + 1:
                continue
        if style in _SEQUENTIAL and style not in stack and ordinal not in (1, None):
            continue
        if style in _TOP:
            stack = [style]
        elif style in stack:
            del stack[stack.index(style) + 1 :]
        else:
            stack.append(style)
        # A style's numbering restarts when an enclosing clause changes.
        for other in list(last_seen):
            if other not in stack:
                del last_seen[other]
        last_seen[style] = ordinal or 0
        nested_next.clear()
        level = 1 if style in _TOP else len(stack) + (0 if stack and stack[0] in _TOP else 1)
        found.append((start, style, marker, _title(style, rest), level))
    clauses: list[Clause] = []
    if not found or found[0][0] > 0:
        end = found[0][0] if found else len(text)
        clauses.append(_clause(document, "", "", 0, 0, end, None, "preamble"))
    parents: list[int] = []
    for i, (start, style, number, title, level) in enumerate(found):
        end = len(text)
        for later in found[i + 1 :]:
            if later[4] <= level:
                end = later[0]
                break
        while parents and clauses[parents[-1]].level >= level:
            parents.pop()
        parent = parents[-1] if parents else None
        clauses.append(_clause(document, number, title, level, start, end, parent, style))
        parents.append(len(clauses) - 1)
    return clauses


def _clause(
    document: ContractDocument,
    number: str,
    title: str,
    level: int,
    start: int,
    end: int,
    parent: int | None,
    style: str,
) -> Clause:
    raw = document.text[start:end]
    end = start + len(raw.rstrip())
    return Clause(
        number,
        title,
        document.text[start:end],
        level,
        start,
        end,
        document.pages_for(start, end),
        parent,
        style,
    )


def children(clauses: list[Clause], index: int) -> list[int]:
    """Indexes of the clauses directly inside clause `index`."""
    return [i for i, c in enumerate(clauses) if c.parent == index]


def leaves(clauses: list[Clause]) -> list[int]:
    """Indexes of clauses with no sub-clauses: the smallest units a value is read from."""
    parents = {c.parent for c in clauses if c.parent is not None}
    return [i for i in range(len(clauses)) if i not in parents]


def titles(clauses: list[Clause], index: int) -> list[str]:
    """The clause's own title, then its ancestors' titles (`第五条` under `第三章 验收` -> ["", "验收"])."""
    out: list[str] = []
    i: int | None = index
    while i is not None:
        out.append(clauses[i].title)
        i = clauses[i].parent
    return out
