"""Ranking within each script: a ranker named in `SearchConfig.script_interleave` has its Chinese
and its Latin-script candidates take turns, so notes in the query's own language cannot bury the
answers written in the other one."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedders import HashingEmbedder
from retrieval.search import SearchConfig, SearchEngine
from retrieval.store import ChromaStore, make_client
from retrieval.table import OrgTable
from tests.retrieval.conftest import record

ENGLISH = {
    "e1": "deposit invoice sent to finance",
    "e2": "deposit invoice paid by the customer",
    "e3": "deposit invoice lost in the mail",
}
CHINESE = {"z1": "客户说定金已经到账了，请财务查收 deposit", "z2": "客户要求把定金比例降到百分之二十"}


def _engine(tmp_path: Path, interleave: bool) -> SearchEngine:
    client = make_client(path=tmp_path / ("on" if interleave else "off"))
    store = ChromaStore(client, HashingEmbedder(dim=128))
    rankers = frozenset({"hashing"}) if interleave else frozenset()
    engine = SearchEngine(store, SearchConfig(fusion="rrf", concept_weight=0.0, script_interleave=rankers))
    engine.index([record(1, rid, text) for rid, text in {**ENGLISH, **CHINESE}.items()])
    return engine


def test_each_script_keeps_its_order_and_the_two_take_turns(tmp_path: Path) -> None:
    engine = _engine(tmp_path, interleave=True)
    best = {rid: f"{rid}#0" for rid in (*ENGLISH, *CHINESE)}
    turns = engine._interleave_scripts(1, ["e1", "e2", "z1", "e3", "z2"], best)
    assert turns == ["e1", "z1", "e2", "z2", "e3"]
    # the script of the top record goes first
    assert engine._interleave_scripts(1, ["z2", "z1", "e3", "e1"], best) == ["z2", "e3", "z1", "e1"]
    # one script only: nothing to interleave
    assert engine._interleave_scripts(1, ["e3", "e1", "e2"], best) == ["e3", "e1", "e2"]


def test_an_answer_in_the_other_script_is_not_buried(tmp_path: Path) -> None:
    query = "deposit invoice"
    plain = [h.record_id for h in _engine(tmp_path, interleave=False).search(1, query)]
    mixed = [h.record_id for h in _engine(tmp_path, interleave=True).search(1, query)]
    # the lexical ranker puts the Chinese note that says 'deposit' once below every English note
    assert plain.index("z1") > plain.index("e3")
    assert mixed.index("z1") == 1
    assert set(mixed) == set(plain)


def test_the_script_is_stored_with_each_chunk_and_held_in_the_table(tmp_path: Path) -> None:
    engine = _engine(tmp_path, interleave=True)
    table = engine.table(1, wait=True)
    assert table is not None
    assert table.chinese("z1#0") is True and table.chinese("e1#0") is False
    assert engine._chinese(1, ["z2#0", "e2#0"]) == {"z2#0": True, "e2#0": False}


def test_chunks_stored_without_a_script_are_read_from_their_text(tmp_path: Path) -> None:
    table = OrgTable()
    table.put([("old#0", {"record_id": "old", "kind": "note"}), ("new#0", {"record_id": "new", "cjk": 1})])
    assert table.chinese("old#0") is None  # an index written before chunks recorded their script
    assert table.chinese("new#0") is True
    assert table.chinese("unknown#0") is None
    engine = _engine(tmp_path, interleave=True)
    engine._tables[1] = table  # a table without the script of the stored chunks
    assert engine._chinese(1, ["e1#0", "z1#0"]) == {"e1#0": False, "z1#0": True}
