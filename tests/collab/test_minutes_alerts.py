"""An empty minutes block past its two hours reaches its owner through the alerts job, once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.collab.conftest import hours, new_minutes, ok, set_now
from tests.conftest import NOW, Org, auth
from tests.rhythm.receiver import wecom_receiver


def test_an_overdue_block_is_sent_to_its_owner_once(client: TestClient, acme: Org, runtime: Runtime) -> None:
    m = new_minutes(client, acme.keys["r1"], meeting_at=NOW.isoformat())
    ok(
        client.put(
            f"/v1/minutes/{m['id']}/blocks/objections",
            headers=auth(acme.keys["r1"]),
            json={"text": "担心停产"},
        )
    )
    with wecom_receiver() as wecom:
        hook = {"name": "群", "kind": "wecom", "url": wecom.url, "jobs": ["alerts"]}
        assert client.post("/v1/webhooks", headers=auth(acme.keys["admin"]), json=hook).status_code == 201
        set_now(runtime, NOW + hours(2))  # at the deadline: nothing about the minutes yet
        runtime.rhythm.run_job(acme.id, "alerts")
        runtime.rhythm.deliver()
        assert not [r for r in wecom.accepted if "纪要" in str(r.body)]
        set_now(runtime, NOW + hours(3))
        runtime.rhythm.run_job(acme.id, "alerts")
        runtime.rhythm.run_job(acme.id, "alerts")  # a second run the same day sends nothing new
        runtime.rhythm.deliver()
    cards = [r.body["template_card"] for r in wecom.accepted if "纪要" in str(r.body)]
    titles = sorted(c["main_title"]["title"] for c in cards)
    assert titles == ["三方纪要待补：技术约束", "三方纪要待补：资源缺口"]
    assert all("3小时" in c["sub_title_text"].replace(" ", "") for c in cards)
