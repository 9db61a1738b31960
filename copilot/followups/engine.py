"""The engine interface every extractor implements: the offline rules, the LLM, and test fakes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from copilot.domain import CustomerContext, FollowUpFields, Interaction, QualityFeatures, QualityVerdict


class FollowUpEngine(Protocol):
    """Reads one interaction into the five fields, quality features and signals."""

    name: str
    version: str

    def extract_followup(self, interaction: Interaction, customer: CustomerContext) -> FollowUpFields:
        """Extract; values without evidence in the input are None."""
        ...


QualityJudge = Callable[[QualityFeatures], QualityVerdict]
