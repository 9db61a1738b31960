"""The deterministic offline engine: lexicon rules over clauses, every value with its evidence."""

from __future__ import annotations

from pathlib import Path

from copilot.domain import (
    Channel,
    CustomerContext,
    Evidence,
    FollowUpFields,
    Interaction,
    QualityFeatures,
    Signal,
    SignalHit,
    Stage,
)
from copilot.extraction.channels import ChannelRules, long_known
from copilot.extraction.dates import DateRules, FindTimes, default_find_times, find_time_hits
from copilot.extraction.lexicon import Lexicon, load_lexicon
from copilot.extraction.quality import QualityRules
from copilot.extraction.signals import SignalRules
from copilot.extraction.stage import StageRules
from copilot.extraction.summary import SummaryInputs, SummaryRules
from copilot.extraction.text import build_doc


class OfflineEngine:
    """Rules and lexicons only: no network, no model; everything is compiled at construction."""

    name = "offline"
    version = "0.1.0"

    def __init__(
        self,
        *,
        extra_lexicon_dir: Path | None = None,
        lexicon: Lexicon | None = None,
        find_times: FindTimes | None = None,
    ) -> None:
        self.lexicon = lexicon or load_lexicon(extra_lexicon_dir)
        self.channels = ChannelRules(self.lexicon)
        self.dates = DateRules(self.lexicon, self.channels.any_cue)
        self.stage = StageRules(self.lexicon)
        self.signals = SignalRules(self.lexicon)
        self.quality = QualityRules(self.lexicon)
        self.summary = SummaryRules(self.lexicon)
        self._find_times = find_times or default_find_times()

    def _times(self) -> FindTimes:
        return self._find_times

    def extract_followup(self, interaction: Interaction, customer: CustomerContext) -> FollowUpFields:
        """Extract the five fields, quality features and signals; nothing without evidence."""
        doc = build_doc(interaction)
        hits = find_time_hits(doc, self._times())
        evidence: dict[str, Evidence] = {}
        provenance: dict[str, str] = {}

        channel_found = self.channels.find(doc)
        source_channel = None
        if channel_found is not None:
            source_channel, evidence["source_channel"] = channel_found
        elif customer.known_source_channel is not None:
            source_channel = customer.known_source_channel
            provenance["source_channel"] = "crm"
        elif long_known(customer, interaction.reference_time):
            source_channel = Channel.EXISTING_CUSTOMER
            provenance["source_channel"] = "crm_history"

        first_contact = None
        stated = self.dates.stated_first_contact(doc, hits)
        now_first = None
        if stated is not None:
            first_contact, evidence["first_contact_date"] = stated.value, stated.evidence
        elif customer.known_first_contact_date is not None:
            first_contact = customer.known_first_contact_date
            provenance["first_contact_date"] = "crm"
        else:
            now_first = self.dates.first_contact_is_now(doc)
            if now_first is not None:
                # the day the interaction began: a chat's first message, else the reference time
                began = interaction.segments[0].at if interaction.segments else None
                first_contact = (began or interaction.reference_time).date()
                evidence["first_contact_date"] = now_first
                provenance["first_contact_date"] = "interaction_date"

        no_follow_up = self.dates.says_no_follow_up(doc)
        follow_up = None if no_follow_up else self.dates.next_follow_up(doc, hits)
        if follow_up is not None:
            evidence["next_follow_up_date"] = follow_up.evidence
        next_step = follow_up.evidence if follow_up is not None else None
        if next_step is None and not no_follow_up:
            next_step = self.dates.untimed_next_step(doc)

        # a customer who told us a problem of theirs and took a next step with us has a need
        need = self.quality.need_stated(doc) if next_step is not None else None
        stage = self.stage.infer(doc, customer, engaged=need)
        if follow_up is not None and follow_up.weak and stage.stage is Stage.LOST:
            # a day said in passing as the customer declines ('they start with the other firm on the
            # 20th') is no follow-up of ours
            follow_up = None
            evidence.pop("next_follow_up_date", None)
            next_step = self.dates.untimed_next_step(doc)
        if stage.evidence is not None:
            evidence["stage"] = stage.evidence
        if stage.provenance:
            provenance["stage"] = stage.provenance

        signal_cues = self.signals.find_all(doc, hits)
        first_cue: dict[Signal, SignalHit] = {}
        for cue in signal_cues:
            first_cue.setdefault(cue.signal, cue)
        signals = tuple(first_cue[s] for s in Signal if s in first_cue)
        questions = self.quality.discovery_questions(doc)
        pain_seconds, pain_evidence, measured = self.quality.pain(doc)
        quality = QualityFeatures(
            discovery_questions=questions,
            pain_seconds=round(pain_seconds, 1),
            pain_evidence=pain_evidence,
            pain_measured=measured,
            next_step=next_step,
        )

        # how-we-met context says little about this interaction, except a repeat purchase or renewal
        intro = tuple(
            ev
            for key in ("source_channel", "first_contact_date")
            if (ev := evidence.get(key)) is not None
            and not (key == "source_channel" and source_channel is Channel.EXISTING_CUSTOMER)
        )
        summary, summary_ev = self.summary.summarize(
            doc,
            SummaryInputs(
                stage=self.stage.support(doc, stage.stage),
                next_step=next_step,
                signals=tuple((hit.signal.value, hit.evidence) for hit in signal_cues),
                questions=questions,
                intro=intro,
                commitment=lambda clause: self.dates.commitment_score(doc, clause),
                customer=customer.name or "",
            ),
        )
        if summary_ev is not None:
            evidence["summary"] = summary_ev

        return FollowUpFields(
            source_channel=source_channel,
            first_contact_date=first_contact,
            stage=stage.stage,
            summary=summary,
            next_follow_up_date=follow_up.value if follow_up is not None else None,
            quality=quality,
            signals=signals,
            evidence=evidence,
            provenance=provenance,
        )
