"""Every message leaves through the outbox: stored first, then delivered, retried with backoff.

- `enqueue` stores one message per enabled webhook that takes the job; a repeated dedupe key (the
  same brief for the same day, the same deal's alert for the same day) is stored once.
- `dispatch` claims due messages one at a time with a lease: an UPDATE that only succeeds while
  the message is pending and unleased, so two service processes never send the same message. A
  process that dies mid-send leaves a lease that expires; the message is then retried.
- A failed delivery (network error, HTTP error, or WeCom's JSON `errcode` other than 0) is retried
  after 30 s, 1 min, 2 min ... up to 1 h apart; after `max_attempts` the message is `dead`, kept
  and listed by `copilot outbox`, never dropped silently.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from copilot.clock import Clock
from copilot.errors import InvalidInput, NotFound
from copilot.store.models import OutboxMessage, Webhook

log = logging.getLogger("copilot.outbox")

WEBHOOK_KINDS = ("wecom", "signed_json")
JOBS = ("brief", "patrol", "alerts", "funnel", "minutes")
MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failures: 30 s doubling, at most 1 h."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass(frozen=True)
class Delivery:
    ok: bool
    detail: str


class DeliveryError(Exception):
    pass


# -- webhooks ---------------------------------------------------------------------------------


def add_webhook(
    session: Session,
    org_id: int,
    *,
    name: str,
    kind: str,
    url: str,
    jobs: list[str],
    secret: str | None,
    now: datetime,
) -> Webhook:
    if kind not in WEBHOOK_KINDS:
        raise InvalidInput(f"webhook kind must be one of {', '.join(WEBHOOK_KINDS)}")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput("webhook url must be an http(s) URL")
    unknown = sorted(set(jobs) - set(JOBS))
    if not jobs or unknown:
        raise InvalidInput(
            f"jobs must be some of {', '.join(JOBS)}" + (f"; unknown: {unknown}" if unknown else "")
        )
    if kind == "signed_json" and not secret:
        raise InvalidInput("a signed_json webhook needs a secret to sign with")
    if not name.strip() or len(name) > 100:
        raise InvalidInput("webhook name must be 1-100 characters")
    hook = Webhook(
        org_id=org_id,
        name=name.strip(),
        kind=kind,
        url=url,
        secret=secret,
        jobs=sorted(set(jobs)),
        enabled=True,
        created_at=now,
    )
    session.add(hook)
    session.flush()
    return hook


def webhook_view(hook: Webhook) -> dict[str, Any]:
    """A webhook as shown to admins: the URL's key and the secret never leave the service."""
    parsed = urlparse(hook.url)
    return {
        "id": hook.id,
        "name": hook.name,
        "kind": hook.kind,
        "url": f"{parsed.scheme}://{parsed.netloc}{parsed.path}" + ("?…" if parsed.query else ""),
        "jobs": hook.jobs,
        "enabled": hook.enabled,
        "signed": bool(hook.secret),
        "created_at": hook.created_at.isoformat(),
    }


def get_webhook(session: Session, org_id: int, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.org_id != org_id:
        raise NotFound(f"no webhook {webhook_id}")
    return hook


# -- enqueue ----------------------------------------------------------------------------------


def enqueue(
    session: Session,
    org_id: int,
    job: str,
    dedupe_key: str,
    render: Callable[[Webhook], dict[str, Any]],
    *,
    now: datetime,
) -> int:
    """Store the message for every enabled webhook that takes `job` (once per dedupe key);
    the number of messages newly stored."""
    hooks = session.scalars(
        select(Webhook).where(Webhook.org_id == org_id, Webhook.enabled.is_(True)).order_by(Webhook.id)
    ).all()
    stored = 0
    for hook in hooks:
        if job not in hook.jobs:
            continue
        exists = session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.org_id == org_id,
                OutboxMessage.webhook_id == hook.id,
                OutboxMessage.dedupe_key == dedupe_key,
            )
        )
        if exists is not None:
            continue
        try:
            with session.begin_nested():
                session.add(
                    OutboxMessage(
                        org_id=org_id,
                        webhook_id=hook.id,
                        job=job,
                        dedupe_key=dedupe_key,
                        payload=render(hook),
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
            stored += 1
        except IntegrityError:  # another process stored it first
            continue
    return stored


# -- dispatch ---------------------------------------------------------------------------------


class Transport:
    """Posts a message to its webhook; WeCom replies 200 with an `errcode`, 0 meaning delivered."""

    def __init__(self, timeout_s: float = 10.0, client: httpx.Client | None = None) -> None:
        self.client = client or httpx.Client(timeout=timeout_s, trust_env=False)

    def send(self, hook: Webhook, message: OutboxMessage, now: datetime) -> Delivery:
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": f"outbox-{message.id}",
        }
        if hook.kind == "signed_json" and hook.secret:
            stamp = str(int(now.timestamp()))
            digest = hmac.new(hook.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            headers["X-Copilot-Timestamp"] = stamp
            headers["X-Copilot-Signature"] = f"sha256={digest}"
        try:
            response = self.client.post(hook.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Delivery(False, f"{type(exc).__name__}: {exc}"[:300])
        if response.status_code >= 300:
            return Delivery(False, f"HTTP {response.status_code}: {response.text[:200]}")
        if hook.kind == "wecom":
            try:
                reply = response.json()
            except ValueError:
                return Delivery(False, f"not JSON: {response.text[:200]}")
            if not isinstance(reply, dict) or reply.get("errcode") != 0:
                return Delivery(
                    False,
                    f"errcode {reply.get('errcode') if isinstance(reply, dict) else '?'}: "
                    f"{reply.get('errmsg') if isinstance(reply, dict) else reply}"[:300],
                )
        return Delivery(True, f"HTTP {response.status_code}")

    def close(self) -> None:
        self.client.close()


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(sessions: sessionmaker[Session], message_id: int, owner: str, now: datetime) -> bool:
    """Take the message for `owner` unless another process holds it (an atomic compare-and-set)."""
    with sessions.begin() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def dispatch(
    sessions: sessionmaker[Session],
    clock: Clock,
    transport: Transport,
    *,
    org_id: int | None = None,
    limit: int = 100,
    owner: str | None = None,
) -> dict[str, int]:
    """Deliver what is due; counts of sent, failed (to retry) and dead messages."""
    owner = owner or worker_id()
    now = clock.now()
    with sessions() as session:
        query = select(OutboxMessage.id).where(
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        if org_id is not None:
            query = query.where(OutboxMessage.org_id == org_id)
        due = list(
            session.scalars(query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        )
    counts = {"sent": 0, "failed": 0, "dead": 0}
    for message_id in due:
        if not claim(sessions, message_id, owner, clock.now()):
            continue
        with sessions() as session:
            message = session.get(OutboxMessage, message_id)
            assert message is not None
            hook = session.get(Webhook, message.webhook_id)
            session.expunge_all()
        started = time.monotonic()
        result = (
            transport.send(hook, message, clock.now())
            if hook is not None and hook.enabled
            else Delivery(False, "webhook disabled or removed")
        )
        outcome = _record(sessions, message_id, owner, result, clock.now())
        counts[outcome] += 1
        log.info(
            "outbox message %s job=%s webhook=%s attempt=%s %s (%s) in %.0f ms",
            message_id,
            message.job,
            message.webhook_id,
            message.attempts + 1,
            outcome,
            result.detail,
            (time.monotonic() - started) * 1000,
        )
    return counts


def _record(
    sessions: sessionmaker[Session], message_id: int, owner: str, result: Delivery, now: datetime
) -> str:
    with sessions.begin() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        if message.lease_owner != owner:  # our lease expired and another process took it over
            return "failed"
        message.attempts += 1
        message.lease_owner = None
        message.lease_until = None
        if result.ok:
            message.status, message.sent_at, message.last_error = "sent", now, None
            return "sent"
        message.last_error = result.detail
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "dead"
            log.error(
                "outbox message %s is dead after %s attempts: %s", message_id, message.attempts, result.detail
            )
            return "dead"
        message.next_attempt_at = now + backoff(message.attempts)
        return "failed"


def outbox_view(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "job": message.job,
        "webhook_id": message.webhook_id,
        "dedupe_key": message.dedupe_key,
        "status": message.status,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat(),
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }


def list_outbox(
    session: Session, org_id: int, *, status: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    query = select(OutboxMessage).where(OutboxMessage.org_id == org_id)
    if status is not None:
        if status not in ("pending", "sent", "dead"):
            raise InvalidInput("status must be pending, sent or dead")
        query = query.where(OutboxMessage.status == status)
    rows = session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit))
    return [outbox_view(m) for m in rows]


def retry_dead(session: Session, org_id: int, message_id: int, now: datetime) -> dict[str, Any]:
    """Put a dead message back in the queue (after the receiver is fixed)."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.org_id != org_id:
        raise NotFound(f"no outbox message {message_id}")
    if message.status != "dead":
        raise InvalidInput(f"message {message_id} is {message.status}, not dead")
    message.status, message.attempts, message.next_attempt_at = "pending", 0, now
    return outbox_view(message)
