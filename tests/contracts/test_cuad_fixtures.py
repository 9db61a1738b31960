"""Real English agreements from CUAD v1 (CC BY 4.0, see tests/fixtures/cuad/PROVENANCE.md), trimmed and
rendered into PDFs: parties, signing date, term end and governing place against the dataset's answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from copilot.contracts.fields import OfflineContractExtractor
from copilot.contracts.pdf import read_pdf
from evaluators.suites.cuad import field_correct, norm_name
from tests.contracts.builders import english_pdf

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cuad"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "labels.json").read_text(encoding="utf-8"))


def _fields(case: dict[str, Any]) -> dict[str, Any]:
    text = (FIXTURES / case["text"]).read_text(encoding="utf-8")
    document = read_pdf(english_pdf(text, header="CUAD v1", lines_per_page=40))
    return OfflineContractExtractor().extract(document).normalised()


@pytest.fixture(scope="module")
def extracted() -> dict[str, dict[str, Any]]:
    return {case["text"]: _fields(case) for case in CASES}


def test_the_slice_is_small_and_labelled() -> None:
    assert 5 <= len(CASES) <= 8
    for case in CASES:
        assert (FIXTURES / case["text"]).stat().st_size < 12_000
        assert {"parties", "signing_date", "term_end", "governing_place"} <= set(case["labels"])


@pytest.mark.parametrize("case", CASES, ids=[c["text"].removesuffix(".txt") for c in CASES])
def test_fields_match_the_cuad_answers(case: dict[str, Any], extracted: dict[str, dict[str, Any]]) -> None:
    fields = extracted[case["text"]]
    for name, want in case["labels"].items():
        assert field_correct(name, want, fields), (name, want, fields)


@pytest.mark.parametrize("case", CASES, ids=[c["text"].removesuffix(".txt") for c in CASES])
def test_party_names_keep_their_legal_form_and_lose_their_labels(
    case: dict[str, Any], extracted: dict[str, dict[str, Any]]
) -> None:
    parties = extracted[case["text"]]["parties"]
    for name in (parties["party_a"], parties["party_b"]):
        assert not name.startswith(("(", '"', "“")) and '("' not in name and "hereinafter" not in name
        assert not name.lower().startswith(("buyer", "seller", "company:", "party a", "party b"))
    labelled = {norm_name(p["name"]) for p in case["labels"]["parties"]}
    assert {norm_name(parties["party_a"]), norm_name(parties["party_b"])} <= labelled


def test_term_end_is_computed_from_a_stated_length(extracted: dict[str, dict[str, Any]]) -> None:
    # `five years from the date of this document` (signed 12 May 2003) ends on the fifth anniversary
    term = extracted["bolivarminingcorp-visp-web-site-building-and-hosting-agreeme.txt"]["term"]
    assert term == {"start": "2003-05-12", "end": "2008-05-12", "months": 60}
    # `commence on the date hereof ... continue through November 30, 1998`: a stated end, no length
    stated = extracted["logansroadhouseinc-sponsorship-agreement.txt"]["term"]
    assert stated["start"] == "1998-02-24" and stated["end"] == "1998-11-30"


def test_arbitration_names_institution_and_seat(extracted: dict[str, dict[str, Any]]) -> None:
    dispute = extracted["stampscominc-branding-agreement.txt"]["dispute_resolution"]
    assert dispute["method"] == "arbitration"
    assert "American Arbitration Association" in dispute["venue"] and "San Diego" in dispute["venue"]
    assert dispute["governing_law"] is not None and "California" in dispute["governing_law"]
