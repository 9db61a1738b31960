"""The CUAD evaluator's label normalisation and matching rules (evaluators/data/CUAD.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from copilot.errors import InvalidInput
from evaluators.suites.cuad import (
    HELDOUT,
    CuadSource,
    Outcome,
    field_correct,
    gold_date,
    gold_labels,
    norm_name,
    read_cases,
    score,
)


def test_gold_dates() -> None:
    assert gold_date("5/8/14") == date(2014, 5, 8)
    assert gold_date("10/1/99") == date(1999, 10, 1)
    assert gold_date("12/31/2020") == date(2020, 12, 31)
    assert gold_date("[]/[]/2019") is None and gold_date("2/30/20") is None and gold_date("") is None


def test_gold_labels_drop_non_names_and_names_missing_from_the_text() -> None:
    row = {
        "Parties-Answer": 'Alder Foods Inc. ("Buyer"); Birch Tools LLC ("Seller"); '
        '(each a "Party", collectively the "Parties"); Buyer and Seller; Brich Tolls LLC',
        "Agreement Date-Answer": "3/2/26",
        "Expiration Date-Answer": "perpetual",
        "Governing Law-Answer": "Ontario, Canada",
    }
    labels = gold_labels(row, "between Alder Foods Inc. and Birch Tools LLC")
    assert [p["name"] for p in labels["parties"]] == [
        'Alder Foods Inc. ("Buyer")',
        'Birch Tools LLC ("Seller")',
    ]
    assert labels["signing_date"] == "2026-03-02" and labels["term_end"] is None
    assert labels["governing_place"] == "Ontario, Canada"
    assert "parties" not in gold_labels({**row, "Parties-Answer": "Alder Foods Inc."}, None)


def test_name_matching_keeps_the_legal_form() -> None:
    assert norm_name('Buyer: ALDER FOODS, INC. ("Alder")') == norm_name("Alder Foods Inc.")
    assert norm_name("Quarry Media, Inc. d/b/a Quarry Studios") == norm_name("Quarry Media Inc")
    assert norm_name("Alder Foods") != norm_name("Alder Foods Inc.")


def test_field_rules() -> None:
    parties = [{"name": "Alder Foods Inc."}, {"name": "Birch Tools LLC"}, {"name": "Cedar GmbH"}]
    fields = {"parties": {"party_a": "Birch Tools LLC", "party_b": "Alder Foods, Inc."}}
    assert field_correct("parties", parties, fields)
    assert not field_correct("parties", parties, {"parties": {"party_a": "Birch Tools LLC", "party_b": None}})
    same = {"parties": {"party_a": "Birch Tools LLC", "party_b": "Birch Tools, LLC"}}
    assert not field_correct("parties", parties, same)
    assert field_correct(
        "term_end", "2029-04-06", {"term": {"start": None, "end": "2029-04-06", "months": 36}}
    )
    assert field_correct("term_end", None, {"term": None})
    assert not field_correct("term_end", "2029-04-06", {"term": {"end": None, "months": 36}})
    dispute = {
        "method": "litigation",
        "venue": None,
        "governing_law": "the Province of Ontario and the laws of Canada",
    }
    assert field_correct("governing_place", "Ontario, Canada", {"dispute_resolution": dispute})
    assert not field_correct("governing_place", "New York", {"dispute_resolution": dispute})
    with pytest.raises(InvalidInput):
        field_correct("amount", 1, {})


def test_score_counts_failures_as_wrong() -> None:
    cases = [{"id": "x", "labels": {"signing_date": "2026-01-01", "term_end": None}}]
    result = score(cases, [Outcome("x", None, "CorruptPdf: damaged")])
    assert result["signing_date"] == (0, 1) and result["all"] == (0, 2)


def test_the_held_out_file_and_bad_sources(tmp_path: Path) -> None:
    cases = read_cases(HELDOUT)
    assert len(cases) == 60 and all(
        len(c["labels"]) >= 2 and c["pdf"].endswith((".pdf", ".PDF")) for c in cases
    )
    with pytest.raises(InvalidInput, match=r"master_clauses\.csv"):
        CuadSource(tmp_path)
    with pytest.raises(InvalidInput, match="neither"):
        CuadSource(tmp_path / "missing")
    with pytest.raises(InvalidInput, match="--write-labels"):
        read_cases(tmp_path / "none.jsonl")
