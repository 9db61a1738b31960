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
