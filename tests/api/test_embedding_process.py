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


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [int(pool["num_threads"]) for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_child_process_runs_blas_on_one_thread() -> None:
    """OpenBLAS's idle threads busy-wait after each call: in a child they took the cores from the
    other model's next query (e5's search embedding p50 29 ms instead of 10 beside USE's child)."""
    process = EmbeddingProcess()
    try:
        threads = process.pool.submit(_blas_threads).result()
        assert threads, "numpy's BLAS is not visible in the child"
        assert set(threads) == {1}
    finally:
        process.close()
