"""A voice note uploaded again with the same id (a retry) is neither transcribed nor stored twice."""

from __future__ import annotations

from fastapi.testclient import TestClient

from evaluators.scripted_openai import Reply, ScriptedOpenAI
from tests.conftest import Org, auth
from tests.llm.test_llm_engine import answer
from tests.llm.test_service_with_model import NOTE, model_client

__all__ = ["model_client"]


def test_a_retried_voice_note_is_transcribed_and_stored_once(
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
    upload = {
        "headers": auth(org.keys["r1"]),
        "files": {"file": ("note.m4a", b"\x00fake-audio" * 100, "audio/mp4")},
        "data": {"customer_id": "c1", "id": "voice-1"},
    }
    first = client.post("/v1/followups/audio", **upload)  # type: ignore[arg-type]
    assert first.status_code == 201, first.text
    again = client.post("/v1/followups/audio", **upload)  # type: ignore[arg-type]
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"] == "voice-1"
    transcriptions = [x for x in openai_server.requests if x["_path"] == "/v1/audio/transcriptions"]
    assert len(transcriptions) == 1
    listed = client.get("/v1/customers/c1/followups", headers=auth(org.keys["r1"])).json()
    assert [f["id"] for f in listed["items"]].count("voice-1") == 1
