"""Suite `followups` of FORMAT.md: one rep interaction -> five fields, quality flags and signals."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from copilot.domain import Channel, CustomerContext, Stage
from copilot.errors import InvalidInput
from copilot.extraction.offline import OfflineEngine
from copilot.followups.engine import FollowUpEngine
from copilot.followups.interactions import build_interaction
from evaluators.quality import judge_quality
from evaluators.suites.base import Case, Prediction, precision_recall_f1

EXACT_FIELDS = ("source_channel", "first_contact_date", "stage", "next_follow_up_date")
QUALITY_FLAGS = ("discovery_3plus", "pain_2min", "next_step", "high_quality")
ZH_SUMMARY_CHARS = 80
EN_SUMMARY_WORDS = 40


def _date(value: Any, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not a YYYY-MM-DD date") from None


def customer_context(case: Case) -> CustomerContext:
    """The CRM's knowledge of the case's customer."""
    raw = case.get("customer") or {}
    if not isinstance(raw, dict):
        raise InvalidInput("'customer' must be an object")
    channel = raw.get("known_source_channel")
    stage = raw.get("current_stage")
    return CustomerContext(
        name=raw.get("name"),
        known_first_contact_date=_date(raw.get("known_first_contact_date"), "known_first_contact_date"),
        known_source_channel=Channel(channel) if channel else None,
        current_stage=Stage(stage) if stage else None,
    )


def summary_covers(summary: str, groups: list[list[str]], lang: str) -> bool:
    """FORMAT.md's summary check: every group has a phrase in it, and the length limit holds."""
    squashed = "".join(summary.split()).lower()
    covered = all(any("".join(p.split()).lower() in squashed for p in group) for group in groups)
    short = len(summary) <= ZH_SUMMARY_CHARS if lang == "zh" else len(summary.split()) <= EN_SUMMARY_WORDS
    return covered and short and bool(summary.strip())


class FollowUpsSuite:
    """Runs an engine and the quality rule on each case; scores exactly as FORMAT.md says."""

    name = "followups"

    def __init__(self, engine: FollowUpEngine | None = None) -> None:
        self.engine: FollowUpEngine = engine or OfflineEngine()

    def predict(self, case: Case) -> dict[str, Any] | None:
        """The predicted object: five fields, quality booleans and the signal list."""
        try:
            reference = datetime.fromisoformat(str(case["reference_time"]))
        except (KeyError, ValueError):
            raise InvalidInput("a followups case needs an ISO 8601 'reference_time'") from None
        interaction = build_interaction(case.get("input") or {}, reference, lang=case.get("lang"))
        fields = self.engine.extract_followup(interaction, customer_context(case))
        verdict = judge_quality(fields.quality)
        return {
            "source_channel": fields.source_channel.value if fields.source_channel else None,
            "first_contact_date": fields.first_contact_date.isoformat()
            if fields.first_contact_date
            else None,
            "stage": fields.stage.value if fields.stage else None,
            "summary": fields.summary,
            "next_follow_up_date": (
                fields.next_follow_up_date.isoformat() if fields.next_follow_up_date else None
            ),
            "quality": {flag: getattr(verdict, flag) for flag in QUALITY_FLAGS},
            "signals": [hit.signal.value for hit in fields.signals],
        }

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """Per-field accuracy, summary coverage, headline, quality accuracy, signal P/R/F1."""
        by_id = {p.get("id"): p.get("predicted") for p in preds}
        n = len(cases)
        right = dict.fromkeys((*EXACT_FIELDS, "summary"), 0)
        flags = dict.fromkeys(QUALITY_FLAGS, 0)
        tp = fp = fn = 0
        for case in cases:
            exp = case["expected"]
            pred = by_id.get(case["id"])
            if not isinstance(pred, dict):
                pred = None
            for key in EXACT_FIELDS:
                if pred is not None and pred.get(key) == exp.get(key):
                    right[key] += 1
            if pred is not None and summary_covers(
                str(pred.get("summary") or ""), exp.get("summary_must_mention", []), case.get("lang", "zh")
            ):
                right["summary"] += 1
            got_quality = (pred or {}).get("quality") or {}
            for flag in QUALITY_FLAGS:
                if pred is not None and got_quality.get(flag) == exp["quality"][flag]:
                    flags[flag] += 1
            want = set(exp.get("signals", []))
            got = set((pred or {}).get("signals") or [])
            tp += len(want & got)
            fp += len(got - want)
            fn += len(want - got)
        scores: dict[str, float] = {}
        for key in (*EXACT_FIELDS, "summary"):
            scores[key] = right[key] / n if n else 0.0
        scores["headline"] = sum(scores[k] for k in (*EXACT_FIELDS, "summary")) / 5
        for flag in QUALITY_FLAGS:
            scores[f"quality_{flag}"] = flags[flag] / n if n else 0.0
        scores["quality"] = sum(flags.values()) / (n * len(QUALITY_FLAGS)) if n else 0.0
        precision, recall, f1 = precision_recall_f1(tp, fp, fn)
        scores["signals_precision"] = precision
        scores["signals_recall"] = recall
        scores["signals_f1"] = f1
        return scores


def diagnose(cases_path: Path) -> dict[str, float]:
    """Predict and score a cases file, printing every disagreement (a development aid)."""
    suite = FollowUpsSuite()
    cases = [json.loads(line) for line in cases_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    preds: list[Prediction] = []
    for case in cases:
        try:
            pred = suite.predict(case)
        except Exception as exc:  # a development aid: show the failure and keep going
            print(f"{case['id']}: ERROR {type(exc).__name__}: {exc}")
            pred = None
        preds.append({"id": case["id"], "predicted": pred})
        if pred is None:
            continue
        exp = case["expected"]
        for key in EXACT_FIELDS:
            if pred[key] != exp[key]:
                print(f"{case['id']} {key}: got {pred[key]} want {exp[key]}")
        if not summary_covers(pred["summary"], exp["summary_must_mention"], case.get("lang", "zh")):
            print(f"{case['id']} summary: {pred['summary']!r} want {exp['summary_must_mention']}")
        for flag in QUALITY_FLAGS:
            if pred["quality"][flag] != exp["quality"][flag]:
                print(f"{case['id']} quality.{flag}: got {pred['quality'][flag]}")
        want, got = set(exp["signals"]), set(pred["signals"])
        if want != got:
            print(f"{case['id']} signals: missing {sorted(want - got)} extra {sorted(got - want)}")
    scores = suite.score(cases, preds)
    for key, value in scores.items():
        print(f"{key:28s} {value:.3f}")
    return scores


if __name__ == "__main__":  # python -m evaluators.suites.followups CASES.jsonl
    diagnose(Path(sys.argv[1]))
