"""Stored rows to public schemas (the customer's digital file, a follow-up)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.access import Principal
from copilot.domain import Stage
from copilot.schemas import (
    ContactPublic,
    CustomerFile,
    DealPublic,
    EnginePublic,
    EvidencePublic,
    FieldsPublic,
    FollowUpPublic,
    QualityPublic,
    RiskPublic,
    SignalPublic,
    StageEntryPublic,
)
from copilot.store.models import Activity, Customer, Deal, Extraction


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def followup_public(
    session: Session,
    activity: Activity,
    *,
    extraction: Extraction | None = None,
    deal: Deal | None = None,
) -> FollowUpPublic:
    """A stored follow-up with its latest extraction (pass what the caller already holds)."""
    deal_ext = deal.external_id if deal is not None and deal.id == activity.deal_id else None
    if deal_ext is None and activity.deal_id is not None:
        deal_ext = session.scalar(select(Deal.external_id).where(Deal.id == activity.deal_id))
    out = FollowUpPublic(
        id=activity.external_id,
        customer_id=activity.customer.external_id,
        deal_id=deal_ext,
        at=activity.at,
        kind=activity.kind,
        input_kind=activity.input_kind,
        status=activity.status,
        error=activity.error,
        text=activity.text,
    )
    ext = extraction
    if ext is None and activity.status == "extracted":
        ext = activity.extractions[-1] if activity.extractions else None
    if ext is None:
        return out
    f, q = ext.fields, ext.quality
    verdict = q.get("verdict", {})
    out.fields = FieldsPublic(
        source_channel=f.get("source_channel"),
        first_contact_date=_date(f.get("first_contact_date")),
        stage=f.get("stage"),
        summary=f.get("summary", ""),
        next_follow_up_date=_date(f.get("next_follow_up_date")),
        proposed_next_follow_up_date=_date(f.get("proposed_next_follow_up_date")),
        provenance=dict(f.get("provenance") or {}),
    )
    questions = q.get("discovery_questions", [])
    out.quality = QualityPublic(
        discovery_questions=[e["quote"] for e in questions],
        discovery_count=len(questions),
        pain_seconds=q.get("pain_seconds", 0.0),
        pain_measured=q.get("pain_measured", False),
        next_step=(q.get("next_step") or {}).get("quote"),
        discovery_3plus=verdict.get("discovery_3plus", False),
        pain_2min=verdict.get("pain_2min", False),
        next_step_agreed=verdict.get("next_step", False),
        high_quality=verdict.get("high_quality", False),
    )
    out.signals = [SignalPublic(**s) for s in ext.signals]
    out.evidence = {k: EvidencePublic(**v) for k, v in ext.evidence.items()}
    out.engine = EnginePublic(
        name=ext.engine, version=ext.engine_version, model=ext.model, prompt=ext.prompt, note=ext.note
    )
    return out


def deal_public(deal: Deal, activity_ids: dict[int, str] | None = None) -> DealPublic:
    """A deal with its stage history."""
    activity_ids = activity_ids or {}
    return DealPublic(
        id=deal.external_id,
        name=deal.name,
        stage=Stage(deal.stage),
        amount=deal.amount,
        budget=deal.budget,
        expected_close=deal.expected_close,
        lost_reason=deal.lost_reason,
        stage_history=[
            StageEntryPublic(
                stage=Stage(h.stage),
                at=h.at,
                source=h.source,
                activity_id=activity_ids.get(h.activity_id) if h.activity_id else None,
            )
            for h in deal.stage_history
        ],
    )


def customer_file(
    session: Session, principal: Principal, customer: Customer, *, now: datetime, latest: int = 5
) -> CustomerFile:
    """The customer's digital file."""
    activities = list(
        session.scalars(
            select(Activity)
            .where(Activity.org_id == principal.org_id, Activity.customer_id == customer.id)
            .order_by(Activity.at.desc(), Activity.id.desc())
            .limit(latest)
        ).unique()
    )
    latest_followups = [followup_public(session, a) for a in activities]
    summary = next((fu.fields.summary for fu in latest_followups if fu.fields and fu.fields.summary), None)
    open_deals = [d for d in customer.deals if Stage(d.stage).is_open]
    current = max(open_deals or customer.deals, key=lambda d: (d.updated_at, d.id), default=None)
    change_ids = {h.activity_id for d in customer.deals for h in d.stage_history if h.activity_id}
    activity_ids: dict[int, str] = {}
    if change_ids:
        rows = session.execute(select(Activity.id, Activity.external_id).where(Activity.id.in_(change_ids)))
        activity_ids = {row.id: row.external_id for row in rows}
    contracts, risks = _contracts_and_risks(session, customer, now)
    return CustomerFile(
        id=customer.external_id,
        name=customer.name,
        industry=customer.industry,
        owner_id=customer.owner.external_id if customer.owner else None,
        source_channel=customer.source_channel,
        first_contact_date=customer.first_contact_date,
        stage=Stage(current.stage) if current else None,
        summary=summary,
        next_follow_up_date=customer.next_follow_up_date,
        next_follow_up_proposed=customer.next_follow_up_proposed,
        last_activity_at=customer.last_activity_at,
        contacts=[ContactPublic(name=c.name, title=c.title, role=c.role) for c in customer.contacts],
        deals=[deal_public(d, activity_ids) for d in customer.deals],
        latest_followups=latest_followups,
        contracts=contracts,
        risks=risks,
    )


def _contracts_and_risks(
    session: Session, customer: Customer, now: datetime
) -> tuple[list[dict[str, Any]], list[RiskPublic]]:
    """Each deal's latest contract, and the open differences and unanswered confirmations as risks."""
    from copilot.contracts.service import contract_view
    from copilot.pipeline.deals import latest_contract
    from copilot.pipeline.requirements import CONFIRMATION_SLA, pending_confirmations

    contracts: list[dict[str, Any]] = []
    risks: list[RiskPublic] = []
    for deal in customer.deals:
        contract = latest_contract(session, deal)
        if contract is not None:
            view = contract_view(contract, deal)
            contracts.append(view)
            risks.extend(
                RiskPublic(kind="contract_difference", deal_id=deal.external_id, message=d["reason"])
                for d in view["differences"]
                if d["status"] == "open"
            )
        for c in pending_confirmations(session, deal):
            waited = c.requested_at
            risks.append(
                RiskPublic(
                    kind="requirement_confirmation",
                    deal_id=deal.external_id,
                    message=f"需求变更待方案负责人确认 (requirement change awaiting the solution owner since "
                    f"{waited:%Y-%m-%d %H:%M} UTC)",
                    overdue=now - waited > CONFIRMATION_SLA,
                )
            )
    return contracts, risks
