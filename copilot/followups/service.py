"""Follow-up ingestion: store the raw input first, then extract, then update the customer and deal."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import AccessRole, Principal
from copilot.clock import Clock
from copilot.collab.minutes import minutes_for_meeting
from copilot.config import Settings
from copilot.domain import (
    Channel,
    CustomerContext,
    FollowUpFields,
    InputKind,
    Interaction,
    QualityVerdict,
    Stage,
)
from copilot.errors import Conflict, Forbidden, InvalidInput, NotFound
from copilot.followups.engine import FollowUpEngine, QualityJudge
from copilot.followups.interactions import build_interaction
from copilot.llm.grounding import drop_instructed
from copilot.pipeline.customers import get_activity, get_customer, is_visible
from copilot.pipeline.deals import GATED_STAGES, StageLocked, change_stage
from copilot.pipeline.views import followup_public
from copilot.policies import load_policy
from copilot.schemas import FollowUpCreate, FollowUpPublic, Page
from copilot.search import indexing
from copilot.search.docs import SearchDoc
from copilot.store.models import Activity, Customer, Deal, Extraction, StageChange, User

log = logging.getLogger(__name__)

_ACTIVITY_KIND = {InputKind.DICTATION: "note", InputKind.CHAT: "chat", InputKind.CALL: "call"}


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


class FollowUpService:
    """Turns submitted interactions into stored, structured follow-ups."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        engine: FollowUpEngine,
        judge: QualityJudge,
        clock: Clock,
        settings: Settings,
        index: Callable[[Sequence[SearchDoc]], None] | None = None,
    ) -> None:
        self.index = index
        self.sessions = sessions
        self.engine = engine
        self.judge = judge
        self.clock = clock
        self.settings = settings

    # -- writing -----------------------------------------------------------------------------

    def _submit_for_search(self, docs: list[SearchDoc]) -> None:
        """Hand records to the search index; an indexing problem never fails an ingestion (the
        record stays stored and `copilot reindex` makes it searchable later)."""
        if self.index is None:
            return
        try:
            self.index(docs)
        except Exception:
            log.exception(
                "could not queue records for search", extra={"records": [d.record_id for d in docs]}
            )

    def _interaction(self, payload: dict[str, Any], reference: datetime) -> Interaction:
        """The input as an interaction, with relative dates read in the team's time zone."""
        return build_interaction(
            payload,
            reference.astimezone(self.settings.tz),
            max_chars=self.settings.max_input_chars,
            max_messages=self.settings.max_chat_messages,
        )

    def submit(self, principal: Principal, request: FollowUpCreate) -> FollowUpPublic:
        """Store the interaction, extract and apply its fields; the input survives a failed extraction."""
        interaction = self._interaction(request.input, request.reference_time or self.clock.now())
        with self.sessions() as session:
            activity, customer, deal = self._store_raw(session, principal, request, interaction)
            fresh = activity.claim is None
            if activity.status != "received":  # an idempotent resubmission
                return followup_public(session, activity)
            if fresh:
                activity.claim, activity.claimed_at = secrets.token_hex(8), self.clock.now()
                if activity.kind == "meeting":  # a customer meeting opens its three-party minutes
                    minutes_for_meeting(session, activity, customer, deal, now=self.clock.now())
                # the index work is stored with the follow-up, so a crash cannot lose it
                indexing.queue_live(
                    session,
                    activity.org_id,
                    activity.external_id,
                    self.clock.now(),
                    inline=self.index is not None,
                )
            elif not self._take_over(session, activity):
                # a resubmission while the first request is still extracting: it reports the state
                return followup_public(session, activity)
            session.commit()
            if fresh:  # searchable at once, whatever extraction makes of it; indexing runs off this path
                self._submit_for_search(
                    [
                        SearchDoc(
                            org_id=activity.org_id,
                            record_id=activity.external_id,
                            kind=activity.kind,
                            text=activity.text,
                            customer_id=customer.external_id,
                            deal_id=deal.external_id if deal else None,
                            rep_id=principal.user_external_id,
                            at=activity.at,
                        )
                    ]
                )
            return self._extract(session, activity, customer, deal, interaction, principal)

    def preview(
        self, principal: Principal, request: FollowUpCreate
    ) -> tuple[FollowUpFields, QualityVerdict, Interaction]:
        """Read an interaction about a customer in the caller's scope (or a new one, by name),
        storing nothing: the reading, its quality verdict and the interaction its evidence spans
        point into."""
        interaction = self._interaction(request.input, request.reference_time or self.clock.now())
        if request.customer_id is None:
            if request.customer is None:
                raise InvalidInput(
                    "give customer_id, or customer with the new customer's name", key="customer_needed"
                )
            # a customer met for the first time: the CRM knows nothing yet
            context = CustomerContext(name=request.customer.name)
        else:
            with self.sessions() as session:
                customer = get_customer(session, principal, request.customer_id, with_deals=True)
                deal = self._deal(session, principal, customer, request.deal_id)
                context = _context(customer, deal)
                session.rollback()  # read-only: nothing of this session is ever written
        fields = _without_instructed(self.engine.extract_followup(interaction, context), interaction)
        return fields, self.judge(fields.quality), interaction

    def _extract(
        self,
        session: Session,
        activity: Activity,
        customer: Customer,
        deal: Deal | None,
        interaction: Interaction,
        principal: Principal | None = None,
    ) -> FollowUpPublic:
        """Extract and apply, as the holder of the activity's claim; if the claim was taken over
        meanwhile (this process was too slow and another resumed it), nothing is applied twice."""
        claim = activity.claim
        try:
            fields = _without_instructed(
                self.engine.extract_followup(interaction, _context(customer, deal)), interaction
            )
            verdict = self.judge(fields.quality)
        except Exception as exc:  # any engine failure: keep the input, record why, tell the caller
            log.exception("follow-up extraction failed", extra={"activity": activity.external_id})
            if not self._release(session, activity, claim):
                return self._current(session, activity)
            activity.status = "failed"
            activity.error = f"{type(exc).__name__}: {exc}"[:2000]
            _touch(customer, activity)
            session.commit()
            return followup_public(session, activity)
        if not self._release(session, activity, claim):
            return self._current(session, activity)
        extraction, deal = self._apply(
            session, activity, customer, deal, interaction, fields, asdict(verdict), principal
        )
        session.commit()
        return followup_public(session, activity, extraction=extraction, deal=deal)

    def _release(self, session: Session, activity: Activity, claim: str | None) -> bool:
        """Give up the claim as the extraction is applied, in the same transaction; False when it is
        no longer ours. On PostgreSQL the row stays locked until commit; SQLite has one writer."""
        result = session.execute(
            update(Activity)
            .where(Activity.id == activity.id, Activity.status == "received", Activity.claim == claim)
            .values(claim=None)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            return True
        session.rollback()
        return False

    def _current(self, session: Session, activity: Activity) -> FollowUpPublic:
        session.expire_all()
        current = session.get(Activity, activity.id)
        assert current is not None  # activities are never deleted while their customer exists
        return followup_public(session, current)

    def _take_over(self, session: Session, activity: Activity) -> bool:
        """Claim a received activity whose claim has lapsed (its process died); False while the
        claim is still live."""
        now = self.clock.now()
        lapsed = now - timedelta(seconds=self.settings.extraction_lease_s)
        if activity.claimed_at is not None and activity.claimed_at > lapsed:
            return False
        token = secrets.token_hex(8)
        result = session.execute(
            update(Activity)
            .where(
                Activity.id == activity.id,
                Activity.status == "received",
                Activity.claim == activity.claim if activity.claim is not None else Activity.claim.is_(None),
            )
            .values(claim=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            session.rollback()
            return False
        activity.claim, activity.claimed_at = token, now
        return True

    def resume_interrupted(self, limit: int = 100) -> int:
        """Extract follow-ups stored by a process that died before extracting them (their claim has
        lapsed); each is taken over atomically, so workers running this at once never extract one
        twice. Returns how many were extracted or marked failed."""
        lapsed = self.clock.now() - timedelta(seconds=self.settings.extraction_lease_s)
        with self.sessions() as session:
            ids = list(
                session.scalars(
                    select(Activity.id)
                    .where(Activity.status == "received", Activity.claimed_at < lapsed)
                    .order_by(Activity.id)
                    .limit(limit)
                )
            )
        done = 0
        for activity_id in ids:
            with self.sessions() as session:
                activity = session.get(Activity, activity_id)
                if (
                    activity is None
                    or activity.status != "received"
                    or not self._take_over(session, activity)
                ):
                    continue
                session.commit()
                deal = session.get(Deal, activity.deal_id) if activity.deal_id else None
                try:
                    interaction = self._interaction(activity.raw_input or {}, activity.at)
                except InvalidInput as exc:  # accepted once, so this is a stored row gone bad
                    activity.status, activity.error, activity.claim = "failed", exc.message[:2000], None
                    session.commit()
                    done += 1
                    continue
                self._extract(session, activity, activity.customer, deal, interaction)
                done += 1
        if done:
            log.info("resumed interrupted follow-up extractions", extra={"count": done})
        return done

    def _store_raw(
        self, session: Session, principal: Principal, request: FollowUpCreate, interaction: Interaction
    ) -> tuple[Activity, Customer, Deal | None]:
        if request.id is not None:
            existing = session.scalar(
                select(Activity).where(
                    Activity.org_id == principal.org_id, Activity.external_id == request.id
                )
            )
            if existing is not None:
                if existing.raw_input != request.input or not is_visible(
                    session, principal, existing.customer
                ):
                    raise Conflict(f"follow-up id {request.id!r} is already used by another submission")
                return existing, existing.customer, None
        customer = self._customer(session, principal, request)
        deal = self._deal(session, principal, customer, request.deal_id)
        now = self.clock.now()
        activity = Activity(
            org_id=principal.org_id,
            external_id=request.id or new_id("fu"),
            customer=customer,
            deal_id=deal.id if deal else None,
            actor_id=principal.user_id,
            actor_role="sales" if principal.role is AccessRole.REP else None,
            at=interaction.reference_time,
            kind=request.activity_kind or _ACTIVITY_KIND[interaction.kind],
            input_kind=interaction.kind.value,
            text=interaction.text,
            raw_input=request.input,
            status="received",
            created_at=now,
        )
        session.add(activity)
        return activity, customer, deal

    def _customer(self, session: Session, principal: Principal, request: FollowUpCreate) -> Customer:
        if (request.customer_id is None) == (request.customer is None):
            raise InvalidInput(
                "give exactly one of customer_id (an existing customer) or customer (a new one)"
            )
        if request.customer_id is not None:
            return get_customer(session, principal, request.customer_id, with_deals=True)
        assert request.customer is not None
        new = request.customer
        ext_id = new.id or new_id("cus")
        taken = session.scalar(
            select(Customer.id).where(Customer.org_id == principal.org_id, Customer.external_id == ext_id)
        )
        if taken is not None:
            raise Conflict(
                f"customer id {ext_id!r} already exists; send it as customer_id instead",
                key="customer_exists",
                params={"value": ext_id},
            )
        owner_id = principal.user_id
        if new.owner_id is not None:
            owner = session.scalar(
                select(User).where(User.org_id == principal.org_id, User.external_id == new.owner_id)
            )
            if owner is None:
                raise NotFound(f"no user {new.owner_id!r} to own the customer")
            if principal.role is AccessRole.REP and owner.id != principal.user_id:
                raise Forbidden("a rep can only create customers they own")
            owner_id = owner.id
        now = self.clock.now()
        customer = Customer(
            org_id=principal.org_id,
            external_id=ext_id,
            name=new.name,
            industry=new.industry,
            owner_id=owner_id,
            created_at=now,
            updated_at=now,
            next_follow_up_proposed=False,
        )
        session.add(customer)
        session.flush()
        return customer

    def _deal(
        self, session: Session, principal: Principal, customer: Customer, deal_id: str | None
    ) -> Deal | None:
        if deal_id is not None:
            deal = session.scalar(
                select(Deal).where(Deal.org_id == principal.org_id, Deal.external_id == deal_id)
            )
            if deal is None or deal.customer_id != customer.id:
                raise NotFound(f"no deal {deal_id!r} for customer {customer.external_id!r}")
            return deal
        open_deals = [d for d in customer.deals if Stage(d.stage).is_open]
        if open_deals:
            return max(open_deals, key=lambda d: (d.updated_at, d.id))
        return None

    def _apply(
        self,
        session: Session,
        activity: Activity,
        customer: Customer,
        deal: Deal | None,
        interaction: Interaction,
        fields: FollowUpFields,
        verdict: dict[str, bool],
        principal: Principal | None = None,
    ) -> tuple[Extraction, Deal | None]:
        """Record the extraction and update the customer and deal from it."""
        now = self.clock.now()
        _touch(customer, activity)
        day = interaction.reference_time.date()
        # a channel read from the CRM's own history (first met over a year ago) is derived again on
        # every reading and learns nothing new: the record keeps only origins the input states
        derived = fields.provenance.get("source_channel") == "crm_history"
        if fields.source_channel is not None and customer.source_channel is None and not derived:
            customer.source_channel = fields.source_channel.value
            customer.source_channel_activity_id = activity.id
        if fields.first_contact_date is not None and (
            customer.first_contact_date is None or fields.first_contact_date < customer.first_contact_date
        ):
            customer.first_contact_date = fields.first_contact_date
        stage = fields.stage
        stage_note = None
        if stage is not None:
            if deal is None:
                # the customer's first deal, opened by this interaction; a new deal has no
                # confirmation letter yet, so the negotiation gate opens it one stage earlier
                opened = stage
                if stage in GATED_STAGES and load_policy(session, activity.org_id).negotiation_gate.enabled:
                    opened = Stage.PROPOSAL
                    stage_note = (
                        f"the interaction reads as {stage.value}; the new deal opens at proposal because "
                        "the negotiation gate needs a customer confirmation letter (payment method, "
                        "delivery period, acceptance criteria) first"
                    )
                deal = Deal(
                    org_id=activity.org_id,
                    external_id=new_id("deal"),
                    customer_id=customer.id,
                    name=customer.name,
                    stage=opened.value,
                    stage_entered_at=activity.at,
                    created_at=now,
                    updated_at=now,
                )
                session.add(deal)
                session.flush()
                activity.deal_id = deal.id
                session.add(
                    StageChange(
                        org_id=activity.org_id,
                        deal_id=deal.id,
                        stage=opened.value,
                        at=activity.at,
                        source="followup",
                        activity_id=activity.id,
                    )
                )
            else:
                try:
                    change_stage(
                        session,
                        deal,
                        stage,
                        at=activity.at,
                        now=now,
                        source="followup",
                        activity_id=activity.id,
                        principal=principal,
                    )
                except StageLocked as exc:
                    stage_note = exc.message  # the reading is kept; the deal's stage is not moved
        current = Stage(deal.stage) if deal else stage
        proposed = None
        if fields.next_follow_up_date is not None:
            customer.next_follow_up_date = fields.next_follow_up_date
            customer.next_follow_up_proposed = False
        elif current is not None:
            proposed = day + timedelta(days=self.settings.follow_up_days[current.value])
            customer.next_follow_up_date = proposed
            customer.next_follow_up_proposed = True
        customer.updated_at = now
        run = fields.run
        extraction = Extraction(
            org_id=activity.org_id,
            activity_id=activity.id,
            engine=run.engine if run else self.engine.name,
            engine_version=run.version if run else self.engine.version,
            model=run.model if run else None,
            prompt=run.prompt if run else None,
            **reading_record(fields, verdict, proposed),
            usage=dict(run.usage) if run and run.usage else None,
            note="; ".join(n for n in (run.note if run else None, stage_note) if n) or None,
            created_at=now,
        )
        session.add(extraction)
        activity.status = "extracted"
        activity.error = None
        return extraction, deal

    # -- reading -----------------------------------------------------------------------------

    def list_for_customer(
        self, principal: Principal, customer_id: str, *, limit: int = 20, offset: int = 0
    ) -> Page:
        """A customer's follow-ups, newest first."""
        with self.sessions() as session:
            customer = get_customer(session, principal, customer_id)
            base = select(Activity).where(
                Activity.org_id == principal.org_id, Activity.customer_id == customer.id
            )
            total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
            rows = session.scalars(
                base.order_by(Activity.at.desc(), Activity.id.desc()).limit(limit).offset(offset)
            )
            return Page(
                items=[followup_public(session, a) for a in rows.unique()],
                total=total,
                limit=limit,
                offset=offset,
            )

    def find(self, principal: Principal, followup_id: str) -> FollowUpPublic | None:
        """The follow-up with this id if the caller can see it (a retried upload), else None."""
        try:
            return self.get(principal, followup_id)
        except NotFound:
            return None

    def get(self, principal: Principal, followup_id: str) -> FollowUpPublic:
        with self.sessions() as session:
            return followup_public(session, get_activity(session, principal, followup_id))


def reading_record(
    fields: FollowUpFields, verdict: dict[str, bool], proposed: date | None = None
) -> dict[str, Any]:
    """A reading as it is stored (an extraction's fields, quality, signals and evidence, JSON-ready):
    the one shape every reader of a follow-up's reading takes, stored or only previewed."""
    q = fields.quality
    return {
        "fields": {
            "source_channel": _val(fields.source_channel),
            "first_contact_date": _iso(fields.first_contact_date),
            "stage": _val(fields.stage),
            "summary": fields.summary,
            "next_follow_up_date": _iso(fields.next_follow_up_date),
            "proposed_next_follow_up_date": _iso(proposed),
            "provenance": dict(fields.provenance),
        },
        "quality": {
            "discovery_questions": [e.as_dict() for e in q.discovery_questions],
            "pain_seconds": round(q.pain_seconds, 1),
            "pain_measured": q.pain_measured,
            "pain_evidence": [e.as_dict() for e in q.pain_evidence],
            "next_step": q.next_step.as_dict() if q.next_step else None,
            "verdict": verdict,
        },
        "signals": [{"signal": h.signal.value, **h.evidence.as_dict()} for h in fields.signals],
        "evidence": {k: e.as_dict() for k, e in fields.evidence.items()},
    }


def _touch(customer: Customer, activity: Activity) -> None:
    """Keep the customer's last activity time; written with the extraction, in one UPDATE."""
    if customer.last_activity_at is None or activity.at > customer.last_activity_at:
        customer.last_activity_at = activity.at


def _without_instructed(fields: FollowUpFields, interaction: Interaction) -> FollowUpFields:
    """The reading without values taken from sentences that address the model; the note says which."""
    kept, dropped = drop_instructed(fields, interaction.text)
    if not dropped or kept.run is None:
        return kept
    note = f"not applied, read from text addressing the model: {', '.join(dropped)}"
    run = replace(kept.run, note="; ".join(n for n in (kept.run.note, note) if n)[:1000])
    return replace(kept, run=run)


def _context(customer: Customer, deal: Deal | None) -> CustomerContext:
    return CustomerContext(
        name=customer.name,
        contacts=tuple(c.name for c in customer.contacts if c.name),
        known_first_contact_date=customer.first_contact_date,
        known_source_channel=Channel(customer.source_channel) if customer.source_channel else None,
        current_stage=Stage(deal.stage) if deal else None,
    )


def _val(value: Any) -> Any:
    return None if value is None else value.value


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()
