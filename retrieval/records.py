"""Plain value types the retrieval package exchanges with its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from copilot.search import SearchDoc

# What the domain says is searchable is what gets indexed: one type, defined where it is decided.
IndexRecord = SearchDoc


@dataclass(frozen=True)
class Chunk:
    """A piece of one record's text, the unit that is embedded and stored."""

    chunk_id: str
    record: IndexRecord
    seq: int
    text: str


@dataclass(frozen=True)
class SearchFilters:
    """Optional narrowing of a search; the organization is NOT here: it is a required argument."""

    customer_id: str | None = None
    deal_id: str | None = None
    rep_id: str | None = None
    kinds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    # only these records (e.g. the ones a narrow time window holds, looked up in the database):
    # the store then fetches their chunks and scores them exactly
    record_ids: frozenset[str] | None = None

    def matches(self, meta: dict[str, object]) -> bool:
        """Whether a stored chunk's metadata passes every filter (used where Chroma's `where` is not)."""
        if self.record_ids is not None and meta.get("record_id") not in self.record_ids:
            return False
        for key in ("customer_id", "deal_id", "rep_id"):
            want = getattr(self, key)
            if want is not None and meta.get(key) != want:
                return False
        if self.kinds and meta.get("kind") not in self.kinds:
            return False
        at = meta.get("at")
        if not isinstance(at, int):
            return self.since is None and self.until is None
        if self.since is not None and at < int(self.since.timestamp()):
            return False
        return not (self.until is not None and at > int(self.until.timestamp()))


@dataclass(frozen=True)
class SearchHit:
    """One matching record, best chunk first; `sources` names the rankers that found it."""

    record_id: str
    score: float
    text: str
    meta: dict[str, object] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
