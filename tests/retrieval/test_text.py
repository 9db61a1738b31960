"""Chunking long text and BM25 tokens of mixed Chinese/English."""

from __future__ import annotations

from retrieval.bm25 import BM25Index
from retrieval.chunking import chunk_text, text_units
from retrieval.fusion import weighted_rrf
from retrieval.tokenize import bm25_tokens, cjk_share


def test_short_text_is_one_chunk() -> None:
    assert chunk_text("  电话沟通：确认需求。 ") == ["电话沟通：确认需求。"]
    assert chunk_text("   ") == []


def test_long_chinese_text_splits_at_sentences_with_overlap() -> None:
    sentences = [f"第{i}句讲的是付款方式和交付周期的安排细节。" for i in range(40)]
    chunks = chunk_text("".join(sentences), max_units=100)
    assert len(chunks) > 3
    assert all(text_units(c) <= 100 for c in chunks)
    assert all(c.endswith("。") for c in chunks)
    # each chunk starts with the previous chunk's last sentence
    assert chunks[1].startswith(chunks[0].split("。")[-2])


def test_long_english_and_unpunctuated_text() -> None:
    text = " ".join(f"Sentence {i} talks about the delivery schedule." for i in range(60))
    chunks = chunk_text(text, max_units=50)
    assert len(chunks) > 5 and all(text_units(c) <= 50 for c in chunks)
    blob = "无标点" * 200
    pieces = chunk_text(blob, max_units=120)
    assert "".join(pieces) == blob and all(len(p) <= 120 for p in pieces)


def test_bm25_tokens_mix_jieba_words_and_english_stems() -> None:
    tokens = bm25_tokens("客户要求违约金条款 and Payment Terms for PLC")
    assert "违约金" in tokens and "条款" in tokens
    assert {"payment", "term", "plc"} <= set(tokens)
    assert "and" not in tokens and "的" not in bm25_tokens("客户的合同")
    assert cjk_share("hello") == 0.0 and cjk_share("你好") == 1.0


def test_bm25_ranks_matching_chunk_first_and_filters() -> None:
    index = BM25Index()
    index.add(
        [
            ("a#0", "讨论付款方式和账期", {"customer_id": "c1"}),
            ("b#0", "确认交付时间安排", {"customer_id": "c2"}),
            ("c#0", "付款条款是底线", {"customer_id": "c2"}),
        ]
    )
    assert index.search("付款", 5)[0][0] in {"a#0", "c#0"}
    assert [cid for cid, _ in index.search("付款", 5, accept=lambda m: m["customer_id"] == "c2")] == ["c#0"]
    index.remove(["c#0"])
    assert [cid for cid, _ in index.search("付款", 5)] == ["a#0"]


def test_weighted_rrf_orders_by_fused_votes() -> None:
    fused = weighted_rrf({"v": ["a", "b", "c"], "l": ["c", "b"]}, {"v": 1.0, "l": 1.0}, k=1)
    # c: 1/4 + 1/2, b: 1/3 + 1/3, a: 1/2
    assert [f.key for f in fused] == ["c", "b", "a"]
    assert fused[0].sources == ("v", "l")
    only_vector = weighted_rrf({"v": ["a", "b"], "l": ["b"]}, {"v": 1.0, "l": 0.0}, k=1)
    assert [f.key for f in only_vector] == ["a", "b"]
