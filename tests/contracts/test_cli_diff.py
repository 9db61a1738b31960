"""`copilot contract extract --requirements`: differences shown offline, `not found in the contract`
set apart from a value the contract states differently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.contracts import difference_lines
from api.cli.main import app
from tests.contracts.builders import EN_CONTRACT, contract_pdf

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(cli_data_dir: Path) -> Path:
    return cli_data_dir


def test_extract_with_requirements_shows_both_kinds(data_dir: Path) -> None:
    without_warranty = [p for p in EN_CONTRACT if "arrant" not in p]
    pdf = data_dir / "supply.pdf"
    pdf.write_bytes(contract_pdf(without_warranty, zh=False))
    reqs = data_dir / "reqs.json"
    reqs.write_text(
        json.dumps({"warranty_months": 24, "delivery_period": {"days": 30, "business_days": False}})
    )
    result = runner.invoke(app, ["contract", "extract", str(pdf), "--requirements", str(reqs), "--json"])
    assert result.exit_code == 0, result.output
    diffs = {d["field"]: d for d in json.loads(result.output)["differences"]}
    assert diffs["warranty_months"]["finding"] == "not_found" and diffs["warranty_months"]["searched"]
    assert diffs["delivery_period"]["finding"] == "different"
    result = runner.invoke(app, ["contract", "extract", str(pdf), "--requirements", str(reqs)])
    assert result.exit_code == 0, result.output
    assert "not found in the contract" in result.output and "different" in result.output


def test_bad_requirements_file_is_a_clear_error(data_dir: Path) -> None:
    pdf = data_dir / "supply.pdf"
    pdf.write_bytes(contract_pdf(EN_CONTRACT, zh=False))
    reqs = data_dir / "reqs.json"
    reqs.write_text("[1, 2]")
    result = runner.invoke(app, ["contract", "extract", str(pdf), "--requirements", str(reqs)])
    assert result.exit_code == 2 and "JSON object" in result.output
    reqs.write_text(json.dumps({"warranty": 12}))
    result = runner.invoke(app, ["contract", "extract", str(pdf), "--requirements", str(reqs)])
    assert result.exit_code == 2 and "warranty" in result.output


def test_difference_lines_tell_the_kinds_apart() -> None:
    lines = difference_lines(
        [
            {
                "field": "term",
                "finding": "not_found",
                "severity": "medium",
                "reason": "Term: required 12 months",
            },
            {"field": "acceptance", "finding": "different", "severity": "high", "reason": "Acceptance: ..."},
            {
                "field": "warranty_months",
                "contract": None,
                "severity": "medium",
                "reason": "older stored diff",
            },
        ]
    )
    assert lines[0].startswith("[red]not found in the contract[/red] (medium)")
    assert lines[1].startswith("[yellow]different[/yellow] (high)")
    assert lines[2].startswith("[red]not found")
