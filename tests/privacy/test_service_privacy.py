"""The service with a model configured: masking is on by default, logs carry no input, key or personal
value, and `/metrics` counts model calls, tokens, fallbacks and masked values (never the values)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.runtime import build_runtime
from copilot.clock import FixedClock
from copilot.config import Settings
from evaluators.scripted_openai import Reply, ScriptedOpenAI
from tests.conftest import NOW, Org, auth, load_fixture, make_org
from tests.llm.test_llm_engine import answer

API_KEY = "sk-test-7f3a9c21d4e8b605"
PHONE = "13917264850"
SPOKEN = "一三九 一七二六 四八五零"
NOTE = f"孙厂长说价格还得再商量 他手机{PHONE} 座机也可以 备用号码{SPOKEN} 下周三前我把分三期的方案发过去"


@pytest.fixture
def model_client(tmp_path: Path, openai_server: ScriptedOpenAI) -> Iterator[tuple[TestClient, Org]]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        llm_base_url=openai_server.url,
        llm_model="scripted-model",
        llm_api_key=SecretStr(API_KEY),
        llm_retries=1,
    )
    assert settings.redact  # on by default once a model is configured
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    with TestClient(create_app(runtime)) as client:
        yield client, org
    runtime.close()


def _sample(body: str, name: str, **labels: str) -> float:
    for line in body.splitlines():
        if line.startswith(name + "{"):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit("}", 1)[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def _post(client: TestClient, org: Org) -> dict[str, object]:
    r = client.post(
        "/v1/followups",
        headers=auth(org.keys["r1"]),
        json={"customer_id": "c1", "input": {"kind": "dictation", "text": NOTE}},
    )
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


def test_logs_and_requests_carry_no_phone_and_no_key(
    model_client: tuple[TestClient, Org], openai_server: ScriptedOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    client, org = model_client
    ok = answer(
        source_channel=None,
        source_channel_quote=None,
        first_contact_phrase=None,
        pain_quotes=[],
        discovery_questions=[],
        next_step_quote="下周三前我把分三期的方案发过去",
        signals=[{"signal": "price", "quote": "价格还得再商量"}],
    )
    # a retried 503, a good answer; then a follow-up the model cannot answer (the offline engine does)
    openai_server.queue(
        Reply(status=503, raw=f"overloaded while reading {PHONE}"),
        Reply(json=ok),
        Reply(status=400, raw=f"rejected: {PHONE}"),
    )
    with caplog.at_level(logging.DEBUG):
        first = _post(client, org)
        second = _post(client, org)
    assert first["engine"]["name"] == "llm"  # type: ignore[index]
    assert second["engine"]["name"] == "offline"  # type: ignore[index]
    assert openai_server.chat_requests[0]["_auth"] == f"Bearer {API_KEY}"  # the key was used
    sent = str(openai_server.chat_requests)
    assert PHONE not in sent and SPOKEN not in sent and "⟦PHONE_1⟧" in sent
    assert caplog.records, "the LLM path wrote no log at all"
    for record in caplog.records:
        line = record.getMessage() + " " + " ".join(str(v) for v in record.__dict__.values())
        for secret in (PHONE, SPOKEN, API_KEY, "孙厂长说价格"):
            assert secret not in line, (record.name, record.levelname)


def test_metrics_count_calls_tokens_fallbacks_and_masked_values(
    model_client: tuple[TestClient, Org], openai_server: ScriptedOpenAI
) -> None:
    client, org = model_client
    openai_server.queue(
        Reply(json=answer(), prompt_tokens=640, completion_tokens=120),
        Reply(status=500),
        Reply(status=500),
    )
    _post(client, org)
    _post(client, org)
    body = client.get("/metrics").text
    assert _sample(body, "copilot_llm_calls_total", purpose="followup", outcome="ok") == 1
    assert _sample(body, "copilot_llm_calls_total", purpose="followup", outcome="transient_error") == 2
    assert _sample(body, "copilot_llm_tokens_total", direction="input") == 640
    assert _sample(body, "copilot_llm_tokens_total", direction="output") == 120
    assert _sample(body, "copilot_llm_fallbacks_total", purpose="followup") == 1
    # two numbers per follow-up, three calls
    assert _sample(body, "copilot_redactions_total", kind="phone") == 6
    assert _sample(body, "copilot_redactions_total", kind="email") == 0
    assert PHONE not in body and "1391726" not in body and "⟦" not in body
