"""Deals: reading them within scope, and stage changes with the contract-difference lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import Principal, scope_customers
from copilot.clock import Clock
from copilot.domain import Stage
from copilot.errors import Conflict, NotFound
from copilot.store.models import Contract, ContractDiff, Customer, Deal, StageChange


class StageLocked(Conflict):
    """The deal cannot enter this stage yet (unacknowledged contract differences)."""

    code = "stage_locked"


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


def check_stage_allowed(session: Session, deal: Deal, stage: Stage) -> None:
    """Raise StageLocked when `stage` is won and the contract still has open differences."""
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
) -> bool:
    """Move the deal to `stage` and append it to the stage history; False when already there."""
    check_stage_allowed(session, deal, stage)
    if deal.stage == stage.value:
        return False
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
        """Move a deal; 409 while a contract difference blocks `won`."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            deal = get_deal(session, principal, deal_id)
            change_stage(session, deal, stage, at=now, now=now, source="api")
            session.flush()
            session.refresh(deal)
            _ = deal.stage_history
            return deal
