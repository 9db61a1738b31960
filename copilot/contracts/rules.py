"""Runs every field rule over one contract; each rule returns its value and the evidence it read."""

from __future__ import annotations

from datetime import date
from typing import Any

from copilot.contracts import rules_body, rules_header, rules_legal
from copilot.contracts.locate import Contract, Evidence
from copilot.contracts.values import ContractAmount


def extract_all(contract: Contract) -> tuple[dict[str, Any], dict[str, list[Evidence]]]:
    """Values keyed by field name (None when not stated) and the evidence for each value."""
    found: dict[str, tuple[object | None, list[Evidence]]] = {
        "parties": rules_header.parties(contract),
        "contract_amount": rules_header.contract_amount(contract),
        "signing_date": rules_header.signing_date(contract),
    }
    signed = found["signing_date"][0]
    found["term"] = rules_header.term(contract, signed if isinstance(signed, date) else None)
    found["delivery_period"] = rules_body.delivery_period(contract)
    amount = found["contract_amount"][0]
    found["payment_terms"] = rules_body.payment_terms(
        contract, amount if isinstance(amount, ContractAmount) else None
    )
    found["acceptance"] = rules_body.acceptance(contract)
    found["warranty_months"] = rules_body.warranty_months(contract)
    found["breach_penalty"] = rules_body.breach_penalty(contract)
    found["liability_exclusions"] = rules_legal.liability_exclusions(contract)
    found["termination"] = rules_legal.termination(contract)
    found["dispute_resolution"] = rules_legal.dispute_resolution(contract)
    values = {name: value for name, (value, _) in found.items()}
    evidence = {name: ev for name, (value, ev) in found.items() if value is not None}
    return values, evidence
