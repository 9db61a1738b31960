"""Builders for retrieval tests: records and an engine over a temporary Chroma directory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from retrieval.embedders import HashingEmbedder
from retrieval.records import IndexRecord
from retrieval.search import SearchConfig, SearchEngine
from retrieval.store import ChromaStore, make_client


def record(org_id: int, record_id: str, text: str, **kw: object) -> IndexRecord:
    fields: dict[str, object] = {
        "kind": "note",
        "customer_id": "c1",
        "deal_id": "d1",
        "rep_id": "r1",
        "at": datetime(2026, 5, 1, tzinfo=UTC),
    }
    fields.update(kw)
    return IndexRecord(org_id=org_id, record_id=record_id, text=text, **fields)  # type: ignore[arg-type]


@pytest.fixture
def engine(tmp_path: Path) -> SearchEngine:
    store = ChromaStore(make_client(path=tmp_path / "chroma"), HashingEmbedder(dim=128))
    return SearchEngine(store, SearchConfig(fusion="rrf"))
