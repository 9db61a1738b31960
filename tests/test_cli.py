"""The `copilot` command line: organizations, keys, import, follow-ups, contracts and evals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from tests.conftest import FIXTURES
from tests.contracts.builders import ZH_CONTRACT, contract_pdf

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(cli_data_dir: Path) -> Path:
    return cli_data_dir


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.output


def test_import_twice_and_keys() -> None:
    pipeline = str(FIXTURES / "pipeline" / "small.json")
    code, out = run("import", pipeline, "--org", "acme")
    assert code == 0 and "'customers': 3" in out
    code, out = run("import", pipeline, "--org", "acme")
    assert code == 0 and "created {}" in out and "updated {}" in out
    code, out = run("key", "create", "--org", "acme", "--role", "rep", "--user", "r1")
    assert code == 0 and out.strip().startswith("cpk_")
    code, out = run("key", "create", "--org", "acme", "--role", "rep")
    assert code == 2 and "--user" in out
    code, out = run("key", "create", "--org", "nope", "--role", "admin")
    assert code == 2 and "no organization" in out


def test_followup_from_argument_file_and_stdin(data_dir: Path) -> None:
    run("import", str(FIXTURES / "pipeline" / "small.json"), "--org", "acme")
    code, out = run(
        "followup",
        "add",
        "孙厂长说价格还得再商量 下周三前我把方案发过去",
        "--org",
        "acme",
        "--customer",
        "c1",
        "--at",
        "2026-05-20T10:00:00+08:00",
    )
    assert code == 0, out
    assert json.loads(out)["fields"]["next_follow_up_date"] == "2026-05-27"
    note = data_dir / "note.txt"
    note.write_bytes("今天第一次电话联系 明天把资料发过去".encode("gb18030"))
    code, out = run("followup", "add", f"@{note}", "--org", "acme", "--new-customer", "宁波海天")
    assert code == 2 and "not UTF-8" in out and "--encoding" in out
    code, out = run(
        "followup", "add", f"@{note}", "--org", "acme", "--new-customer", "宁波海天", "--encoding", "gb18030"
    )
    assert code == 0 and json.loads(out)["status"] == "extracted"
    chat = {
        "messages": [
            {"at": "2026-05-20T09:00:00+08:00", "from": "customer", "name": "周工", "text": "能便宜点吗"}
        ]
    }
    code, out = run(
        "followup",
        "add",
        "-",
        "--kind",
        "chat",
        "--org",
        "acme",
        "--customer",
        "c1",
        input=json.dumps(chat, ensure_ascii=False),
    )
    assert code == 0 and json.loads(out)["input_kind"] == "chat"
    code, out = run("followup", "add", "   ", "--org", "acme", "--customer", "c1")
    assert code == 2 and "empty" in out


def test_contract_extract_and_eval(data_dir: Path) -> None:
    pdf = data_dir / "contract.pdf"
    pdf.write_bytes(contract_pdf(ZH_CONTRACT, zh=True))
    code, out = run("contract", "extract", str(pdf), "--json")
    assert code == 0, out
    assert json.loads(out)["fields"]["warranty_months"] == 12
    bad = data_dir / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    code, out = run("contract", "extract", str(bad))
    assert code == 2 and "PDF" in out
    cases = data_dir / "times.jsonl"
    cases.write_text(
        json.dumps(
            {
                "id": "t1",
                "text": "下周三",
                "reference_time": "2026-03-10T09:00:00+08:00",
                "expected": {"start": "2026-03-18", "end": "2026-03-18"},
            }
        )
        + "\n",
        "utf-8",
    )
    code, out = run("eval", "times", str(cases), "--out", str(data_dir / "preds.jsonl"), "--json")
    assert code == 0 and json.loads(out)["headline"] == 1.0
    assert json.loads((data_dir / "preds.jsonl").read_text())["predicted"]["start"] == "2026-03-18"
    code, out = run("eval", "nonsense", str(cases))
    assert code == 2 and "unknown suite" in out
