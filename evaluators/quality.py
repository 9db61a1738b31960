"""The interaction-quality rule of FORMAT.md: three checks, high quality when all three pass."""

from __future__ import annotations

from copilot.domain import QualityFeatures, QualityVerdict

MIN_DISCOVERY_QUESTIONS = 3
MIN_PAIN_SECONDS = 120.0


def judge_quality(
    features: QualityFeatures,
    *,
    min_questions: int = MIN_DISCOVERY_QUESTIONS,
    min_pain_seconds: float = MIN_PAIN_SECONDS,
) -> QualityVerdict:
    """Apply the thresholds to measured features; `high_quality` needs all three checks."""
    discovery = len(features.discovery_questions) >= min_questions
    pain = features.pain_seconds >= min_pain_seconds
    next_step = features.next_step is not None
    return QualityVerdict(
        discovery_3plus=discovery,
        pain_2min=pain,
        next_step=next_step,
        high_quality=discovery and pain and next_step,
    )
