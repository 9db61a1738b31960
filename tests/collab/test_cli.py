"""`copilot minutes|tickets|kickoff|radar` end to end on a local database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from tests.collab.conftest import collab_pipeline

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(cli_data_dir: Path) -> Path:
    pipeline = cli_data_dir / "pipeline.json"
    pipeline.write_text(json.dumps(collab_pipeline(), ensure_ascii=False), encoding="utf-8")
    assert run("import", str(pipeline), "--org", "acme")[0] == 0
    return cli_data_dir


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def run_json(*args: str) -> dict:
    code, out = run(*args)
    assert code == 0, out
    return json.loads(out)


def test_minutes_tickets_kickoff_and_radar_from_the_command_line() -> None:
    m = run_json(
        "minutes", "create", "--org", "acme", "--customer", "c1", "--title", "技术交流", "--rep", "r1"
    )
    assert [b["owner"]["id"] for b in m["blocks"]] == ["r1", "s1", "dl1"]
    code, out = run("minutes", "fill", m["id"], "objections", "担心停产", "--org", "acme", "--rep", "s1")
    assert code == 2 and "belongs to r1" in out
    filled = run_json("minutes", "fill", m["id"], "constraints", "需兼容PLC", "--org", "acme", "--rep", "s1")
    assert filled["blocks"][1]["status"] == "filled"
    assert run_json("minutes", "show", m["id"], "--org", "acme")["id"] == m["id"]
    assert run_json("minutes", "show", "--customer", "c1", "--org", "acme")["total"] == 1
    code, out = run("minutes", "fill", m["id"], "budget", "x", "--org", "acme")
    assert code == 2 and "unknown block" in out

    t = run_json(
        "tickets", "create", "请评估可行性", "--customer", "c1", "--role", "solution",
        "--title", "可行性报告", "--org", "acme", "--rep", "r1",
    )  # fmt: skip
    assert t["status"] == "open"
    code, out = run("tickets", "list", "--assignee", "s1", "--org", "acme")
    assert code == 0 and "1 tickets" in out
    answered = run_json("tickets", "answer", t["id"], "可行", "--org", "acme", "--rep", "s1")
    assert answered["points"] == {"requester": 2, "answerer": 2}
    listed = run_json("tickets", "list", "--status", "answered", "--org", "acme", "--json")
    assert [i["id"] for i in listed["items"]] == [t["id"]]

    k = run_json("kickoff", "show", "d2", "--org", "acme")
    assert k["status"] in ("pending", "overdue") and k["missing"] == ["participants", "goals", "deliverables"]
    k = run_json(
        "kickoff", "update", "d2", "--participant", "李总", "--participant", "dl1", "--goals", "上线",
        "--deliverables", "计划", "--org", "acme", "--rep", "r2",
    )  # fmt: skip
    assert k["status"] == "completed" and k["participants"] == ["李总", "dl1"]
    code, out = run("kickoff", "update", "d1", "--goals", "x", "--org", "acme")
    assert code == 2 and "not won" in out

    radar = run_json("radar", "r1", "--org", "acme", "--json")
    assert len(radar["dimensions"]) == 6
    code, out = run("radar", "r1", "--org", "acme")
    assert code == 0 and "collaboration" in out
    code, out = run("radar", "r1", "--month", "2026/05", "--org", "acme")
    assert code == 2 and "YYYY-MM" in out
