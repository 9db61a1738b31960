"""The daily rhythm: the brief, the patrol and the alerts, read on demand or pushed on schedule.

Scheduled and on-demand runs both go through `run_job`, which stores the messages in the outbox
inside the same transaction that records the run (`job_runs`, unique per organization, job and
slot): when two service processes tick at once, one records the slot and the other backs off.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from copilot import audit
from copilot.access import AccessRole, Principal, require_role
from copilot.clock import Clock
from copilot.errors import InvalidInput
from copilot.pipeline.snapshot import PipelineSnapshot, SnapshotCache
from copilot.policies import Policy, load_policy
from copilot.rhythm import jobs, messages
from copilot.rhythm.outbox import (
    JOBS,
    Transport,
    add_webhook,
    dispatch,
    enqueue,
    get_webhook,
    list_outbox,
    retry_dead,
    webhook_view,
)
from copilot.rhythm.schedule import due_slot, schedules
from copilot.risks.service import visible_customers, visible_reps
from copilot.store.models import JobRun, Organization, Webhook
from copilot.suggest.service import policy_zone

log = logging.getLogger("copilot.rhythm")

# (session, org_id, now) -> minutes blocks still empty past their deadline, flagged once each
MinutesSource = Callable[[Session, int, datetime], list[dict[str, Any]]]


class RhythmService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        snapshots: SnapshotCache,
        tz: tzinfo,
        public_url: str,
        transport: Transport | None = None,
        minutes_source: MinutesSource | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.snapshots = snapshots
        self.tz = tz
        self.public_url = public_url.rstrip("/")
        self.transport = transport
        self.minutes_source = minutes_source

    # -- reading ----------------------------------------------------------------------------

    def _scope(
        self, session: Session, principal: Principal
    ) -> tuple[PipelineSnapshot, Policy, set[int], set[int]]:
        snap = self.snapshots.get(session, principal.org_id)
        policy = load_policy(session, principal.org_id)
        visible = visible_customers(snap, principal)
        return snap, policy, visible, visible_reps(snap, principal, visible)

    def brief(
        self, principal: Principal, *, as_of: datetime | None = None, with_funnels: bool = False
    ) -> dict[str, Any]:
        """The one-page brief for the caller's scope; `with_funnels` adds every rep's funnel
        (`funnels`), not only the flagged drops."""
        as_of = as_of or self.clock.now()
        with self.sessions() as session:
            snap, policy, visible, reps = self._scope(session, principal)
            return jobs.brief(
                session,
                snap,
                visible,
                reps,
                as_of,
                policy_zone(policy, self.tz),
                policy,
                with_funnels=with_funnels,
            )

    def patrol(self, principal: Principal, *, as_of: datetime | None = None) -> dict[str, Any]:
        as_of = as_of or self.clock.now()
        with self.sessions() as session:
            snap, policy, visible, _ = self._scope(session, principal)
            return jobs.patrol(session, snap, visible, as_of, policy, policy_zone(policy, self.tz))

    def alerts(self, principal: Principal, *, as_of: datetime | None = None) -> dict[str, Any]:
        as_of = as_of or self.clock.now()
        with self.sessions() as session:
            snap, policy, visible, _ = self._scope(session, principal)
            found = jobs.overdue_alerts(snap, visible, as_of, policy)
        return {"as_of": as_of.isoformat(), "count": len(found), "alerts": found}

    # -- webhooks and the outbox (admins) ---------------------------------------------------

    def add_webhook(self, principal: Principal, payload: Any) -> dict[str, Any]:
        require_role(principal, AccessRole.ADMIN)
        if not isinstance(payload, dict):
            raise InvalidInput("send the webhook as a JSON object: name, kind, url, jobs, secret")
        unknown = sorted(set(payload) - {"name", "kind", "url", "jobs", "secret"})
        if unknown:
            raise InvalidInput(f"unknown webhook fields: {', '.join(unknown)}")
        fields = {k: payload.get(k) for k in ("name", "kind", "url")}
        if not all(isinstance(v, str) for v in fields.values()):
            raise InvalidInput("name, kind and url are required strings")
        jobs_in = payload.get("jobs", list(JOBS))
        secret = payload.get("secret")
        if not isinstance(jobs_in, list) or not all(isinstance(j, str) for j in jobs_in):
            raise InvalidInput("jobs must be a list of job names")
        if secret is not None and (not isinstance(secret, str) or not 8 <= len(secret) <= 200):
            raise InvalidInput("secret must be a string of 8-200 characters")
        with self.sessions.begin() as session:
            hook = add_webhook(
                session,
                principal.org_id,
                name=str(fields["name"]),
                kind=str(fields["kind"]),
                url=str(fields["url"]),
                jobs=jobs_in,
                secret=secret,
                now=self.clock.now(),
            )
            session.flush()
            # the URL and secret are credentials: the entry names the webhook by id, kind and jobs
            audit.record(
                session,
                principal.org_id,
                principal,
                "webhook.added",
                "webhook",
                hook.id,
                now=self.clock.now(),
                detail={"kind": hook.kind, "jobs": list(hook.jobs)},
            )
            return webhook_view(hook)

    def list_webhooks(self, principal: Principal) -> list[dict[str, Any]]:
        require_role(principal, AccessRole.ADMIN)
        with self.sessions() as session:
            rows = session.scalars(
                select(Webhook).where(Webhook.org_id == principal.org_id).order_by(Webhook.id)
            )
            return [webhook_view(h) for h in rows]

    def remove_webhook(self, principal: Principal, webhook_id: int) -> None:
        """Disable the webhook (its outbox history stays readable)."""
        require_role(principal, AccessRole.ADMIN)
        with self.sessions.begin() as session:
            hook = get_webhook(session, principal.org_id, webhook_id)
            if hook.enabled:
                audit.record(
                    session,
                    principal.org_id,
                    principal,
                    "webhook.removed",
                    "webhook",
                    hook.id,
                    now=self.clock.now(),
                    detail={"kind": hook.kind},
                )
            hook.enabled = False

    def outbox(
        self, principal: Principal, *, status: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        require_role(principal, AccessRole.ADMIN)
        with self.sessions() as session:
            return list_outbox(session, principal.org_id, status=status, limit=limit)

    def retry(self, principal: Principal, message_id: int) -> dict[str, Any]:
        require_role(principal, AccessRole.ADMIN)
        with self.sessions.begin() as session:
            return retry_dead(session, principal.org_id, message_id, self.clock.now())

    # -- jobs -------------------------------------------------------------------------------

    def run_job(
        self,
        org_id: int,
        job: str,
        *,
        now: datetime | None = None,
        slot: datetime | None = None,
        trigger: str = "manual",
    ) -> dict[str, Any] | None:
        """Compute the job for the whole organization and store its messages in the outbox.
        With a slot, the run is recorded once per slot: None when the slot already ran."""
        if job not in ("brief", "patrol", "alerts"):
            raise InvalidInput("job must be brief, patrol or alerts")
        now = now or self.clock.now()
        try:
            with self.sessions.begin() as session:
                run = None
                if slot is not None:
                    run = JobRun(
                        org_id=org_id, job=job, slot=slot, trigger=trigger, started_at=now, messages=0
                    )
                    session.add(run)
                    session.flush()  # the unique (org, job, slot) key: another process may hold it
                stored, found = self._compose(session, org_id, job, now)
                if run is not None:
                    run.messages, run.finished_at = stored, self.clock.now()
        except IntegrityError:
            log.info("job %s for org %s slot %s already ran elsewhere", job, org_id, slot)
            return None
        log.info("job %s for org %s (%s): %s items, %s messages queued", job, org_id, trigger, found, stored)
        return {"job": job, "org_id": org_id, "trigger": trigger, "items": found, "queued": stored}

    def _compose(self, session: Session, org_id: int, job: str, now: datetime) -> tuple[int, int]:
        org = session.get(Organization, org_id)
        assert org is not None
        snap = self.snapshots.get(session, org_id)
        policy = load_policy(session, org_id)
        tz = policy_zone(policy, self.tz)
        lang = policy.language
        everyone = {c.idx for c in snap.customers}
        day = now.astimezone(tz).date().isoformat()
        if job == "brief":
            reps = {u.id for u in snap.reps()}
            data = jobs.brief(session, snap, everyone, reps, now, tz, policy)
            link = f"{self.public_url}/app/brief?day={day}"
            text = messages.brief_markdown(data, org.name, link, lang)
            return enqueue(
                session, org_id, "brief", f"brief:{day}", _payload("brief", org.slug, data, text), now=now
            ), 1
        if job == "patrol":
            data = jobs.patrol(session, snap, everyone, now, policy, tz)
            link = f"{self.public_url}/app/patrol?day={day}"
            text = messages.patrol_markdown(data, org.name, link, lang)
            return enqueue(
                session, org_id, "patrol", f"patrol:{day}", _payload("patrol", org.slug, data, text), now=now
            ), data["count"]
        stored = 0
        alerts = jobs.overdue_alerts(snap, everyone, now, policy)
        for alert in alerts:
            link = f"{self.public_url}/app/deals/{alert['deal_id']}"
            card = messages.alert_card(alert, org.name, link, lang)
            stored += enqueue(
                session,
                org_id,
                "alerts",
                f"alert:{alert['deal_id']}:{day}",
                _card_payload("deal_overdue", org.slug, alert, card),
                now=now,
            )
        blocks = self.minutes_source(session, org_id, now) if self.minutes_source else []
        for block in blocks:
            link = f"{self.public_url}/app/customers/{block.get('customer_id', '')}"
            card = messages.minutes_card(block, org.name, link, lang)
            stored += enqueue(
                session,
                org_id,
                "alerts",
                f"minutes:{block.get('minutes_id')}:{block.get('block')}",
                _card_payload("minutes_block_overdue", org.slug, block, card),
                now=now,
            )
        return stored, len(alerts) + len(blocks)

    def tick(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Run every job whose slot is due, for every organization with a webhook that takes it."""
        now = now or self.clock.now()
        with self.sessions() as session:
            hooks = session.execute(
                select(Webhook.org_id, Webhook.jobs, Webhook.created_at).where(Webhook.enabled.is_(True))
            ).all()
            wanted: dict[int, dict[str, datetime]] = {}  # org -> job -> since when it has a target
            for org_id, hook_jobs, created in hooks:
                for job in hook_jobs:
                    since = wanted.setdefault(org_id, {}).get(job)
                    wanted[org_id][job] = created if since is None else min(since, created)
            plans: list[tuple[int, str, datetime]] = []
            for org_id, org_jobs in sorted(wanted.items()):
                policy = load_policy(session, org_id)
                if not policy.rhythm.enabled:
                    continue
                tz = policy_zone(policy, self.tz)
                for schedule in schedules(policy.rhythm):
                    if schedule.job not in org_jobs:
                        continue
                    done = set(
                        session.scalars(
                            select(JobRun.slot)
                            .where(JobRun.org_id == org_id, JobRun.job == schedule.job)
                            .order_by(JobRun.slot.desc())
                            .limit(5)
                        )
                    )
                    slot = due_slot(schedule, now, tz, done)
                    # a slot from before the job had anywhere to go is not caught up
                    if slot is not None and slot >= org_jobs[schedule.job]:
                        plans.append((org_id, schedule.job, slot))
        runs = []
        for org_id, job, slot in plans:
            trigger = "schedule" if now - slot < _ON_TIME else "catch_up"
            result = self.run_job(org_id, job, now=now, slot=slot, trigger=trigger)
            if result is not None:
                runs.append(result)
        return runs

    def deliver(self, org_id: int | None = None) -> dict[str, int]:
        """Send what is due in the outbox."""
        transport = self.transport or Transport()
        try:
            return dispatch(self.sessions, self.clock, transport, org_id=org_id)
        finally:
            if self.transport is None:
                transport.close()


def _payload(
    event: str, org_slug: str, data: dict[str, Any], text: str
) -> Callable[[Webhook], dict[str, Any]]:
    def render(hook: Webhook) -> dict[str, Any]:
        return (
            messages.markdown(text) if hook.kind == "wecom" else messages.generic(event, org_slug, data, text)
        )

    return render


def _card_payload(
    event: str, org_slug: str, data: dict[str, Any], card: dict[str, Any]
) -> Callable[[Webhook], dict[str, Any]]:
    def render(hook: Webhook) -> dict[str, Any]:
        return card if hook.kind == "wecom" else messages.generic(event, org_slug, data)

    return render


_ON_TIME = timedelta(minutes=10)


class Scheduler(threading.Thread):
    """Runs due jobs and delivers the outbox every `interval_s` seconds, inside `copilot serve`."""

    def __init__(self, rhythm: RhythmService, interval_s: float = 30.0) -> None:
        super().__init__(name="copilot-scheduler", daemon=True)
        self.rhythm = rhythm
        self.interval_s = interval_s
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.rhythm.tick()
                self.rhythm.deliver()
            except Exception:  # a bad tick must not end the scheduler; it is logged and retried
                log.exception("scheduler tick failed")
            self.stopped.wait(self.interval_s)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)
