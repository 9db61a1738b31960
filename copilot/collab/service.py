"""Collaboration records for the API and the CLI: minutes, tickets, kick-offs, the timeline, the radar.

Every read keeps to the caller's scope (copilot.access): a customer the caller may not see is a
404, whatever organization it belongs to. The people named on a record (a block's owner, a
ticket's assignee, or anyone of its role while unassigned) may also open that record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import AccessRole, Principal
from copilot.clock import Clock
from copilot.collab import customer_visible, deal_of_customer, iso, job_role_of, user_by_ext, users_by_id
from copilot.collab import kickoffs as ko
from copilot.collab import minutes as mn
from copilot.collab import tickets as tk
from copilot.collab.radar import parse_month, rep_radar
from copilot.collab.timeline import customer_timeline
from copilot.errors import Conflict, Forbidden, InvalidInput, NotFound
from copilot.pipeline.customers import get_customer
from copilot.pipeline.deals import get_deal
from copilot.store.models import Customer, Deal, Kickoff, MeetingMinutes, Ticket, User

MAX_LIST = 500


class CollabService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, tz: tzinfo) -> None:
        self.sessions = sessions
        self.clock = clock
        self.tz = tz

    # -- meeting minutes -----------------------------------------------------------------------

    def create_minutes(
        self,
        principal: Principal,
        customer_id: str,
        *,
        title: str,
        meeting_at: datetime | None = None,
        deal_id: str | None = None,
        owners: Mapping[str, str] | None = None,
        minutes_id: str | None = None,
    ) -> dict[str, Any]:
        """Minutes of a customer meeting with its three blocks and their owners (defaults or `owners`)."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            customer = get_customer(session, principal, customer_id)
            minutes = mn.create_minutes(
                session,
                customer,
                title=title,
                meeting_at=meeting_at or now,
                now=now,
                deal=deal_of_customer(session, customer, deal_id),
                owners=owners,
                created_by_id=principal.user_id,
                external_id=minutes_id,
            )
            return self._minutes_view(session, minutes, now)

    def list_minutes(self, principal: Principal, customer_id: str) -> dict[str, Any]:
        now = self.clock.now()
        with self.sessions() as session:
            customer = get_customer(session, principal, customer_id)
            rows = session.scalars(
                select(MeetingMinutes)
                .where(MeetingMinutes.org_id == principal.org_id, MeetingMinutes.customer_id == customer.id)
                .order_by(MeetingMinutes.meeting_at.desc(), MeetingMinutes.id.desc())
            ).all()
            items = [self._minutes_view(session, m, now) for m in rows]
            return {"customer_id": customer.external_id, "total": len(items), "items": items}

    def get_minutes(self, principal: Principal, minutes_id: str) -> dict[str, Any]:
        now = self.clock.now()
        with self.sessions() as session:
            return self._minutes_view(session, self._minutes(session, principal, minutes_id), now)

    def fill_block(self, principal: Principal, minutes_id: str, block: str, text: str) -> dict[str, Any]:
        """Write one block (its owner, a supervisor or an admin); returns the whole minutes."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            minutes = self._minutes(session, principal, minutes_id)
            mn.fill_block(
                minutes,
                block,
                text,
                principal=principal,
                job_role=job_role_of(session, principal),
                now=now,
                users=mn.load_users_for(session, minutes),
            )
            session.flush()
            return self._minutes_view(session, minutes, now)

    def overdue_minutes_blocks(self, org_id: int) -> list[dict[str, Any]]:
        """For the daily jobs: blocks still empty 2 hours after their meeting (flagged the first time)."""
        with self.sessions.begin() as session:
            return mn.overdue_minutes_blocks(session, org_id, self.clock.now())

    def _minutes(self, session: Session, principal: Principal, minutes_id: str) -> MeetingMinutes:
        minutes = session.scalar(
            select(MeetingMinutes).where(
                MeetingMinutes.org_id == principal.org_id, MeetingMinutes.external_id == minutes_id
            )
        )
        if minutes is None:
            raise NotFound(f"no minutes {minutes_id!r}")
        named = principal.user_id is not None and principal.user_id in (
            minutes.created_by_id,
            *(b.owner_id for b in minutes.blocks),
        )
        if not named and not customer_visible(session, principal, minutes.customer_id):
            job_role = job_role_of(session, principal)
            unowned = {mn.JOB_ROLES[b.owner_role] for b in minutes.blocks if b.owner_id is None}
            if principal.user_id is None or job_role not in unowned:
                raise NotFound(f"no minutes {minutes_id!r}")
        return minutes

    def _minutes_view(self, session: Session, minutes: MeetingMinutes, now: datetime) -> dict[str, Any]:
        customer_ext = session.scalar(select(Customer.external_id).where(Customer.id == minutes.customer_id))
        deal_ext = (
            session.scalar(select(Deal.external_id).where(Deal.id == minutes.deal_id))
            if minutes.deal_id is not None
            else None
        )
        return mn.minutes_view(
            minutes,
            now=now,
            users=mn.load_users_for(session, minutes),
            customer_ext=customer_ext or "",
            deal_ext=deal_ext,
        )

    # -- tickets -------------------------------------------------------------------------------

    def create_ticket(
        self,
        principal: Principal,
        customer_id: str,
        *,
        assignee_role: str,
        title: str,
        request: str,
        assignee_id: str | None = None,
        due_at: datetime | None = None,
        due_in_hours: float | None = None,
        deal_id: str | None = None,
        ticket_id: str | None = None,
    ) -> dict[str, Any]:
        """Ask solution, legal or delivery for something (due in 48 hours unless told)."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            customer = get_customer(session, principal, customer_id)
            ticket = tk.create_ticket(
                session,
                customer,
                assignee_role=assignee_role,
                title=title,
                request=request,
                now=now,
                requester_id=principal.user_id,
                deal=deal_of_customer(session, customer, deal_id),
                assignee_ext=assignee_id,
                due_at=due_at,
                due_in_hours=due_in_hours,
                external_id=ticket_id,
            )
            return self._ticket_views(session, [ticket], now)[0]

    def list_customer_tickets(
        self, principal: Principal, customer_id: str, *, status: str | None = None
    ) -> dict[str, Any]:
        now = self.clock.now()
        tk.check_status(status)
        with self.sessions() as session:
            customer = get_customer(session, principal, customer_id)
            stmt = select(Ticket).where(Ticket.org_id == principal.org_id, Ticket.customer_id == customer.id)
            wanted = tk.status_filter(status, now)
            if wanted is not None:
                stmt = stmt.where(wanted)
            rows = list(session.scalars(stmt.order_by(Ticket.due_at, Ticket.id)))
            items = self._ticket_views(session, rows, now)
            return {"customer_id": customer.external_id, "total": len(items), "items": items}

    def list_tickets(
        self,
        principal: Principal,
        *,
        assignee: str | None = None,
        requester: str | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Tickets within the caller's reach, optionally only one person's (`me` or a user's id) to
        answer or asked by one person; `open`, `overdue` or `answered`. Soonest due first."""
        now = self.clock.now()
        tk.check_status(status)
        if not 1 <= limit <= MAX_LIST or offset < 0:
            raise InvalidInput(f"limit must be 1-{MAX_LIST} and offset 0 or more")
        with self.sessions() as session:
            job_role = job_role_of(session, principal)
            stmt = select(Ticket).where(
                Ticket.org_id == principal.org_id, tk.visible_tickets(principal, job_role)
            )
            if assignee is not None:
                user = self._person(session, principal, assignee)
                stmt = stmt.where(tk.assigned_to(user.id, user.role))
            if requester is not None:
                stmt = stmt.where(Ticket.requester_id == self._person(session, principal, requester).id)
            wanted = tk.status_filter(status, now)
            if wanted is not None:
                stmt = stmt.where(wanted)
            rows = list(session.scalars(stmt.order_by(Ticket.due_at, Ticket.id)))
            counts = {s: sum(1 for t in rows if tk.status_of(t, now) == s) for s in tk.STATUSES}
            page = rows[offset : offset + limit]
            return {
                "total": len(rows),
                "counts": counts,
                "limit": limit,
                "offset": offset,
                "items": self._ticket_views(session, page, now),
            }

    def get_ticket(self, principal: Principal, ticket_id: str) -> dict[str, Any]:
        now = self.clock.now()
        with self.sessions() as session:
            return self._ticket_views(session, [self._ticket(session, principal, ticket_id)], now)[0]

    def answer_ticket(self, principal: Principal, ticket_id: str, answer: str) -> dict[str, Any]:
        """The assignee's answer; in time (at or before the deadline) earns both sides 2 points."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            ticket = self._ticket(session, principal, ticket_id)
            tk.answer_ticket(
                ticket,
                answer,
                principal=principal,
                job_role=job_role_of(session, principal),
                now=now,
                users=tk.load_users_for(session, [ticket]),
            )
            session.flush()
            return self._ticket_views(session, [ticket], now)[0]

    def _ticket(self, session: Session, principal: Principal, ticket_id: str) -> Ticket:
        ticket = session.scalar(
            select(Ticket).where(
                Ticket.org_id == principal.org_id,
                Ticket.external_id == ticket_id,
                tk.visible_tickets(principal, job_role_of(session, principal)),
            )
        )
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id!r}")
        return ticket

    def _person(self, session: Session, principal: Principal, who: str) -> User:
        if who == "me":
            if principal.user_id is None:
                raise InvalidInput("'me' needs a key that belongs to a person; name the user's id instead")
            user = session.get(User, principal.user_id)
            assert user is not None
            return user
        return user_by_ext(session, principal.org_id, who)

    def _ticket_views(
        self, session: Session, tickets: Sequence[Ticket], now: datetime
    ) -> list[dict[str, Any]]:
        users = tk.load_users_for(session, list(tickets))
        customers = self._ext_ids(session, Customer, {t.customer_id for t in tickets})
        deals = self._ext_ids(session, Deal, {t.deal_id for t in tickets if t.deal_id is not None})
        return [
            tk.ticket_view(
                t,
                now=now,
                users=users,
                customer_ext=customers.get(t.customer_id, ""),
                deal_ext=deals.get(t.deal_id) if t.deal_id is not None else None,
            )
            for t in tickets
        ]

    @staticmethod
    def _ext_ids(session: Session, model: type[Customer] | type[Deal], ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = session.execute(select(model.id, model.external_id).where(model.id.in_(ids)))
        return dict(rows.all())

    # -- kick-offs -----------------------------------------------------------------------------

    def sync_kickoffs(self, org_id: int) -> list[dict[str, Any]]:
        """For the daily jobs: create the kick-off preparation of every won deal lacking one."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            created = ko.sync_kickoffs(session, org_id, now)
            deals = self._ext_ids(session, Deal, {k.deal_id for k in created})
            return [
                {"deal_id": deals[k.deal_id], "won_at": iso(k.won_at), "due_at": iso(k.due_at)}
                for k in created
            ]

    def list_kickoffs(self, principal: Principal, customer_id: str) -> dict[str, Any]:
        now = self.clock.now()
        with self.sessions.begin() as session:
            customer = get_customer(session, principal, customer_id)
            ko.sync_kickoffs(session, principal.org_id, now, customer_ids=[customer.id])
            rows = session.execute(
                select(Kickoff, Deal)
                .join(Deal, Deal.id == Kickoff.deal_id)
                .where(Kickoff.org_id == principal.org_id, Kickoff.customer_id == customer.id)
                .order_by(Kickoff.won_at.desc(), Kickoff.id.desc())
            ).all()
            users = users_by_id(session, [k.owner_id for k, _ in rows])
            items = [
                ko.kickoff_view(
                    k,
                    now=now,
                    users=users,
                    customer_ext=customer.external_id,
                    deal_ext=d.external_id,
                    deal_name=d.name,
                )
                for k, d in rows
            ]
            return {"customer_id": customer.external_id, "total": len(items), "items": items}

    def get_kickoff(self, principal: Principal, deal_id: str) -> dict[str, Any]:
        now = self.clock.now()
        with self.sessions.begin() as session:
            deal, kickoff = self._kickoff(session, principal, deal_id, now)
            return self._kickoff_view(session, deal, kickoff, now)

    def update_kickoff(
        self,
        principal: Principal,
        deal_id: str,
        *,
        participants: Sequence[str] | None = None,
        goals: str | None = None,
        deliverables: str | None = None,
    ) -> dict[str, Any]:
        """Fill the participants, goals or first deliverables; complete when all three are filled."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            deal, kickoff = self._kickoff(session, principal, deal_id, now)
            ko.update_kickoff(
                kickoff, now=now, participants=participants, goals=goals, deliverables=deliverables
            )
            session.flush()
            return self._kickoff_view(session, deal, kickoff, now)

    def _kickoff(
        self, session: Session, principal: Principal, deal_id: str, now: datetime
    ) -> tuple[Deal, Kickoff]:
        deal = get_deal(session, principal, deal_id)
        ko.sync_kickoffs(session, principal.org_id, now, customer_ids=[deal.customer_id])
        kickoff = session.scalar(
            select(Kickoff).where(Kickoff.org_id == principal.org_id, Kickoff.deal_id == deal.id)
        )
        if kickoff is None:
            raise Conflict(
                f"deal {deal_id!r} is at {deal.stage}, not won; kick-off preparation starts when it is won "
                "(项目赢单后才开始启动准备)"
            )
        return deal, kickoff

    def _kickoff_view(self, session: Session, deal: Deal, kickoff: Kickoff, now: datetime) -> dict[str, Any]:
        customer_ext = session.scalar(select(Customer.external_id).where(Customer.id == deal.customer_id))
        return ko.kickoff_view(
            kickoff,
            now=now,
            users=users_by_id(session, [kickoff.owner_id]),
            customer_ext=customer_ext or "",
            deal_ext=deal.external_id,
            deal_name=deal.name,
        )

    # -- the timeline and the radar ------------------------------------------------------------

    def timeline(self, principal: Principal, customer_id: str, *, days: int = 30) -> dict[str, Any]:
        """The customer's last `days` days, per day and role, every cell with its records."""
        with self.sessions() as session:
            customer = get_customer(session, principal, customer_id)
            return customer_timeline(session, customer, now=self.clock.now(), tz=self.tz, days=days)

    def radar(self, principal: Principal, rep_id: str, *, month: str | None = None) -> dict[str, Any]:
        """A person's six capability scores for a month (default: this month), with their inputs."""
        now = self.clock.now()
        span = parse_month(month, now, self.tz)
        with self.sessions.begin() as session:
            user = user_by_ext(session, principal.org_id, rep_id, what="rep")
            self._check_rep_scope(principal, user)
            ko.sync_kickoffs(session, principal.org_id, now)
            return rep_radar(session, principal.org_id, user, span)

    def radars(
        self, principal: Principal, rep_ids: list[str], *, month: str | None = None
    ) -> list[dict[str, Any]]:
        """Several people's radars for one month, read in one transaction (the brief's row)."""
        now = self.clock.now()
        span = parse_month(month, now, self.tz)
        with self.sessions.begin() as session:
            users = [user_by_ext(session, principal.org_id, rep_id, what="rep") for rep_id in rep_ids]
            for user in users:
                self._check_rep_scope(principal, user)
            ko.sync_kickoffs(session, principal.org_id, now)
            return [rep_radar(session, principal.org_id, user, span) for user in users]

    @staticmethod
    def _check_rep_scope(principal: Principal, user: User) -> None:
        """A rep sees their own radar, a supervisor their team's, admins and integrations anyone's."""
        if principal.sees_everything:
            return
        if principal.role is AccessRole.REP and user.id == principal.user_id:
            return
        if principal.role is AccessRole.SUPERVISOR and user.team == principal.team:
            return
        raise Forbidden(f"rep {user.external_id!r} is outside what this key may see")
