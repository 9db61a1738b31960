"""Finding where a field is written: clauses by title and content, sentences inside them, evidence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, Field

from copilot.contracts.clauses import Clause, leaves, segment
from copilot.contracts.pdf import ContractDocument

# Clause titles per field, Chinese and English. Matched against a clause's own title first, then
# against its chapter's title, so `第五条` under `第三章 验收` counts as an acceptance clause.
TITLES: dict[str, re.Pattern[str]] = {
    "contract_amount": re.compile(r"金额|价款|价格|总价|费用|(?i:price|fees|consideration|compensation)"),
    "payment_terms": re.compile(r"付款|支付|结算|(?i:payment|invoic)"),
    "delivery_period": re.compile(
        r"交货|交付|供货|发货|运输|部署|上线|实施|工期|安装|(?i:deliver|shipment|shipping|installation)"
    ),
    "acceptance": re.compile(r"验收|检验|(?i:acceptance|inspection)"),
    "warranty_months": re.compile(r"质保|质量保证|保修|售后|(?i:warrant|guarantee)"),
    "breach_penalty": re.compile(r"违约|罚|(?i:liquidated|late\s+delivery|delay|penalt|breach)"),
    "liability_exclusions": re.compile(
        r"免责|责任限制|责任的限制|不可抗力|(?i:limitation\s+(?:of|on)\s+liability|force\s+majeure|exclusion"
        r"|disclaimer|limitation)"
    ),
    "termination": re.compile(r"解除|终止|(?i:terminat)"),
    "dispute_resolution": re.compile(
        r"争议|纠纷|仲裁|诉讼|管辖|法律适用|适用法律|(?i:dispute|arbitration|jurisdiction|governing\s+law)"
    ),
    "term": re.compile(
        r"(?<!质保)(?<!保修)(?<!保密)(?<!付款)(?<!交货)(?<!交付)期限|有效期|合同期|服务期|(?i:\bterm\b(?!s)|duration)"
    ),
}
_ABBREVIATIONS = "".join(
    rf"(?<!\b{a})"
    for a in (
        "Inc",
        "Ltd",
        "Co",
        "No",
        "Corp",
        r"U\.S",
        r"e\.g",
        r"i\.e",
        "Mr",
        "Ms",
        "Dr",
        "St",
        "vs",
        "Sec",
        "LLC",
        r"L\.L\.C",
    )
)
_SENTENCE_END_RE = re.compile(rf"[。；;！？!?\n]|{_ABBREVIATIONS}\.(?=\s+[A-Z(\"“])")


class Evidence(BaseModel):
    """Where a value was read: the page(s) and the quoted clause text, exactly as extracted."""

    page: int = Field(description="First page of the quoted text (from 1)")
    pages: list[int] = Field(default_factory=list, description="Every page the quote spans")
    quote: str = Field(description="Clause text, verbatim from the extracted document text")
    start: int = Field(ge=0, description="Character offset of the quote in the document text")
    end: int = Field(ge=0)
    clause: str = Field(default="", description="Clause heading, e.g. `第三条 交货` or `4.1`")


@dataclass(frozen=True)
class Span:
    """A piece of the document text: a sentence or a clause."""

    start: int
    end: int
    text: str


class Contract:
    """A document with its clauses, and the look-ups every field rule shares."""

    def __init__(self, document: ContractDocument) -> None:
        self.document = document
        self.text = document.text
        self.clauses = segment(document)
        self.leaf_ids = leaves(self.clauses)
        self.lang = document.lang

    def clause_span(self, index: int) -> Span:
        """The whole text of clause `index`."""
        c = self.clauses[index]
        return Span(c.start, c.end, c.text)

    def titled(self, field: str, *, inherit: bool = True) -> list[int]:
        """Clauses whose own title (or, with `inherit`, an ancestor's) names the field, in reading order."""
        pattern = TITLES[field]
        own = [i for i, c in enumerate(self.clauses) if c.title and pattern.search(c.title)]
        if not inherit:
            return own
        out: list[int] = []
        for i in range(len(self.clauses)):
            j: int | None = i
            while j is not None:
                if j in own:
                    out.append(i)
                    break
                j = self.clauses[j].parent
        return out

    def candidate_leaves(self, field: str) -> list[int]:
        """Leaves under a clause titled for the field first, then every other leaf, each in reading order."""
        titled = set(self.titled(field))
        first = [i for i in self.leaf_ids if i in titled]
        return first + [i for i in self.leaf_ids if i not in titled]

    def sentences(self, index: int) -> Iterator[Span]:
        """The sentences of clause `index` (split at 。；; and at English full stops)."""
        c = self.clauses[index]
        yield from split_sentences(c.text, c.start)

    def reading_order(self, first: list[int]) -> Iterator[tuple[int, Span]]:
        """Sentences of the clauses `first`, then of every other leaf, then of text that lies in no leaf
        (a misread table of contents can swallow the clauses after it), each with its clause index."""
        seen: set[int] = set()
        read: set[int] = set()
        for i in [*first, *self.leaf_ids]:
            if i in seen:
                continue
            seen.add(i)
            for s in self.sentences(i):
                read.add(s.start)
                yield i, s
        for s in split_sentences(self.text):
            if s.start not in read and (leaf := self.leaf_containing(s.start)) is not None:
                yield leaf, s

    def evidence(self, start: int, end: int, clause: int | None = None) -> Evidence:
        """Evidence for the span [start, end) of the document text."""
        quote = self.text[start:end].strip()
        start += len(self.text[start:end]) - len(self.text[start:end].lstrip())
        pages = list(self.document.pages_for(start, start + len(quote)))
        heading = self.clauses[clause].heading if clause is not None else ""
        return Evidence(
            page=pages[0], pages=pages, quote=quote, start=start, end=start + len(quote), clause=heading
        )

    def clause_evidence(self, index: int) -> Evidence:
        """Evidence quoting the whole clause `index`."""
        c = self.clauses[index]
        return self.evidence(c.start, c.end, index)

    def leaf_containing(self, offset: int) -> int | None:
        """The smallest clause whose span holds `offset`."""
        best: int | None = None
        for i, c in enumerate(self.clauses):
            if c.start <= offset < c.end and (
                best is None or c.end - c.start <= self.clauses[best].end - self.clauses[best].start
            ):
                best = i
        return best


def split_sentences(text: str, base: int = 0) -> Iterator[Span]:
    """Sentences of `text` with offsets shifted by `base`; the terminator stays with its sentence."""
    pos = 0
    for m in _SENTENCE_END_RE.finditer(text):
        end = m.end()
        if text[pos:end].strip():
            yield Span(base + pos, base + end, text[pos:end])
        pos = end
    if text[pos:].strip():
        yield Span(base + pos, base + len(text), text[pos:])


def dedupe_nested(ids: list[int], clauses: list[Clause]) -> list[int]:
    """Drop clauses that lie inside another clause of the list (the enclosing one already quotes them)."""
    keep: list[int] = []
    for i in sorted(set(ids), key=lambda k: (clauses[k].start, -clauses[k].end)):
        c = clauses[i]
        if any(clauses[k].start <= c.start and c.end <= clauses[k].end for k in keep):
            continue
        keep.append(i)
    return keep


def searched_for(document: ContractDocument, fields: list[str]) -> dict[str, list[str]]:
    """Where each field was looked for: the headings of the clauses titled for it, or the whole contract
    when no clause is; shown next to a required field the contract does not state."""
    contract = Contract(document)
    zh = contract.lang == "zh"
    out: dict[str, list[str]] = {}
    for field in fields:
        ids = (
            dedupe_nested(contract.titled(field, inherit=False), contract.clauses) if field in TITLES else []
        )
        places = [contract.clauses[i].heading for i in ids[:8] if contract.clauses[i].heading]
        if not places:
            n = len(contract.leaf_ids)
            places.append(
                f"全文（无相应标题的条款，共读 {n} 条）"
                if zh
                else f"the whole contract ({n} clauses; none titled for it)"
            )
        out[field] = places
    return out
