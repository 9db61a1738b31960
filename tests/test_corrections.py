"""Reps' corrections: kept beside the engine's reading, exported as eval cases the suite can score."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app as cli
from api.runtime import Runtime
from copilot.access import authenticate
from copilot.errors import InvalidInput, NotFound
from copilot.followups.corrections import Confirmed, confirm, export_cases, must_mention
from copilot.followups.exports import call_from_text, chat_from_text
from evaluators.cases import read_cases
from evaluators.suites.followups import FollowUpsSuite
from tests.conftest import NOW, Org, ingest_dictation

NOTE = "今天跟孙厂长聊了价格，他说要分三期付款，我周四带技术去车间看一下"


def _confirmed(runtime: Runtime, org: Org, client: object, **fields: object) -> str:
    followup_id = ingest_dictation(client, org.keys["r1"], "c1", NOTE)  # type: ignore[arg-type]
    with runtime.sessions.begin() as s:
        rep = authenticate(s, org.keys["r1"], now=NOW)
        confirm(s, rep, followup_id, Confirmed(fields=dict(fields), signals=["price", "payment"]), now=NOW)
    return followup_id


def test_corrections_export_as_cases_the_followup_suite_reads(
    runtime: Runtime, acme: Org, client: object, tmp_path: Path
) -> None:
    followup_id = _confirmed(
        runtime, acme, client, stage="negotiation", summary="孙厂长谈分三期付款，周四看车间"
    )
    with runtime.sessions() as s:
        [case] = export_cases(s, acme.id)
    assert case["id"] == f"corr-{followup_id}" and case["lang"] == "zh"
    assert case["input"] == {"kind": "dictation", "text": NOTE}
    expected = case["expected"]
    assert expected["stage"] == "negotiation" and expected["signals"] == ["payment", "price"]
    assert set(expected) == {
        "source_channel", "first_contact_date", "stage", "summary_must_mention",
        "next_follow_up_date", "quality", "signals",
    }  # fmt: skip
    # every phrase the summary must mention is in the input, so a good summary can contain it
    flat = NOTE.replace(" ", "")
    assert expected["summary_must_mention"] and all(g[0] in flat for g in expected["summary_must_mention"])

    out = tmp_path / "corrections.jsonl"
    out.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    [read] = read_cases(out)
    suite = FollowUpsSuite()
    assert suite.predict(read) is not None  # the engine reads the exported input
    # the rep's own confirmed reading scores full marks against the case made from it
    confirmed = {
        **{k: expected[k] for k in ("source_channel", "first_contact_date", "stage", "next_follow_up_date")},
        "summary": "孙厂长谈分三期付款，周四看车间",
        "quality": expected["quality"],
        "signals": expected["signals"],
    }
    report = suite.score([read], [{"id": read["id"], "predicted": confirmed}])
    assert report["headline"] == 1.0 and report["signals_f1"] == 1.0


def test_the_cli_writes_the_cases(
    runtime: Runtime, acme: Org, client: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _confirmed(runtime, acme, client, next_follow_up_date="2026-05-28")
    from copilot.config import get_settings

    monkeypatch.setenv("COPILOT_DATABASE_URL", runtime.settings.resolved_database_url)
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPILOT_EMBEDDERS", '["hashing"]')
    get_settings.cache_clear()
    out = tmp_path / "out" / "cases.jsonl"
    result = CliRunner().invoke(cli, ["corrections", "export", "--org", "acme", "--out", str(out)])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    [line] = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["expected"]["next_follow_up_date"] == "2026-05-28"


def test_a_confirmation_refuses_bad_values_and_other_reps(
    runtime: Runtime, acme: Org, client: object
) -> None:
    followup_id = ingest_dictation(client, acme.keys["r1"], "c1", NOTE)  # type: ignore[arg-type]
    with runtime.sessions.begin() as s:
        rep = authenticate(s, acme.keys["r1"], now=NOW)
        other = authenticate(s, acme.keys["r3"], now=NOW)
        for fields in (
            {"stage": "maybe"},
            {"next_follow_up_date": "next week"},
            {"mood": "good"},
            {"summary": ""},
        ):
            with pytest.raises(InvalidInput):
                confirm(s, rep, followup_id, Confirmed(fields=fields), now=NOW)
        with pytest.raises(InvalidInput):
            confirm(s, rep, followup_id, Confirmed(fields={}, signals=["vibes"]), now=NOW)
        with pytest.raises(NotFound):
            confirm(s, other, followup_id, Confirmed(fields={"stage": "won"}), now=NOW)
        result = confirm(s, rep, followup_id, Confirmed(fields={}), now=NOW)
    assert result.corrections == []  # confirmed as read: no correction rows


@pytest.mark.parametrize(
    ("summary", "text", "expected"),
    [
        ("孙厂长谈分三期付款", "孙厂长说要分三期付款，下周再谈", [["分三期付款"], ["孙厂长"]]),
        (
            "Sent the revised quote to Dana",
            "Dana asked for a revised quote by Monday",
            [["revised quote"], ["dana"]],
        ),
        ("完全不相干", "孙厂长说要分三期付款", []),
    ],
)
def test_must_mention_takes_summary_phrases_found_in_the_input(
    summary: str, text: str, expected: list[list[str]]
) -> None:
    assert must_mention(summary, text) == expected


def test_pasted_chat_exports_and_transcripts_become_structured_inputs() -> None:
    ref = datetime(2026, 5, 20, 18, 0, tzinfo=UTC)
    wechat = "周工 2026-05-19 09:10\n报价能再便宜点吗？\n还有交期\n我 2026-05-19 09:12\n我明天发方案"
    chat = chat_from_text(wechat, ref)
    assert [(m["from"], m["text"]) for m in chat["messages"]] == [
        ("customer", "报价能再便宜点吗？ 还有交期"),
        ("rep", "我明天发方案"),
    ]
    assert chat["messages"][0]["at"].startswith("2026-05-19T09:10")
    inline = chat_from_text(
        "[09:10] Dana: can you do 5% off?\n[09:12] Amy: let me check", ref, rep_name="Amy"
    )
    assert [m["from"] for m in inline["messages"]] == ["customer", "rep"]
    call = call_from_text("销售 (00:00): 您好\n客户 (00:05): 我们库存积压很严重\n销售 (01:40): 明白")
    assert [(s["speaker"], s["start_s"], s["end_s"]) for s in call["segments"]] == [
        ("rep", 0.0, 5.0),
        ("customer", 5.0, 100.0),
        ("rep", 100.0, 101.0),
    ]
    with pytest.raises(InvalidInput):
        chat_from_text("just some words\nwith no speakers", ref)
