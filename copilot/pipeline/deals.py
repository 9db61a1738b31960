"""Deals: reading them within scope, and stage changes under two locks: the negotiation gate (a
complete customer confirmation letter first) and open contract differences (before `won`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copilot import audit
from copilot.access import Principal, scope_customers
from copilot.clock import Clock
from copilot.domain import Stage
from copilot.errors import Conflict, NotFound
from copilot.letters.elements import ELEMENTS, LABELS, LetterReading, read_letter
from copilot.policies import load_policy
from copilot.store.models import Contract, ContractDiff, Customer, Deal, Document, StageChange

# Entering these stages needs a complete confirmation letter while the gate is on.
GATED_STAGES = (Stage.NEGOTIATION, Stage.WON)


class StageLocked(Conflict):
    """The deal cannot enter this stage yet (unacknowledged contract differences)."""

    code = "stage_locked"


class NegotiationGateClosed(StageLocked):
    """The deal cannot enter negotiation (or be won) without a complete confirmation letter."""

    code = "negotiation_gate"


def get_deal(session: Session, principal: Principal, deal_id: str) -> Deal:
    """A deal whose customer the principal may see; NotFound otherwise."""
    visible = scope_customers(select(Customer.id), principal)
    deal = session.scalar(
        select(Deal).where(
            Deal.org_id == principal.org_id, Deal.external_id == deal_id, Deal.customer_id.in_(visible)
        )
    )
    if deal is None:
        raise NotFound(f"no deal {deal_id!r}")
    return deal


def latest_contract(session: Session, deal: Deal) -> Contract | None:
    return session.scalar(
        select(Contract).where(Contract.deal_id == deal.id).order_by(Contract.id.desc()).limit(1)
    )


def open_differences(session: Session, deal: Deal) -> list[ContractDiff]:
    """The latest contract's differences nobody has acknowledged yet."""
    contract = latest_contract(session, deal)
    if contract is None:
        return []
    return [d for d in contract.diffs if d.status == "open"]


def letter_readings(session: Session, deal: Deal) -> list[tuple[Document, LetterReading]]:
    """The deal's confirmation letters, oldest first, each with the elements it states."""
    letters = session.scalars(
        select(Document)
        .where(Document.deal_id == deal.id, Document.kind == "confirmation_letter")
        .order_by(Document.at, Document.id)
    )
    return [(doc, read_letter(doc.text)) for doc in letters]


def check_negotiation_gate(session: Session, deal: Deal, stage: Stage) -> None:
    """Raise NegotiationGateClosed when the gate is on and no letter states all three elements."""
    if stage not in GATED_STAGES or not load_policy(session, deal.org_id).negotiation_gate.enabled:
        return
    readings = letter_readings(session, deal)
    if any(reading.complete for _, reading in readings):
        return
    best = min(readings, key=lambda r: len(r[1].missing), default=None)
    missing = best[1].missing if best else list(ELEMENTS)
    names = "、".join(LABELS["zh"][m] for m in missing)
    english = ", ".join(LABELS["en"][m] for m in missing)
    found = (
        f"its best letter ({best[0].external_id}) lacks {english}"
        if best
        else "it has no confirmation letter"
    )
    raise NegotiationGateClosed(
        f"deal {deal.external_id!r} cannot enter {stage.value}: {found}. 缺少客户确认函要素：{names}。"
        "Upload a customer confirmation letter stating payment method, delivery period and acceptance "
        "criteria (POST /v1/deals/{id}/confirmation-letters)",
        detail={
            "missing": missing,
            "letters": [
                {"id": doc.external_id, "at": doc.at.isoformat(), "missing": reading.missing}
                for doc, reading in readings
            ],
        },
    )


def check_stage_allowed(session: Session, deal: Deal, stage: Stage) -> None:
    """Raise StageLocked when the deal may not enter `stage` now: the negotiation gate, or a won
    deal whose contract still has open differences."""
    if deal.stage == stage.value:
        return
    check_negotiation_gate(session, deal, stage)
    if stage is not Stage.WON:
        return
    locked = open_differences(session, deal)
    if locked:
        fields = ", ".join(d.field for d in locked)
        raise StageLocked(
            f"deal {deal.external_id!r} cannot be won while {len(locked)} contract difference(s) are "
            f"unacknowledged ({fields}); a supervisor or the solution owner must accept them or mark "
            "them for renegotiation",
            detail={"locked_fields": [d.field for d in locked]},
        )


def change_stage(
    session: Session,
    deal: Deal,
    stage: Stage,
    *,
    at: datetime,
    now: datetime,
    source: str,
    activity_id: int | None = None,
    principal: Principal | None = None,
) -> bool:
    """Move the deal to `stage` and append it to the stage history (and the audit log, naming
    `principal`, else the source); False when already there."""
    check_stage_allowed(session, deal, stage)
    if deal.stage == stage.value:
        return False
    audit.record(
        session,
        deal.org_id,
        principal,
        "stage.moved",
        "deal",
        deal.external_id,
        now=now,
        detail={"from": deal.stage, "to": stage.value, "source": source, "activity_id": activity_id},
        actor=None if principal is not None else f"system:{source}",
    )
    deal.stage = stage.value
    deal.stage_entered_at = at
    deal.updated_at = now
    session.add(
        StageChange(
            org_id=deal.org_id,
            deal_id=deal.id,
            stage=stage.value,
            at=at,
            source=source,
            activity_id=activity_id,
        )
    )
    return True


class DealService:
    """Explicit stage moves (a person or an integration says so), under the same lock."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    def set_stage(self, principal: Principal, deal_id: str, stage: Stage) -> Deal:
        """Move a deal; 409 while the negotiation gate or a contract difference blocks the move."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            deal = get_deal(session, principal, deal_id)
            change_stage(session, deal, stage, at=now, now=now, source="api", principal=principal)
            session.flush()
            session.refresh(deal)
            _ = deal.stage_history
            return deal
