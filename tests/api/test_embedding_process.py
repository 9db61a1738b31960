"""Embedding in a child process gives the same vectors as in-process embedding."""

from __future__ import annotations

import numpy as np

from api.embedding_process import EmbeddingProcess, ProcessEmbedder
from retrieval.embedders import build_embedder


def test_child_process_embedder_matches_in_process() -> None:
    process = EmbeddingProcess()
    try:
        remote = ProcessEmbedder(process, "hashing")
        local = build_embedder("hashing")
        assert (remote.name, remote.dim) == (local.name, local.dim)
        texts = ["客户要求分三期付款", "the customer asked for a discount"]
        assert np.allclose(remote.embed_documents(texts), local.embed_documents(texts))
        assert np.allclose(remote.embed_query("分期"), local.embed_query("分期"))
    finally:
        process.close()
