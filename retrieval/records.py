"""Plain value types the retrieval package exchanges with its callers."""

from __future__ import annotations

from dataclasses import dataclass, field

from copilot.search.docs import SearchDoc
from copilot.search.service import SearchFilter

# What the domain says is searchable is what gets indexed, and how a search may be narrowed: one
# type each, defined where it is decided.
IndexRecord = SearchDoc
SearchFilters = SearchFilter


@dataclass(frozen=True)
class Chunk:
    """A piece of one record's text, the unit that is embedded and stored."""

    chunk_id: str
    record: IndexRecord
    seq: int
    text: str


@dataclass(frozen=True)
class SearchHit:
    """One matching record, best chunk first; `sources` names the rankers that found it."""

    record_id: str
    score: float
    text: str
    meta: dict[str, object] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
