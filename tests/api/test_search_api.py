"""Search over HTTP: new follow-ups become searchable, reindex from the database, scope and isolation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.search.service import BackendHit, SearchFilter
from tests.conftest import Org, auth, ingest_dictation

NOTE = "客户说仓库的冷链温控经常报警 想看看我们的温湿度监控方案 下周二上门演示"


def test_a_new_followup_is_searchable(client: TestClient, acme: Org, runtime: Runtime) -> None:
    fu = ingest_dictation(client, acme.keys["r1"], "c1", NOTE)
    runtime.search_backend.flush()
    r = client.get("/v1/search", params={"q": "冷链温控报警"}, headers=auth(acme.keys["r1"]))
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits[0]["record_id"] == fu
    assert (
        hits[0]["customer_id"] == "c1" and hits[0]["record_type"] == "activity" and hits[0]["kind"] == "note"
    )
    metrics = runtime.search_backend.metrics()
    assert metrics is not None and metrics.indexed == 1 and metrics.failed == 0
    assert client.get("/healthz").json() == {
        "status": "ok",
        "index": {
            "pending": 0,
            "searchable": 0,
            "indexed": 0,
            "failed": 0,
            "total": 0,
            "complete": True,
            "dropped": 0,
        },
    }
    assert r.json()["index_complete"] is True and "indexing" not in r.json()


def test_reindex_covers_imported_records_and_filters_apply(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    assert runtime.search.reindex(acme.id) > 0
    admin = auth(acme.keys["admin"])
    hits = client.get("/v1/search", params={"q": "付款方式 分三期"}, headers=admin).json()["hits"]
    assert {h["record_id"] for h in hits[:3]} & {"a1", "doc1"}
    only_c3 = client.get(
        "/v1/search", params={"q": "付款方式 分三期", "customer_id": "c3"}, headers=admin
    ).json()
    assert all(h["customer_id"] == "c3" for h in only_c3["hits"])
    docs = client.get(
        "/v1/search", params={"q": "确认函", "kind": "document:confirmation_letter"}, headers=admin
    )
    assert [h["record_id"] for h in docs.json()["hits"]] == ["doc1"]
    assert docs.json()["hits"][0]["record_type"] == "document"


def test_search_never_crosses_organizations_or_scope(
    client: TestClient, acme: Org, globex: Org, runtime: Runtime
) -> None:
    secret = ingest_dictation(
        client, acme.keys["admin"], "c3", "粤海物流的黄总透露他们明年要上自动化立体仓库"
    )
    ingest_dictation(client, globex.keys["admin"], "c1", "和立体仓库无关的一条记录：只谈了售后服务")
    runtime.search_backend.flush()
    for key in (globex.keys["admin"], globex.keys["integration"]):
        hits = client.get("/v1/search", params={"q": "自动化立体仓库"}, headers=auth(key)).json()["hits"]
        assert secret not in {h["record_id"] for h in hits}
    # r1 does not own c3: the note is invisible to them, and filtering on c3 is a 404
    r1 = auth(acme.keys["r1"])
    assert secret not in {
        h["record_id"]
        for h in client.get("/v1/search", params={"q": "自动化立体仓库"}, headers=r1).json()["hits"]
    }
    assert client.get("/v1/search", params={"q": "仓库", "customer_id": "c3"}, headers=r1).status_code == 404
    r3 = auth(acme.keys["r3"])
    assert (
        client.get("/v1/search", params={"q": "自动化立体仓库"}, headers=r3).json()["hits"][0]["record_id"]
        == secret
    )


def test_bad_queries(client: TestClient, acme: Org) -> None:
    key = auth(acme.keys["admin"])
    assert client.get("/v1/search", params={"q": ""}, headers=key).status_code == 422
    assert client.get("/v1/search", params={"q": "   "}, headers=key).status_code == 422
    assert client.get("/v1/search", params={"q": "x" * 501}, headers=key).status_code == 422
    assert client.get("/v1/search", params={"q": "合同", "limit": 0}, headers=key).status_code == 422
    assert client.get("/v1/search", params={"q": "合同"}).status_code == 401


def test_a_full_index_queue_never_fails_ingestion(client: TestClient, acme: Org, runtime: Runtime) -> None:
    import threading

    from retrieval.queue import IndexQueue

    backend = runtime.search_backend
    gate = threading.Event()
    # a stalled indexer behind a one-slot queue: the first record is taken, the second waits
    stalled = IndexQueue(lambda records: gate.wait(10), maxsize=1, batch_size=1)
    real_queue = backend._queue
    backend._queue = stalled  # type: ignore[attr-defined]
    try:
        ids = [ingest_dictation(client, acme.keys["r1"], "c1", f"{NOTE} 第{i}次") for i in range(4)]
        for fu in ids:  # every follow-up was stored and extracted
            r = client.get(f"/v1/followups/{fu}", headers=auth(acme.keys["r1"]))
            assert r.status_code == 200 and r.json()["status"] == "extracted"
        metrics = stalled.metrics
        assert metrics.dropped >= 2 and metrics.queued + metrics.dropped == 4
        health = client.get("/healthz").json()
        assert health["status"] == "degraded" and health["index"]["dropped"] == metrics.dropped
    finally:
        gate.set()
        stalled.close()
        backend._queue = real_queue  # type: ignore[attr-defined]
    # a reindex from the database makes the dropped ones searchable
    runtime.search.reindex(acme.id)
    r = client.get("/v1/search", params={"q": "冷链温控报警", "limit": 10}, headers=auth(acme.keys["r1"]))
    assert set(ids) <= {h["record_id"] for h in r.json()["hits"]}


def test_time_filters_without_an_offset_mean_the_teams_time_zone(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    assert str(runtime.settings.tz) == "Asia/Shanghai"
    r = client.post(
        "/v1/followups",
        headers=auth(acme.keys["admin"]),
        json={
            "customer_id": "c1",
            "reference_time": "2026-05-12T01:30:00+08:00",  # 2026-05-11 17:30 UTC
            "input": {"kind": "dictation", "text": NOTE},
        },
    )
    assert r.status_code == 201, r.text
    fu = r.json()["id"]
    runtime.search_backend.flush()
    key = auth(acme.keys["admin"])

    def found(**params: str) -> bool:
        got = client.get("/v1/search", params={"q": "冷链温控报警", **params}, headers=key)
        assert got.status_code == 200, got.text
        return fu in {h["record_id"] for h in got.json()["hits"]}

    # 2026-05-12 00:00 in Shanghai is before the note; read as UTC it would be after it
    assert found(since="2026-05-12T00:00:00")
    assert not found(since="2026-05-12T00:00:00+00:00")
    assert not found(until="2026-05-12T00:00:00")
    bad = client.get(
        "/v1/search",
        params={"q": "合同", "since": "2026-05-02T00:00:00", "until": "2026-05-01T00:00:00"},
        headers=key,
    )
    assert bad.status_code == 422 and "is after" in bad.json()["detail"]


def test_a_narrow_time_window_is_searched_by_its_records(
    client: TestClient, acme: Org, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copilot.search.service as search_module

    ids = []
    for when in ("2026-05-12T10:00:00+08:00", "2026-05-20T10:00:00+08:00"):
        r = client.post(
            "/v1/followups",
            headers=auth(acme.keys["admin"]),
            json={"customer_id": "c1", "reference_time": when, "input": {"kind": "dictation", "text": NOTE}},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    runtime.search_backend.flush()
    seen: list[SearchFilter] = []
    real_search = runtime.search.backend.search

    def spy(org_id: int, query: str, filters: SearchFilter, limit: int) -> list[BackendHit]:
        seen.append(filters)
        return real_search(org_id, query, filters, limit)

    monkeypatch.setattr(runtime.search.backend, "search", spy)
    key = auth(acme.keys["admin"])
    window = {"q": "冷链温控报警", "since": "2026-05-12T00:00:00", "until": "2026-05-13T00:00:00"}

    def hit_ids() -> set[str]:
        r = client.get("/v1/search", params=window, headers=key)
        assert r.status_code == 200, r.text
        return {h["record_id"] for h in r.json()["hits"]}

    narrow = hit_ids()
    assert ids[0] in narrow and ids[1] not in narrow
    assert (
        seen[-1].record_ids is not None
        and ids[0] in seen[-1].record_ids
        and ids[1] not in seen[-1].record_ids
    )
    monkeypatch.setattr(search_module, "NARROW_WINDOW_RECORDS", 0)  # now every window is "broad"
    assert hit_ids() == narrow and seen[-1].record_ids is None
    # a window holding no record answers at once, without a search
    calls = len(seen)
    monkeypatch.setattr(search_module, "NARROW_WINDOW_RECORDS", 1000)
    window.update(since="2020-01-01T00:00:00", until="2020-01-02T00:00:00")
    assert hit_ids() == set() and len(seen) == calls


def _queue_all(runtime: Runtime, org: Org) -> int:
    """What `copilot import` does after storing rows: queue the org's records for indexing."""
    from copilot.search import indexing

    with runtime.sessions.begin() as session:
        ids = list(indexing.fingerprints(session, org.id))
        return indexing.queue(session, org.id, ids, runtime.clock.now())


def test_search_answers_while_indexing_and_says_so_then_the_service_drains(
    runtime: Runtime, acme: Org, globex: Org
) -> None:
    import time

    from api.app import create_app

    queued = _queue_all(runtime, acme)
    assert queued == 3  # the small pipeline: two activities and a document
    admin = auth(acme.keys["admin"])
    # no lifespan yet (no `with`): nothing drains, the work stays queued
    idle = TestClient(create_app(runtime))
    r = idle.get("/v1/search", params={"q": "付款方式 分三期"}, headers=admin)
    assert r.status_code == 200 and r.json()["hits"] == []
    assert r.json()["index_complete"] is False
    assert r.json()["indexing"] == {"done": 0, "total": 3, "pending": 3}
    # another organization's search is not told about acme's work
    other = idle.get("/v1/search", params={"q": "付款"}, headers=auth(globex.keys["admin"])).json()
    assert other["index_complete"] is True and "indexing" not in other
    health = idle.get("/healthz").json()
    assert health["index"]["pending"] == 3 and health["index"]["complete"] is False
    # the served app's background indexer takes the lock and drains the queue
    with TestClient(create_app(runtime)) as client:
        deadline = time.monotonic() + 30
        while client.get("/healthz").json()["index"]["pending"] and time.monotonic() < deadline:
            time.sleep(0.05)
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and health["index"]["complete"] is True
        r = client.get("/v1/search", params={"q": "付款方式 分三期"}, headers=admin).json()
        assert r["index_complete"] is True and {h["record_id"] for h in r["hits"][:3]} & {"a1", "doc1"}
        # globex's records were never queued: not indexed, so never in its answers nor acme's
        g = client.get("/v1/search", params={"q": "付款方式"}, headers=auth(globex.keys["admin"])).json()
        assert g["hits"] == []
        # while the service holds the index, nobody else may write it
        assert runtime.search_backend.lock_path.exists()
    assert not runtime.search_backend.indexer_elsewhere()


def test_a_failing_batch_is_retried_then_reported_failed(runtime: Runtime, acme: Org) -> None:
    from copilot.search import indexing

    _queue_all(runtime, acme)

    def broken(org_id: int, docs: object, removed: object) -> int:
        raise RuntimeError("embedder down")

    real = runtime.search_backend.index_now
    runtime.search_backend.index_now = broken  # type: ignore[method-assign]
    try:
        for _ in range(indexing.MAX_ATTEMPTS):
            runtime.search.drain()
    finally:
        runtime.search_backend.index_now = real  # type: ignore[method-assign]
    state = runtime.search.index_status(acme.id)
    assert state.failed == 3 and state.pending == 0 and state.complete
    with runtime.sessions.begin() as session:
        assert indexing.retry_failed(session, acme.id) == 3
    assert runtime.search.drain() == 3
    assert runtime.search.index_status(acme.id).as_dict() == {
        "pending": 0,
        "searchable": 0,
        "indexed": 0,
        "failed": 0,
        "total": 0,
        "complete": True,
    }
