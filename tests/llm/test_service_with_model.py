"""The service configured with a model endpoint: follow-ups through the LLM engine, and voice notes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import build_runtime
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.domain import CustomerContext
from evaluators.scripted_openai import Reply, ScriptedOpenAI
from tests.conftest import NOW, Org, auth, load_fixture, make_org
from tests.llm.test_llm_engine import answer


@pytest.fixture
def model_client(tmp_path: Path, openai_server: ScriptedOpenAI) -> Iterator[tuple[TestClient, Org]]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        llm_base_url=openai_server.url,
        llm_model="scripted-model",
        llm_retries=0,
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    with TestClient(create_app(runtime)) as client:
        yield client, org
    runtime.close()


NOTE = "孙厂长说价格还得再商量 下周三前我把分三期的方案发过去"


def test_followup_through_the_model_records_engine_and_usage(
    model_client: tuple[TestClient, Org], openai_server: ScriptedOpenAI
) -> None:
    client, org = model_client
    openai_server.queue(
        Reply(
            json=answer(
                source_channel=None,
                source_channel_quote=None,
                first_contact_phrase=None,
                stage_quote="价格还得再商量",
                pain_quotes=[],
                discovery_questions=[],
                next_step_quote="下周三前我把分三期的方案发过去",
                signals=[{"signal": "price", "quote": "价格还得再商量"}],
            ),
            prompt_tokens=640,
            completion_tokens=120,
        )
    )
    r = client.post(
        "/v1/followups",
        headers=auth(org.keys["r1"]),
        json={"customer_id": "c1", "input": {"kind": "dictation", "text": NOTE}},
    )
    assert r.status_code == 201, r.text
    fu = r.json()
    assert fu["engine"] == {
        "name": "llm",
        "version": "1.0.0",
        "model": "scripted-model",
        "prompt": "followup_extract@1",
        "note": None,
    }
    assert fu["fields"]["next_follow_up_date"] == "2026-05-27"
    assert fu["fields"]["source_channel"] == "trade_show"  # not in the note: the CRM's value
    assert [s["signal"] for s in fu["signals"]] == ["price"]
    assert openai_server.chat_requests[0]["_auth"] == "Bearer not-needed"


def test_voice_note_is_transcribed_then_read(
    model_client: tuple[TestClient, Org], openai_server: ScriptedOpenAI
) -> None:
    client, org = model_client
    openai_server.transcript = NOTE
    openai_server.queue(
        Reply(
            json=answer(
                stage_quote="价格还得再商量",
                pain_quotes=[],
                discovery_questions=[],
                source_channel_quote=None,
                first_contact_phrase=None,
            )
        )
    )
    r = client.post(
        "/v1/followups/audio",
        headers=auth(org.keys["r1"]),
        files={"file": ("note.m4a", b"\x00fake-audio" * 100, "audio/mp4")},
        data={"customer_id": "c1"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["text"] == NOTE and r.json()["input_kind"] == "dictation"
    transcription = [x for x in openai_server.requests if x["_path"] == "/v1/audio/transcriptions"]
    assert transcription and transcription[0]["bytes"] == 1100
    empty = client.post(
        "/v1/followups/audio",
        headers=auth(org.keys["r1"]),
        files={"file": ("note.m4a", b"", "audio/mp4")},
        data={"customer_id": "c1"},
    )
    assert empty.status_code == 422


def test_voice_needs_a_configured_endpoint(client: TestClient, acme: Org) -> None:
    r = client.post(
        "/v1/followups/audio",
        headers=auth(acme.keys["r1"]),
        files={"file": ("note.m4a", b"abc", "audio/mp4")},
        data={"customer_id": "c1"},
    )
    assert r.status_code == 501 and "COPILOT_LLM_BASE_URL" in r.json()["detail"]


def _stored(client: TestClient, org: Org, followup: str) -> dict[str, object]:
    r = client.get(f"/v1/followups/{followup}", headers=auth(org.keys["admin"]))
    assert r.status_code == 200, r.text
    return dict(r.json())


INVENTED = "客户已签约，合同金额500万元，下周三安装。"


def test_an_invented_summary_is_reasked_then_replaced_by_the_offline_one(
    model_client: tuple[TestClient, Org], openai_server: ScriptedOpenAI
) -> None:
    client, org = model_client
    for _ in range(2):  # the first answer and the re-ask both invent the same facts
        openai_server.queue(Reply(json=answer(summary=INVENTED, next_follow_up_phrase="下周三前")))
    r = client.post(
        "/v1/followups",
        headers=auth(org.keys["r1"]),
        json={"customer_id": "c1", "input": {"kind": "dictation", "text": NOTE}},
    )
    assert r.status_code == 201, r.text
    fu = _stored(client, org, r.json()["id"])
    summary = fu["fields"]["summary"]  # type: ignore[index]
    assert "500" not in summary and "签约" not in summary and "分三期" in summary
    note = fu["engine"]["note"]  # type: ignore[index]
    assert (
        "summary replaced by the offline engine's" in note
        and "number 500" in note
        and "outcome signed" in note
    )
    assert len(openai_server.chat_requests) == 2
    reask = openai_server.chat_requests[1]["messages"][-1]["content"]
    assert "not in the interaction" in reask


def test_a_reasked_summary_that_keeps_to_the_note_is_kept(
    model_client: tuple[TestClient, Org], openai_server: ScriptedOpenAI
) -> None:
    client, org = model_client
    openai_server.queue(Reply(json=answer(summary=INVENTED)))
    openai_server.queue(Reply(json=answer(summary="孙厂长要再商量价格，下周三前发分三期方案")))
    r = client.post(
        "/v1/followups",
        headers=auth(org.keys["r1"]),
        json={"customer_id": "c1", "input": {"kind": "dictation", "text": NOTE}},
    )
    fu = _stored(client, org, r.json()["id"])
    assert fu["fields"]["summary"] == "孙厂长要再商量价格，下周三前发分三期方案"  # type: ignore[index]
    assert "summary re-asked" in fu["engine"]["note"]  # type: ignore[index]


def test_a_stage_whose_quote_is_dropped_falls_back_to_the_offline_reading(
    model_client: tuple[TestClient, Org], openai_server: ScriptedOpenAI
) -> None:
    client, org = model_client
    note = "和王总把合同条款过了一遍 付款方式他们还要压一压 折扣再谈 下周一前给他回复"
    openai_server.queue(
        Reply(json=answer(stage="negotiation", stage_quote="客户已经同意签约", summary="合同条款过了一遍"))
    )
    r = client.post(
        "/v1/followups",
        headers=auth(org.keys["admin"]),
        json={"customer_id": "c2", "input": {"kind": "dictation", "text": note}},
    )
    assert r.status_code == 201, r.text
    fu = _stored(client, org, r.json()["id"])
    from copilot.extraction.offline import OfflineEngine
    from copilot.followups.interactions import build_interaction

    offline = OfflineEngine().extract_followup(
        build_interaction({"kind": "dictation", "text": note}, NOW), CustomerContext()
    )
    assert offline.stage is not None
    assert fu["fields"]["stage"] == offline.stage.value  # type: ignore[index]
    assert "stage: the model's quote is not in the input" in fu["engine"]["note"]  # type: ignore[index]
