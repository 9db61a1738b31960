"""Search with an OpenAI-compatible embeddings endpoint, over real HTTP to the scripted server."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from api.runtime import build_runtime
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.search.service import SearchFilter
from evaluators.scripted_openai import ScriptedOpenAI
from retrieval.embedders import build_embedder
from tests.conftest import NOW, load_fixture, make_org


def test_embedder_calls_the_endpoint(openai_server: ScriptedOpenAI) -> None:
    e = build_embedder("openai", base_url=openai_server.url, model="emb", api_key="k", dim=16)
    vectors = e.embed_documents(["分三期付款", "installment payment"])
    assert vectors.shape == (2, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert e.embed_query("付款").shape == (16,)
    sent = [r for r in openai_server.requests if r["_path"] == "/v1/embeddings"]
    assert sent[0]["input"] == ["分三期付款", "installment payment"] and sent[0]["model"] == "emb"


def test_service_search_through_the_endpoint(tmp_path: Path, openai_server: ScriptedOpenAI) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        embedders=["openai"],
        llm_base_url=openai_server.url,
        embedding_model="emb",
        embedding_dim=16,
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    assert runtime.search.reindex(org.id) > 0
    from copilot.access import AccessRole, Principal

    admin = Principal(org_id=org.id, org_slug="acme", role=AccessRole.ADMIN, key_id=0)
    exact = "上门谈付款方式，客户希望分三期。"  # the fake server's vectors are equal for equal texts
    hits = runtime.search.search(admin, exact, SearchFilter(), 3)
    assert hits and hits[0].record_id == "a1"
    runtime.close()
