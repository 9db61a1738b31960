"""Embedding inputs are masked like chat messages; names are masked when the deployment asks; every
call is published as counts only."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from copilot.domain import CustomerContext
from copilot.extraction.offline import OfflineEngine
from copilot.followups.interactions import build_interaction
from copilot.llm.chat import OpenAICompatibleChat
from copilot.llm.engine import LLMFollowUpEngine
from copilot.llm.tokens import TiktokenCounter
from copilot.privacy import events
from copilot.privacy.boundary import GuardedChat
from copilot.privacy.redact import Redactor
from copilot.prompting import load_prompt
from evaluators.scripted_openai import Reply, ScriptedOpenAI
from retrieval.embedders import build_embedder
from tests.llm.test_llm_engine import answer


def test_embedding_inputs_are_masked_and_counted(openai_server: ScriptedOpenAI) -> None:
    seen: list[events.Event] = []
    listener = seen.append
    events.subscribe(listener)
    e = build_embedder(
        "openai", base_url=openai_server.url, model="emb", api_key="k", dim=16, redactor=Redactor()
    )
    e.embed_documents(["王总手机13912345678，分三期付款", "mail li@acme.cn"])
    e.embed_query("13912345678")
    sent = [r["input"] for r in openai_server.requests if r["_path"] == "/v1/embeddings"]
    assert sent == [["王总手机⟦PHONE_1⟧，分三期付款", "mail ⟦EMAIL_1⟧"], ["⟦PHONE_1⟧"]]
    calls = [x for x in seen if isinstance(x, events.ModelCall) and x.purpose == "embedding"]
    assert [dict(c.redactions) for c in calls] == [{"phone": 1, "email": 1}, {"phone": 1}]
    assert "13912345678" not in repr(seen)


def test_customer_names_are_masked_when_configured(openai_server: ScriptedOpenAI, tmp_path: Path) -> None:
    note = "今天去了苏州恒拓 周建华说价格还得再商量 下周三前我把分三期的方案发过去"
    openai_server.queue(Reply(json=answer(summary="⟦NAME_1⟧⟦NAME_2⟧说价格还得再商量")))
    chat = OpenAICompatibleChat(base_url=openai_server.url, model="m", api_key=None, timeout_s=5)
    engine = LLMFollowUpEngine(
        GuardedChat(chat, "followup", Redactor(mask_names=True)),
        load_prompt("followup_extract"),
        OfflineEngine(),
        TiktokenCounter(tmp_path / "tk"),
        sleep=lambda _: None,
    )
    ref = datetime(2026, 3, 10, 18, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    fields = engine.extract_followup(
        build_interaction({"kind": "dictation", "text": note}, ref),
        CustomerContext(name="苏州恒拓", contacts=("周建华",)),
    )
    body = json.dumps(openai_server.chat_requests, ensure_ascii=False)
    assert "苏州恒拓" not in body and "周建华" not in body and "⟦NAME_2⟧" in body
    assert fields.summary.startswith("苏州恒拓周建华")


def test_transcription_calls_are_counted(openai_server: ScriptedOpenAI) -> None:
    from copilot.llm.transcribe import OpenAICompatibleTranscriber

    seen: list[events.Event] = []
    listener = seen.append
    events.subscribe(listener)
    openai_server.transcript = "王总手机13912345678"
    t = OpenAICompatibleTranscriber(base_url=openai_server.url, api_key=None, model="whisper-1")
    # the transcript goes back to the user as spoken; a later model call masks it
    assert t.transcribe(b"RIFF....", "note.wav") == "王总手机13912345678"
    assert [x for x in seen if isinstance(x, events.ModelCall)] == [events.ModelCall("transcription", "ok")]
