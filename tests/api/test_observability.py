"""`/metrics` and `/readyz`: route templates as labels, no organization or id in any series, and
readiness that fails when the database does."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest
from fastapi.testclient import TestClient

from api.logs import JsonFormatter
from api.runtime import Runtime
from tests.conftest import Org, auth, ingest_dictation


def _sample(body: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus' text format (0 when absent)."""
    for line in body.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit("}", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_requests_are_counted_by_route_template_and_status(client: TestClient, acme: Org) -> None:
    key = acme.keys["r1"]
    fu_id = ingest_dictation(client, key, "c1", "客户下周三来公司看演示，想了解报价")
    client.get(f"/v1/followups/{fu_id}", headers=auth(key))
    client.get("/v1/followups/no-such-id", headers=auth(key))
    body = client.get("/metrics").text
    route = "/v1/followups/{followup_id}"
    assert _sample(body, "copilot_http_requests_total", method="GET", route=route, status="200") == 1
    assert _sample(body, "copilot_http_requests_total", method="GET", route=route, status="404") == 1
    assert _sample(body, "copilot_http_request_seconds_count", method="GET", route=route) == 2
    # ids, organizations and keys never become label values
    assert fu_id not in body and "no-such-id" not in body and "acme" not in body and key not in body


def test_queue_gauges_follow_the_index_and_the_outbox(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    body = client.get("/metrics").text
    assert _sample(body, "copilot_outbox_messages", status="pending") == 0
    work = runtime.search.index_status(None)
    assert _sample(body, "copilot_index_records", state="indexed") == work.indexed
    assert "copilot_index_records" in body


def test_readyz_is_ready_with_a_database_and_503_without(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/readyz").json() == {"status": "ready", "database": "ok"}

    def broken() -> None:
        raise ConnectionError("db down")

    monkeypatch.setattr(runtime, "sessions", broken)
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json() == {"status": "not_ready", "database": "unreachable (ConnectionError)"}


def test_each_request_has_an_id_and_one_access_line_without_its_query(
    client: TestClient, acme: Org, caplog: pytest.LogCaptureFixture
) -> None:
    key = acme.keys["r1"]
    with caplog.at_level(logging.INFO, logger="copilot.access"):
        r = client.get(
            "/v1/search", params={"q": "王总的手机号"}, headers={**auth(key), "X-Request-ID": "abc-123"}
        )
        bad = client.get("/readyz", headers={"X-Request-ID": "not ok; drop table"})
    assert r.headers["X-Request-ID"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["X-Request-ID"])
    lines = [JsonFormatter().format(rec) for rec in caplog.records if rec.name == "copilot.access"]
    search = json.loads(lines[0])
    assert search["request_id"] == "abc-123"
    assert (search["route"], search["status"], search["method"]) == ("/v1/search", 200, "GET")
    assert search["duration_ms"] >= 0
    assert "王总" not in "".join(lines) and "q=" not in "".join(lines)


def test_json_lines_keep_only_known_fields_and_the_exception_type() -> None:
    record = logging.LogRecord("copilot.x", logging.ERROR, __file__, 1, "failed", None, None)
    record.__dict__.update({"route": "/v1/x", "text": "客户身份证 110101199003070011"})
    try:
        raise ValueError("客户手机 13800138000")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/v1/x" and line["exc"] == "ValueError" and line["level"] == "error"
    assert "text" not in line and "13800138000" not in json.dumps(line, ensure_ascii=False)
    # the frames say where (this test function), never with what values
    assert line["stack"][-1].startswith("test_observability.py:")
    assert line["stack"][-1].endswith(":test_json_lines_keep_only_known_fields_and_the_exception_type")
