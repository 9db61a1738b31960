"""The model boundary over real HTTP: personal values never reach the model server, and answers
quoting placeholders come back with the real values, grounded in the original text."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from copilot.domain import CustomerContext
from copilot.extraction.offline import OfflineEngine
from copilot.followups.interactions import build_interaction
from copilot.llm.chat import ChatTurn, OpenAICompatibleChat
from copilot.llm.engine import LLMFollowUpEngine
from copilot.llm.tokens import TiktokenCounter
from copilot.privacy.boundary import GuardedChat
from copilot.privacy.redact import Redactor
from copilot.prompting import load_prompt
from evaluators.scripted_openai import Reply, ScriptedOpenAI
from evaluators.suites.redaction import _leaked

CORPUS = Path(__file__).resolve().parents[2] / "evaluators" / "data" / "redaction-corpus.jsonl"
REF = datetime(2026, 3, 10, 18, 20, tzinfo=ZoneInfo("Asia/Shanghai"))


class Echo(BaseModel):
    text: str


def _chat(server: ScriptedOpenAI, purpose: str = "followup") -> GuardedChat:
    inner = OpenAICompatibleChat(base_url=server.url, model="scripted-model", api_key=None, timeout_s=5)
    return GuardedChat(inner, purpose, Redactor())


def _user_text(body: dict[str, Any]) -> str:
    return str([m for m in body["messages"] if m["role"] == "user"][-1]["content"])


def test_no_corpus_value_reaches_the_server_and_answers_come_back_real(
    openai_server: ScriptedOpenAI,
) -> None:
    cases = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= 200
    # the scripted model repeats what it was sent, placeholders and all
    openai_server.responder = lambda body: Reply(json={"text": _user_text(body)})
    chat = _chat(openai_server)
    for case in cases:
        reply = chat.complete_json([ChatTurn("system", "Repeat."), ChatTurn("user", case["text"])], Echo)
        assert Echo.model_validate_json(reply.text).text == case["text"], case["id"]
    assert len(openai_server.chat_requests) == len(cases)
    leaks = [
        (case["id"], item["type"])
        for case, body in zip(cases, openai_server.chat_requests, strict=True)
        for item in case["pii"]
        if _leaked(item["value"], json.dumps(body, ensure_ascii=False))
    ]
    assert leaks == []


NOTE = (
    "今天拜访苏州恒拓 周工说价格还得再商量 他手机一三九 一二三四 五六七八 "
    "下周三前我把分三期的方案发到zhou.gong@hengtuo.cn"
)


def test_followup_engine_grounds_quotes_that_carried_placeholders(
    openai_server: ScriptedOpenAI, tmp_path: Path
) -> None:
    def answer(body: dict[str, Any]) -> Reply:
        sent = _user_text(body)
        email = re.search(r"⟦EMAIL_\d+⟧", sent)
        phone = re.search(r"⟦PHONE_\d+⟧", sent)
        assert email and phone, sent
        return Reply(
            json={
                "source_channel": None,
                "source_channel_quote": None,
                "first_contact_phrase": None,
                "is_first_contact": False,
                "stage": "negotiation",
                "stage_quote": "价格还得再商量",
                "summary": f"周工说价格还得再商量，下周三前把方案发到{email[0]}",
                "next_follow_up_phrase": "下周三前",
                "discovery_questions": [],
                "pain_quotes": [],
                "pain_minutes_reported": None,
                "next_step_quote": f"下周三前我把分三期的方案发到{email[0]}",
                "signals": [{"signal": "price", "quote": f"价格还得再商量 他手机{phone[0]}"}],
            }
        )

    openai_server.responder = answer
    engine = LLMFollowUpEngine(
        _chat(openai_server),
        load_prompt("followup_extract"),
        OfflineEngine(),
        TiktokenCounter(tmp_path / "tk"),
        sleep=lambda _: None,
    )
    fields = engine.extract_followup(
        build_interaction({"kind": "dictation", "text": NOTE}, REF), CustomerContext(name="苏州恒拓")
    )
    body = json.dumps(openai_server.chat_requests, ensure_ascii=False)
    assert "zhou.gong@hengtuo.cn" not in body and "一三九 一二三四 五六七八" not in body
    assert "苏州恒拓" in body  # names are masked only when the deployment asks for it
    assert fields.run is not None and fields.run.engine == "llm"
    next_step = fields.quality.next_step
    assert next_step is not None and next_step.quote == "下周三前我把分三期的方案发到zhou.gong@hengtuo.cn"
    assert NOTE[next_step.start : next_step.end] == next_step.quote
    assert [s.evidence.quote for s in fields.signals] == ["价格还得再商量 他手机一三九 一二三四 五六七八"]
    assert "zhou.gong@hengtuo.cn" in fields.summary
    assert fields.run.note is not None and "masked before the model call: email 1, phone 1" in fields.run.note
