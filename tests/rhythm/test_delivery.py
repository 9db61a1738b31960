"""Delivery end to end against a local receiver that imitates the WeCom robot API: retries with
backoff, exactly one accepted message, restarts, two processes, signatures, dead letters."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import timedelta

from fastapi.testclient import TestClient

from api.runtime import Runtime, build_runtime
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.rhythm.outbox import MAX_ATTEMPTS, Transport, dispatch
from copilot.store.models import OutboxMessage
from tests.conftest import NOW, Org, auth
from tests.rhythm.receiver import wecom_receiver


def _hook(client: TestClient, org: Org, url: str, **extra: object) -> dict[str, object]:
    body = {"name": "销售群", "kind": "wecom", "url": url, "jobs": ["brief", "patrol", "alerts"], **extra}
    r = client.post("/v1/webhooks", headers=auth(org.keys["admin"]), json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _clock(runtime: Runtime) -> FixedClock:
    assert isinstance(runtime.clock, FixedClock)
    return runtime.clock


def _messages(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.sessions() as s:
        return list(s.query(OutboxMessage).order_by(OutboxMessage.id))


def test_a_receiver_that_fails_twice_gets_the_brief_exactly_once(
    client: TestClient, runtime: Runtime, acme: Org
) -> None:
    with wecom_receiver(["errcode", "http500"]) as wecom:
        _hook(client, acme, wecom.url)
        assert runtime.rhythm.run_job(acme.id, "brief")["queued"] == 1  # type: ignore[index]
        clock = _clock(runtime)
        assert runtime.rhythm.deliver() == {"sent": 0, "failed": 1, "dead": 0}
        (message,) = _messages(runtime)
        assert message.attempts == 1 and "errcode 93000" in (message.last_error or "")
        assert message.next_attempt_at == NOW + timedelta(seconds=30)
        assert runtime.rhythm.deliver()["failed"] == 0  # not due yet: nothing is tried
        clock.at += timedelta(seconds=31)
        assert runtime.rhythm.deliver()["failed"] == 1  # HTTP 500; next wait doubles to 60 s
        clock.at += timedelta(seconds=61)
        assert runtime.rhythm.deliver()["sent"] == 1
        clock.at += timedelta(hours=2)
        assert runtime.rhythm.deliver() == {"sent": 0, "failed": 0, "dead": 0}
        assert wecom.attempts == 3 and len(wecom.accepted) == 1
        body = wecom.accepted[0].body
        assert body["msgtype"] == "markdown" and body["markdown"]["content"].startswith("## 作战简报")
        # the same day's brief is not queued twice
        assert runtime.rhythm.run_job(acme.id, "brief")["queued"] == 0  # type: ignore[index]
    (message,) = _messages(runtime)
    assert message.status == "sent" and message.attempts == 3 and message.last_error is None


def test_a_restart_in_the_middle_of_a_retry_loses_nothing(
    client: TestClient, runtime: Runtime, settings: Settings, acme: Org
) -> None:
    with wecom_receiver(["errcode"]) as wecom:
        _hook(client, acme, wecom.url)
        runtime.rhythm.run_job(acme.id, "patrol")
        runtime.rhythm.deliver()  # fails once, then the process "dies"
        # a message claimed by a process killed mid-send: its lease must expire, not block forever
        with runtime.sessions.begin() as s:
            m = s.query(OutboxMessage).one()
            m.next_attempt_at = NOW
            m.lease_owner, m.lease_until = "dead-host:1", NOW + timedelta(seconds=60)
        restarted = build_runtime(settings, clock=FixedClock(NOW + timedelta(seconds=30)))
        try:
            assert restarted.rhythm.deliver()["sent"] == 0  # still leased by the dead process
            assert isinstance(restarted.clock, FixedClock)
            restarted.clock.at = NOW + timedelta(seconds=61)
            assert restarted.rhythm.deliver()["sent"] == 1
        finally:
            restarted.close()
        assert len(wecom.accepted) == 1 and wecom.accepted[0].body["markdown"]["content"].startswith(
            "## 静默巡检"
        )


def test_two_processes_delivering_at_once_send_each_message_once(
    client: TestClient, runtime: Runtime, settings: Settings, acme: Org
) -> None:
    with wecom_receiver(delay_s=0.2) as wecom:
        _hook(client, acme, wecom.url)
        assert runtime.rhythm.run_job(acme.id, "alerts")["queued"] >= 1  # type: ignore[index]
        queued = len(_messages(runtime))
        other = build_runtime(settings, clock=FixedClock(NOW))
        results: list[dict[str, int]] = []

        def work(rt: Runtime, owner: str) -> None:
            results.append(dispatch(rt.sessions, rt.clock, Transport(), owner=owner))

        threads = [
            threading.Thread(target=work, args=(runtime, "host-a:1")),
            threading.Thread(target=work, args=(other, "host-b:2")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        other.close()
        assert sum(r["sent"] for r in results) == queued
        assert len(wecom.accepted) == queued == wecom.attempts
        cards = [r.body for r in wecom.accepted]
        assert all(c["msgtype"] == "template_card" for c in cards)
        assert all(
            c["template_card"]["card_action"]["url"].endswith(
                f"/app/deals/{c['template_card']['jump_list'][0]['url'].rsplit('/', 1)[1]}"
            )
            for c in cards
        )


def test_a_signed_json_receiver_can_verify_the_body(client: TestClient, runtime: Runtime, acme: Org) -> None:
    with wecom_receiver() as receiver:
        view = _hook(client, acme, receiver.url, kind="signed_json", secret="s3cret-signing-key")
        assert "s3cret" not in str(view) and "test-key" not in str(view)
        runtime.rhythm.run_job(acme.id, "brief")
        assert runtime.rhythm.deliver()["sent"] == 1
        got = receiver.accepted[0]
        stamp = got.headers["X-Copilot-Timestamp"]
        expected = hmac.new(
            b"s3cret-signing-key", stamp.encode() + b"." + got.raw, hashlib.sha256
        ).hexdigest()
        assert got.headers["X-Copilot-Signature"] == f"sha256={expected}"
        assert got.body["event"] == "brief" and "numbers" in got.body["data"]


def test_a_receiver_that_never_recovers_leaves_a_dead_message_that_can_be_retried(
    client: TestClient, runtime: Runtime, acme: Org
) -> None:
    with wecom_receiver(["http500"] * MAX_ATTEMPTS) as wecom:
        _hook(client, acme, wecom.url)
        runtime.rhythm.run_job(acme.id, "brief")
        clock = _clock(runtime)
        for _ in range(MAX_ATTEMPTS):
            runtime.rhythm.deliver()
            clock.at += timedelta(hours=1, seconds=1)
        key = auth(acme.keys["admin"])
        dead = client.get("/v1/outbox", headers=key, params={"status": "dead"}).json()
        assert len(dead) == 1 and dead[0]["attempts"] == MAX_ATTEMPTS and "HTTP 500" in dead[0]["last_error"]
        assert client.post(f"/v1/outbox/{dead[0]['id']}/retry", headers=key).status_code == 200
        assert runtime.rhythm.deliver()["sent"] == 1 and len(wecom.accepted) == 1


def test_webhooks_and_the_outbox_are_for_admins_and_their_own_organization(
    client: TestClient, acme: Org, globex: Org
) -> None:
    body = {"name": "x", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}
    assert client.post("/v1/webhooks", headers=auth(acme.keys["r1"]), json=body).status_code == 403
    assert client.get("/v1/outbox", headers=auth(acme.keys["supervisor"])).status_code == 403
    made = client.post("/v1/webhooks", headers=auth(acme.keys["admin"]), json=body).json()
    assert client.get("/v1/webhooks", headers=auth(globex.keys["admin"])).json() == []
    assert client.delete(f"/v1/webhooks/{made['id']}", headers=auth(globex.keys["admin"])).status_code == 404
    bad = {**body, "url": "ftp://example.com"}
    assert client.post("/v1/webhooks", headers=auth(acme.keys["admin"]), json=bad).status_code == 422
    unsigned = {**body, "kind": "signed_json"}
    assert client.post("/v1/webhooks", headers=auth(acme.keys["admin"]), json=unsigned).status_code == 422
    jobs = {**body, "jobs": ["weather"]}
    assert client.post("/v1/webhooks", headers=auth(acme.keys["admin"]), json=jobs).status_code == 422


def test_the_scheduler_thread_runs_due_jobs_and_delivers_them(
    client: TestClient, runtime: Runtime, acme: Org
) -> None:
    from copilot.rhythm.service import Scheduler

    with wecom_receiver() as wecom:
        _hook(client, acme, wecom.url)
        # the webhook was made at 10:00; the next morning's 08:30 brief and 09:00 alerts are due
        _clock(runtime).at = NOW + timedelta(hours=23)
        scheduler = Scheduler(runtime.rhythm, interval_s=0.05)
        scheduler.start()
        try:
            for _ in range(100):
                if wecom.accepted:
                    break
                threading.Event().wait(0.05)
        finally:
            scheduler.stop()
        assert not scheduler.is_alive()
        cards = [r.body for r in wecom.accepted if r.body["msgtype"] == "template_card"]
        assert cards and all("商机超期" in c["template_card"]["main_title"]["title"] for c in cards)
