"""The quality rule: thresholds on measured features, high quality only when all three hold."""

from __future__ import annotations

from copilot.domain import Evidence, QualityFeatures
from evaluators.quality import judge_quality

Q = Evidence(0, 1, "x")


def test_all_three_make_high_quality() -> None:
    v = judge_quality(QualityFeatures(discovery_questions=(Q, Q, Q), pain_seconds=120, next_step=Q))
    assert v.discovery_3plus and v.pain_2min and v.next_step and v.high_quality


def test_each_threshold() -> None:
    v = judge_quality(QualityFeatures(discovery_questions=(Q, Q), pain_seconds=119.9, next_step=None))
    assert not (v.discovery_3plus or v.pain_2min or v.next_step or v.high_quality)
    v = judge_quality(QualityFeatures(discovery_questions=(Q, Q, Q), pain_seconds=500, next_step=None))
    assert v.discovery_3plus and v.pain_2min and not v.high_quality


def test_thresholds_are_configurable() -> None:
    f = QualityFeatures(discovery_questions=(Q, Q), pain_seconds=60, next_step=Q)
    assert judge_quality(f, min_questions=2, min_pain_seconds=60).high_quality
