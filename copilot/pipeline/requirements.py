"""A deal's original customer requirements: versioned, with sales changes double-signed (需求变更双签)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copilot import audit
from copilot.access import AccessRole, Principal
from copilot.clock import Clock
from copilot.contracts.diff import parse_requirements
from copilot.errors import Forbidden, InvalidInput, NotFound
from copilot.pipeline.deals import get_deal
from copilot.store.models import Deal, RequirementConfirmation, RequirementVersion, User

Answer = Literal["feasible_synced", "meeting_needed"]
CONFIRMATION_SLA = timedelta(hours=48)


@dataclass(frozen=True)
class RequirementsView:
    deal_id: str
    version: int | None
    values: dict[str, Any]
    history: list[dict[str, Any]]
    confirmations: list[dict[str, Any]]


def current_requirements(session: Session, deal: Deal) -> RequirementVersion | None:
    return session.scalar(
        select(RequirementVersion)
        .where(RequirementVersion.deal_id == deal.id)
        .order_by(RequirementVersion.version.desc())
        .limit(1)
    )


def record_requirements(
    session: Session,
    deal: Deal,
    values: dict[str, Any],
    *,
    changed_by: User | None,
    role: str,
    now: datetime,
) -> RequirementVersion | None:
    """Store `values` as the deal's new requirements version; None when nothing changed."""
    normalised = parse_requirements(values).model_dump(mode="json", exclude_none=True)
    previous = current_requirements(session, deal)
    old = previous.values if previous else {}
    changes = {
        name: {"from": old.get(name), "to": normalised.get(name)}
        for name in sorted(set(old) | set(normalised))
        if old.get(name) != normalised.get(name)
    }
    if not changes:
        return None
    version = RequirementVersion(
        org_id=deal.org_id,
        deal_id=deal.id,
        version=(previous.version + 1) if previous else 1,
        values=normalised,
        changes=changes,
        changed_by_id=changed_by.id if changed_by else None,
        changed_by_role=role,
        changed_at=now,
    )
    session.add(version)
    session.flush()
    return version


class RequirementService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    def put(
        self,
        principal: Principal,
        deal_id: str,
        values: dict[str, Any],
        *,
        solution_owner_id: str | None = None,
    ) -> RequirementsView:
        """Replace the deal's requirements; a change by sales waits for the solution owner's answer."""
        if principal.role is AccessRole.INTEGRATION:
            raise Forbidden("requirements are recorded by people: use a rep, supervisor or admin key")
        now = self.clock.now()
        with self.sessions.begin() as session:
            deal = get_deal(session, principal, deal_id)
            if solution_owner_id is not None:
                owner = session.scalar(
                    select(User).where(User.org_id == principal.org_id, User.external_id == solution_owner_id)
                )
                if owner is None:
                    raise NotFound(f"no user {solution_owner_id!r} to be the solution owner")
                if deal.solution_owner_id != owner.id:
                    audit.record(
                        session,
                        deal.org_id,
                        principal,
                        "deal.solution_owner_set",
                        "deal",
                        deal.external_id,
                        now=now,
                        detail={"solution_owner": owner.external_id},
                    )
                deal.solution_owner_id = owner.id
            user = session.get(User, principal.user_id) if principal.user_id else None
            version = record_requirements(
                session, deal, values, changed_by=user, role=principal.role.value, now=now
            )
            confirmation = None
            if version is not None and _is_sales(principal):
                confirmation = RequirementConfirmation(
                    org_id=deal.org_id,
                    deal_id=deal.id,
                    requirement_id=version.id,
                    requested_at=now,
                    status="pending",
                )
                session.add(confirmation)
            session.flush()
            if version is not None:
                # field names only: the values are the customer's terms, kept in the versions
                audit.record(
                    session,
                    deal.org_id,
                    principal,
                    "requirements.changed",
                    "deal",
                    deal.external_id,
                    now=now,
                    detail={
                        "version": version.version,
                        "fields": sorted(version.changes),
                        "confirmation_id": confirmation.id if confirmation else None,
                    },
                )
            return _view(session, deal, now)

    def get(self, principal: Principal, deal_id: str) -> RequirementsView:
        with self.sessions() as session:
            return _view(session, get_deal(session, principal, deal_id), self.clock.now())

    def answer(
        self, principal: Principal, deal_id: str, confirmation_id: int, answer: Answer, note: str | None
    ) -> RequirementsView:
        """The solution owner's answer: technically feasible and synced, or a meeting within 48 hours."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            deal = get_deal(session, principal, deal_id)
            confirmation = session.get(RequirementConfirmation, confirmation_id)
            if confirmation is None or confirmation.deal_id != deal.id:
                raise NotFound(f"no confirmation {confirmation_id} on deal {deal_id!r}")
            if not _may_answer(principal, deal):
                raise Forbidden("only the deal's solution owner (or an admin) answers requirement changes")
            if confirmation.status != "pending":
                raise InvalidInput(
                    f"confirmation {confirmation_id} was already answered ({confirmation.status})"
                )
            confirmation.status = answer
            confirmation.answered_by_id = principal.user_id
            confirmation.answered_at = now
            confirmation.note = note
            audit.record(
                session,
                deal.org_id,
                principal,
                "requirements.confirmation_answered",
                "deal",
                deal.external_id,
                now=now,
                detail={"confirmation_id": confirmation.id, "answer": answer},
            )
            session.flush()
            return _view(session, deal, now)


def _is_sales(principal: Principal) -> bool:
    return principal.role is AccessRole.REP or principal.job_role == "rep"


def _may_answer(principal: Principal, deal: Deal) -> bool:
    if principal.role is AccessRole.ADMIN:
        return True
    if deal.solution_owner_id is not None:
        return principal.user_id == deal.solution_owner_id
    return principal.job_role == "solution"


def pending_confirmations(session: Session, deal: Deal) -> list[RequirementConfirmation]:
    return list(
        session.scalars(
            select(RequirementConfirmation).where(
                RequirementConfirmation.deal_id == deal.id, RequirementConfirmation.status == "pending"
            )
        )
    )


def _view(session: Session, deal: Deal, now: datetime) -> RequirementsView:
    versions = list(
        session.scalars(
            select(RequirementVersion)
            .where(RequirementVersion.deal_id == deal.id)
            .order_by(RequirementVersion.version)
        )
    )
    users = {u.id: u.external_id for u in session.scalars(select(User).where(User.org_id == deal.org_id))}
    confirmations = session.scalars(
        select(RequirementConfirmation)
        .where(RequirementConfirmation.deal_id == deal.id)
        .order_by(RequirementConfirmation.id)
    )
    version_no = {v.id: v.version for v in versions}
    return RequirementsView(
        deal_id=deal.external_id,
        version=versions[-1].version if versions else None,
        values=versions[-1].values if versions else {},
        history=[
            {
                "version": v.version,
                "changes": v.changes,
                "changed_by": users.get(v.changed_by_id or -1),
                "changed_by_role": v.changed_by_role,
                "changed_at": v.changed_at,
            }
            for v in versions
        ],
        confirmations=[
            {
                "id": c.id,
                "version": version_no.get(c.requirement_id),
                "status": c.status,
                "requested_at": c.requested_at,
                "answered_by": users.get(c.answered_by_id or -1),
                "answered_at": c.answered_at,
                "note": c.note,
                "overdue": c.status == "pending" and now - c.requested_at > CONFIRMATION_SLA,
            }
            for c in confirmations
        ],
    )
