"""The vector store against a real Chroma server over HTTP (`COPILOT_CHROMA_URL`), not the embedded client.

One `chroma run` serves the whole session; each test writes to collections of its own (a unique
store prefix), or, for the service, clears the default-prefix collections first.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, build_runtime
from api.search_backend import RetrievalBackend
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.errors import ServiceUnavailable
from copilot.search.service import SearchFilter
from retrieval.chunking import chunk_record
from retrieval.embedders import HashingEmbedder
from retrieval.records import Chunk, IndexRecord, SearchFilters
from retrieval.search import SearchConfig, SearchEngine
from retrieval.store import ChromaStore, make_client
from tests.chroma_server import chroma_server, free_port
from tests.conftest import NOW, Org, auth, ingest_dictation, load_fixture, make_org
from tests.retrieval.conftest import record


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


def _store(url: str, dim: int = 64, prefix: str | None = None) -> ChromaStore:
    return ChromaStore(make_client(url=url), HashingEmbedder(dim=dim), prefix=prefix or _prefix())


def _prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def _chunks(*records: IndexRecord) -> list[Chunk]:
    return [c for r in records for c in chunk_record(r)]


def _server_collections(url: str) -> set[str]:
    """Collection names as the server lists them over plain HTTP (no Chroma client involved)."""
    path = "/api/v2/tenants/default_tenant/databases/default_database/collections?limit=1000"
    with urllib.request.urlopen(url + path, timeout=5) as response:
        return {c["name"] for c in json.load(response)}


# ---- the client and the store ---------------------------------------------------------------


def test_make_client_with_a_url_is_an_http_client_of_that_server(chroma_url: str, tmp_path: Path) -> None:
    client = make_client(path=tmp_path / "unused", url=chroma_url)  # the url wins over the path
    assert client.get_settings().chroma_api_impl == "chromadb.api.fastapi.FastAPI"
    assert client.heartbeat() > 0
    name = f"{_prefix()}-probe"
    client.create_collection(name)
    # it lives in the server, not in this process
    assert name in _server_collections(chroma_url)
    assert not (tmp_path / "unused").exists()
    client.delete_collection(name)


def test_store_keeps_orgs_apart_and_applies_filters_on_the_server(chroma_url: str) -> None:
    store = _store(chroma_url)
    org1 = [
        record(
            1, "a1", "客户要求分三期付款", customer_id="c1", kind="call", at=datetime(2026, 4, 1, tzinfo=UTC)
        ),
        record(
            1, "a2", "客户要求分三期付款", customer_id="c2", kind="visit", at=datetime(2026, 5, 1, tzinfo=UTC)
        ),
        record(
            1,
            "a3",
            "违约金条款谈判 分三期付款",
            customer_id="c2",
            kind="call",
            at=datetime(2026, 6, 1, tzinfo=UTC),
        ),
    ]
    org2 = [record(2, "b1", "客户要求分三期付款", customer_id="c2", kind="call")]
    store.upsert(_chunks(*org1))
    store.upsert(_chunks(*org2))
    assert store.collection_name(1) in _server_collections(chroma_url)
    assert (store.count(1), store.count(2)) == (3, 1)

    query = store.embedder.embed_query("分三期付款")
    hits1 = store.query(1, query, 10)
    assert {cid for cid, _, _ in hits1} == {"a1#0", "a2#0", "a3#0"}
    assert all(meta["org_id"] == 1 for _, _, meta in hits1)
    # the server's collection measures cosine distance, as configured over HTTP (its default is l2)
    texts = {f"{r.record_id}#0": r.text for r in org1}
    for cid, distance, _ in hits1:
        expected = 1.0 - float(store.embedder.embed_documents([texts[cid]])[0] @ query)
        assert distance == pytest.approx(expected, abs=1e-4), cid
    assert hits1[-1][0] == "a3#0"
    assert [cid for cid, _, _ in store.query(2, query, 10)] == ["b1#0"]

    def ids(org_id: int, filters: SearchFilters, post_filter: int, exact_cap: int) -> set[str]:
        found = store.query_with_vectors(
            org_id, query, 10, filters, with_vectors=False, post_filter=post_filter, exact_cap=exact_cap
        )
        return {cid.split("#")[0] for cid, _, _, _ in found}

    april15, may15 = datetime(2026, 4, 15, tzinfo=UTC), datetime(2026, 5, 15, tzinfo=UTC)
    # the store's own fast paths (exact scoring, post-filtering) and Chroma's server-side `where`
    for post_filter, exact_cap in ((2, 5000), (0, 0)):
        args = (post_filter, exact_cap)
        assert ids(1, SearchFilters(customer_id="c2"), *args) == {"a2", "a3"}
        assert ids(1, SearchFilters(kinds=("call",)), *args) == {"a1", "a3"}
        assert ids(1, SearchFilters(kinds=("call", "visit")), *args) == {"a1", "a2", "a3"}
        assert ids(1, SearchFilters(since=april15, until=may15), *args) == {"a2"}
        assert ids(1, SearchFilters(since=may15), *args) == {"a3"}
        assert ids(1, SearchFilters(customer_id="c2", kinds=("call",)), *args) == {"a3"}
        assert ids(1, SearchFilters(customer_id="c9"), *args) == set()
        assert ids(2, SearchFilters(customer_id="c2"), *args) == {"b1"}

    # vectors survive the HTTP round trip
    with_vectors = store.query_with_vectors(1, query, 1, SearchFilters(customer_id="c1"))
    assert len(with_vectors) == 1 and with_vectors[0][3] is not None
    np.testing.assert_allclose(
        with_vectors[0][3], store.embedder.embed_documents([org1[0].text])[0], atol=1e-6
    )

    assert store.texts(1, ["a2#0", "b1#0"]) == {"a2#0": "客户要求分三期付款"}
    store.delete_records(1, ["a1"])
    assert (store.count(1), store.count(2)) == (2, 1)
    store.drop_org(1)
    assert store.collection_name(1) not in _server_collections(chroma_url)
    assert store.count(2) == 1 and store.query(1, query, 10) == []


# ---- the search engine ----------------------------------------------------------------------

ORG1 = {
    "cold": "客户仓库的冷链温控经常报警，想看看我们的温湿度监控方案，下周二上门演示",
    "pay": "讨论了合同的付款方式，客户要求分三期付款，财务下周确认",
    "renewal": "The customer asked for a discount on the annual license renewal before signing",
    "scanner": "Site visit: the warehouse manager wants barcode scanners for inbound logistics",
}
ORG2 = {
    "g-cold": "冷链温控报警的问题也出现在这家客户",
    "g-service": "只谈了售后服务和培训安排",
}


def _engine(url: str, prefix: str, fusion: str = "rrf") -> SearchEngine:
    return SearchEngine(_store(url, dim=128, prefix=prefix), SearchConfig(fusion=fusion))


def test_search_engine_over_the_server_finds_records_and_keeps_orgs_apart(chroma_url: str) -> None:
    prefix = _prefix()
    engine = _engine(chroma_url, prefix)
    engine.index([record(1, rid, text) for rid, text in ORG1.items()])
    engine.index([record(2, rid, text) for rid, text in ORG2.items()])

    for query, expected in (
        ("冷链温控报警", "cold"),
        ("分三期付款", "pay"),
        ("license renewal discount", "renewal"),
        ("barcode scanners", "scanner"),
    ):
        hits = engine.search(1, query)
        assert hits and hits[0].record_id == expected, (query, [h.record_id for h in hits])
        assert {h.record_id for h in hits} <= set(ORG1)
    top = engine.search(1, "冷链温控报警")[0]
    assert top.text == ORG1["cold"] and top.meta["org_id"] == 1
    assert "hub" in top.meta  # hubness written back with `update` over HTTP
    assert {h.record_id for h in engine.search(2, "冷链温控报警")} <= set(ORG2)

    # rebuilding org 2 replaces only org 2
    store = engine.stores[0]
    before = store.count(1)
    engine.reindex(2, [record(2, "g-new", "新客户询问冷链温控方案")])
    assert store.count(1) == before and store.count(2) == 1
    assert [h.record_id for h in engine.search(2, "冷链温控")] == ["g-new"]
    assert engine.search(1, "冷链温控报警")[0].record_id == "cold"

    # a fresh client (a restarted service) finds what the server kept; BM25 is rebuilt from it
    restarted = _engine(chroma_url, prefix, fusion="bm25")
    assert restarted.search(1, "分三期付款")[0].record_id == "pay"
    assert [h.record_id for h in restarted.search(2, "冷链温控")] == ["g-new"]

    store.drop_org(1)
    assert engine.search(1, "冷链温控报警") == []
    assert [h.record_id for h in restarted.search(2, "冷链温控")] == ["g-new"]
    assert [h.record_id for h in engine.search(2, "冷链温控")] == ["g-new"]


# ---- the service ----------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path, chroma_url: str) -> Settings:
    """The shared settings fixture (tests/conftest.py), pointed at the server."""
    client = make_client(url=chroma_url)
    for name in _server_collections(chroma_url):
        if name.startswith("copilot-"):  # the service's default prefix: left by an earlier test
            client.delete_collection(name)
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        max_input_chars=5000,
        embedders=["hashing"],
        chroma_url=chroma_url,
    )


def _hit_ids(client: TestClient, key: str, **params: str) -> list[str]:
    r = client.get("/v1/search", params=params, headers=auth(key))
    assert r.status_code == 200, r.text
    return [h["record_id"] for h in r.json()["hits"]]


def test_service_indexes_and_searches_through_the_server(
    client: TestClient, runtime: Runtime, acme: Org, globex: Org, settings: Settings
) -> None:
    secret = ingest_dictation(
        client, acme.keys["admin"], "c3", "粤海物流的黄总透露他们明年要上自动化立体仓库"
    )
    other = ingest_dictation(client, globex.keys["admin"], "c1", "和立体仓库无关的一条记录：只谈了售后服务")
    runtime.search_backend.flush()
    metrics = runtime.search_backend.metrics()
    assert metrics is not None and (metrics.indexed, metrics.failed) == (2, 0)

    # the vectors went to the server, not to an embedded store under data_dir
    assert f"copilot-org{acme.id}-hashing-256" in _server_collections(settings.chroma_url or "")
    assert not (settings.data_dir / "chroma").exists()

    assert _hit_ids(client, acme.keys["admin"], q="自动化立体仓库")[0] == secret
    for key in (globex.keys["admin"], globex.keys["integration"]):
        found = _hit_ids(client, key, q="自动化立体仓库")
        assert secret not in found and set(found) <= {other}
    assert secret not in _hit_ids(client, acme.keys["r1"], q="自动化立体仓库")  # r1 does not own c3

    # imported records, after a reindex from the database; filters apply
    assert runtime.search.reindex(acme.id) > 0
    admin = acme.keys["admin"]
    assert {"a1", "doc1"} & set(_hit_ids(client, admin, q="付款方式 分三期")[:3])
    assert _hit_ids(client, admin, q="确认函", kind="document:confirmation_letter") == ["doc1"]
    r = client.get("/v1/search", params={"q": "付款方式 分三期", "customer_id": "c3"}, headers=auth(admin))
    assert r.status_code == 200 and r.json()["hits"]
    assert all(h["customer_id"] == "c3" for h in r.json()["hits"])
    # the reindex kept globex's index
    assert _hit_ids(client, globex.keys["admin"], q="售后服务")[0] == other


# ---- misconfiguration -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://:8000", "127.0.0.1:8000", "localhost:8000"])
def test_a_url_without_a_host_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="has no host"):
        make_client(url=url)


def test_an_unreachable_server_is_named_in_the_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(
        ValueError, match=rf"Chroma server at {url} \(COPILOT_CHROMA_URL\): Could not connect"
    ):
        make_client(url=url)

    # the service starts, and takes follow-ups, without the server; a search reports it
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        embedders=["hashing"],
        chroma_url=url,
    )
    rt = build_runtime(settings, clock=FixedClock(NOW))
    try:
        org = make_org(rt, "acme", load_fixture("pipeline", "small.json"))
        with pytest.raises(ServiceUnavailable, match=rf"Chroma server at {url}"):
            rt.search_backend.search(org.id, "付款", SearchFilter(), 10)
        with TestClient(create_app(rt), raise_server_exceptions=False) as client:
            r = client.get("/v1/search", params={"q": "付款"}, headers=auth(org.keys["admin"]))
            assert r.status_code == 503
            assert r.json()["error"] == "service_unavailable"
            assert url in r.json()["detail"]
            # ingestion does not depend on the index: the follow-up is stored and readable
            fu_id = ingest_dictation(client, org.keys["admin"], "c3", "客户要求下周二前发正式报价")
            r = client.get(f"/v1/followups/{fu_id}", headers=auth(org.keys["admin"]))
            assert r.status_code == 200 and r.json()["status"] == "extracted"
    finally:
        rt.close()


def test_a_server_that_is_not_chroma_is_named_in_the_error() -> None:
    # e.g. the URL names the copilot service's own port: Chroma passes on the whole 404 page
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(
            ValueError, match=rf"Chroma server at {url} \(COPILOT_CHROMA_URL\): .*501"
        ) as raised:
            make_client(url=url)
        assert "\n" not in str(raised.value) and len(str(raised.value)) < 300
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_backend_connects_once_the_server_is_up(tmp_path: Path) -> None:
    port = free_port()
    backend = RetrievalBackend(tmp_path / "unused", f"http://127.0.0.1:{port}", ["hashing"], in_process=True)
    doc = record(1, "n1", "客户要求分三期付款")
    try:
        with pytest.raises(ServiceUnavailable, match="Could not connect"):
            backend.search(1, "分三期付款", SearchFilter(), 5)
        with chroma_server(tmp_path / "late", port=port):
            backend.reindex(1, [doc])
            assert [h.record_id for h in backend.search(1, "分三期付款", SearchFilter(), 5)] == ["n1"]
    finally:
        backend.close()
