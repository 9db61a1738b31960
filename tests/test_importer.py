"""`copilot import`: validation, references, and idempotency."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import func, select

from api.runtime import Runtime
from copilot.access import create_organization
from copilot.errors import InvalidInput
from copilot.pipeline.importer import import_pipeline
from copilot.store.models import Activity, Contact, Customer, Deal, Document, StageChange, User
from tests.conftest import NOW, load_fixture

MODELS = (User, Customer, Contact, Deal, StageChange, Activity, Document)


def counts(runtime: Runtime) -> dict[str, int]:
    with runtime.sessions() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m)) or 0 for m in MODELS}


def test_import_twice_changes_nothing(runtime: Runtime) -> None:
    data = load_fixture("pipeline", "small.json")
    with runtime.sessions.begin() as s:
        org = create_organization(s, "acme", "Acme", now=NOW)
        first = import_pipeline(s, org.id, data, now=NOW)
    assert first.created == {"reps": 4, "customers": 3, "deals": 2, "activities": 2, "documents": 1}
    after_first = counts(runtime)
    assert after_first["StageChange"] == 4 and after_first["Contact"] == 3
    with runtime.sessions.begin() as s:
        second = import_pipeline(s, org.id, data, now=NOW)
    assert not second.changed
    assert sum(second.unchanged.values()) == 12
    assert counts(runtime) == after_first


def test_reimport_applies_changes(runtime: Runtime) -> None:
    data: Any = load_fixture("pipeline", "small.json")
    with runtime.sessions.begin() as s:
        org = create_organization(s, "acme", "Acme", now=NOW)
        import_pipeline(s, org.id, data, now=NOW)
    changed = copy.deepcopy(data)
    changed["deals"][1]["stage"] = "proposal"
    changed["deals"][1]["stage_history"].append({"stage": "proposal", "at": "2026-05-01T10:00:00+08:00"})
    with runtime.sessions.begin() as s:
        report = import_pipeline(s, org.id, changed, now=NOW)
    assert report.updated == {"deals": 1}
    with runtime.sessions() as s:
        deal = s.scalar(select(Deal).where(Deal.external_id == "d3"))
        assert deal is not None and [h.stage for h in deal.stage_history] == ["intent", "proposal"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["customers"][0].update(owner="ghost"), "unknown owner"),
        (lambda d: d["deals"][0].update(customer_id="cx"), "unknown customer"),
        (lambda d: d["deals"][0].update(stage="closing"), "deals.0.stage"),
        (lambda d: d["activities"].append(dict(d["activities"][0])), "repeats activities"),
        (lambda d: d["activities"][0].update(at="2026-05-12 16:00"), "activities.0.at"),
        (lambda d: d["deals"][0]["stage_history"].pop(), "last stage_history"),
    ],
)
def test_invalid_pipelines_are_rejected_and_nothing_is_written(
    runtime: Runtime, mutate: Any, message: str
) -> None:
    data: Any = load_fixture("pipeline", "small.json")
    mutate(data)
    with runtime.sessions.begin() as s:
        org = create_organization(s, "acme", "Acme", now=NOW)
    with pytest.raises(InvalidInput, match=message), runtime.sessions.begin() as s:
        import_pipeline(s, org.id, data, now=NOW)
    assert sum(counts(runtime).values()) == 0


def test_requirements_in_a_pipeline_are_versioned_once(runtime: Runtime) -> None:
    from copilot.store.models import RequirementVersion

    data: Any = load_fixture("pipeline", "small.json")
    data["deals"][0]["requirements"] = {
        "warranty_months": 24,
        "delivery_period": {"days": 30, "business_days": True},
    }
    with runtime.sessions.begin() as s:
        org = create_organization(s, "acme", "Acme", now=NOW)
        first = import_pipeline(s, org.id, data, now=NOW)
    assert first.created["requirements"] == 1
    with runtime.sessions.begin() as s:
        assert not import_pipeline(s, org.id, data, now=NOW).changed
    data["deals"][0]["requirements"]["warranty_months"] = 36
    with runtime.sessions.begin() as s:
        assert import_pipeline(s, org.id, data, now=NOW).updated == {"requirements": 1}
    with runtime.sessions() as s:
        versions = list(s.scalars(select(RequirementVersion).order_by(RequirementVersion.version)))
        assert [v.version for v in versions] == [1, 2]
        assert versions[1].changes == {"warranty_months": {"from": 24, "to": 36}}
        assert versions[1].changed_by_role == "import"
    data["deals"][0]["requirements"] = {"warranty_months": "forever"}
    with pytest.raises(InvalidInput, match="warranty_months"), runtime.sessions.begin() as s:
        import_pipeline(s, org.id, data, now=NOW)


def test_cli_import_returns_with_indexing_queued_then_index_run_drains_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from api.cli.common import open_runtime
    from api.cli.main import app
    from copilot.config import get_settings
    from copilot.search.service import SearchFilter
    from tests.conftest import FIXTURES

    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPILOT_EMBEDDERS", '["hashing"]')
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    try:
        pipeline = FIXTURES / "pipeline" / "small.json"
        out = run("import", str(pipeline), "--org", "acme")
        # the rows are stored and the command is back, with the search indexing queued, not done
        assert "'activities': 2" in out and "3 records queued for search indexing" in out
        assert "copilot index run" in out
        assert "0 of 3 queued records indexed, 3 pending" in run("index", "status", "--org", "acme")
        runtime = open_runtime()
        try:
            with runtime.sessions() as s:
                org_id = s.scalar(select(func.min(Customer.org_id)))
            assert org_id is not None
            state = runtime.search.index_complete(org_id)
            assert state is not None and state.pending == 3
            principal = cli_principal(runtime, "acme")
            assert runtime.search.search(principal, "付款方式 分三期", SearchFilter()) == []
        finally:
            runtime.close()
        out = run("index", "run", "--org", "acme")
        assert "search index complete" in out
        runtime = open_runtime()
        try:
            assert runtime.search.index_complete(org_id) is None
            hits = runtime.search.search(cli_principal(runtime, "acme"), "付款方式 分三期", SearchFilter())
            assert {h.record_id for h in hits[:3]} & {"a1", "doc1"}
        finally:
            runtime.close()
        # unchanged records are not queued again; a changed note is, and --wait indexes it here
        assert "queued" not in run("import", str(pipeline), "--org", "acme")
        data = json.loads(pipeline.read_text(encoding="utf-8"))
        data["activities"][0]["text"] = "客户确认冷库温控报警问题已经解决"
        changed = tmp_path / "changed.json"
        changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out = run("import", str(changed), "--org", "acme", "--wait")
        assert "'activities': 1" in out and "search index complete" in out
        runtime = open_runtime()
        try:
            hits = runtime.search.search(cli_principal(runtime, "acme"), "冷库温控报警", SearchFilter())
            assert hits[0].record_id == data["activities"][0]["id"]
        finally:
            runtime.close()
    finally:
        get_settings.cache_clear()


def cli_principal(runtime: Runtime, slug: str) -> Any:
    from api.cli.common import cli_principal as principal_of

    return principal_of(runtime, slug, None)
