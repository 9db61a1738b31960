"""Requirement diffs: each comparison rule, missing-but-required, reasons, severity, schema errors."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.contracts.diff import (
    ContractRequirements,
    diff_contract,
    parse_requirements,
    requirements_schema,
)
from copilot.contracts.fields import ContractFields
from copilot.errors import InvalidInput


def _fields(**values: Any) -> dict[str, Any]:
    return values


def test_no_diff_when_equal(zh_fields: ContractFields) -> None:
    reqs = {
        "contract_amount": {"amount": 864000, "currency": "CNY"},
        "delivery_period": {"days": 42, "business_days": False},
        "payment_terms": {"installments_pct": [30, 60, 10]},
        "warranty_months": 12,
        "breach_penalty": {"rate_per_day_pct": 0.05, "cap_pct": 5},
        "dispute_resolution": {"method": "arbitration", "venue": "南京仲裁委员会"},
        "liability_exclusions": {"must_mention": ["不可抗力"]},
    }
    assert diff_contract(zh_fields, reqs) == []


def test_zh_delivery_diff_reason_and_evidence(zh_fields: ContractFields) -> None:
    (d,) = diff_contract(zh_fields, {"delivery_period": {"days": 30, "business_days": True}})
    assert d.field == "delivery_period" and d.severity == "high"
    assert d.reason == "交付期限：要求 30 个工作日，合同 42 日"
    assert d.contract_evidence and d.contract_evidence[0].quote.startswith("2.2 交货期限")


def test_missing_but_required_is_a_diff() -> None:
    (d,) = diff_contract(
        _fields(warranty_months=None, parties={"party_a": "甲", "party_b": "乙"}), {"warranty_months": 12}
    )
    assert d.contract is None and d.reason == "质保期：要求 12 个月，合同中未找到" and d.severity == "medium"
    assert d.finding == "not_found" and d.searched == []


def test_english_reason(en_fields: ContractFields) -> None:
    (d,) = diff_contract(en_fields, {"warranty_months": 24})
    assert d.reason == "Warranty: required 24 months, contract 18 months"


def test_termination_compares_notice_days() -> None:
    fields = _fields(termination={"notice_days": 60, "text": "提前60日书面通知解除"})
    assert [
        d.field for d in diff_contract(fields, {"termination": {"notice_days": 30, "must_mention": []}})
    ] == ["termination"]
    assert diff_contract(fields, {"termination": {"notice_days": 60, "must_mention": ["书面"]}}) == []


def test_dispute_method_and_venue_containment() -> None:
    fields = _fields(dispute_resolution={"method": "litigation", "venue": "乙方所在地人民法院"})
    assert (
        diff_contract(fields, {"dispute_resolution": {"method": "litigation", "venue": "乙方所在地"}}) == []
    )
    assert (
        len(diff_contract(fields, {"dispute_resolution": {"method": "litigation", "venue": "甲方所在地"}}))
        == 1
    )
    assert (
        len(diff_contract(fields, {"dispute_resolution": {"method": "arbitration", "venue": "乙方所在地"}}))
        == 1
    )


def test_acceptance_days_and_phrases() -> None:
    fields = _fields(acceptance={"days": 15, "criteria": "按 Exhibit B 验收"})
    assert diff_contract(fields, {"acceptance": {"days": 15, "criteria_must_mention": ["Exhibit B"]}}) == []
    (d,) = diff_contract(fields, {"acceptance": {"days": 15, "criteria_must_mention": ["IQ/OQ"]}})
    assert "IQ/OQ" in d.reason
    assert len(diff_contract(fields, {"acceptance": {"days": 10}})) == 1


def test_amount_payment_penalty_term_parties() -> None:
    fields = _fields(
        contract_amount={"amount": 100.004, "currency": "CNY"},
        payment_terms={"installments_pct": [40, 30, 30]},
        breach_penalty={"rate_per_day_pct": 0.05, "cap_pct": None},
        term={"start": "2026-01-01", "end": "2026-12-31", "months": 12},
        parties={"party_a": "甲公司（总部）", "party_b": "乙 公司"},
    )
    reqs = {
        "contract_amount": {"amount": 100, "currency": "CNY"},
        "payment_terms": {"installments_pct": [30, 30, 40]},
        "breach_penalty": {"rate_per_day_pct": 0.05, "cap_pct": 5},
        "term": {"months": 12},
        "parties": {"party_a": "甲公司", "party_b": "乙公司"},
    }
    assert [d.field for d in diff_contract(fields, reqs)] == ["payment_terms", "breach_penalty"]


def test_requirements_schema_rejects_unknown_and_bad_values() -> None:
    assert requirements_schema is ContractRequirements
    with pytest.raises(InvalidInput, match="warranty"):
        parse_requirements({"warranty": 12})
    with pytest.raises(InvalidInput, match=r"delivery_period\.days"):
        parse_requirements({"delivery_period": {"days": "soon", "business_days": True}})
    assert parse_requirements(None) == ContractRequirements()


def test_not_found_lists_the_clauses_searched() -> None:
    from copilot.contracts.fields import OfflineContractExtractor
    from copilot.contracts.pdf import ContractDocument

    doc = ContractDocument.from_text(
        "甲方：甲公司\n乙方：乙公司\n第一条 质量保证\n乙方保证产品符合国家标准。\n"
        "第二条 交货\n乙方应于合同签订后30日内交货。"
    )
    fields = OfflineContractExtractor().extract(doc)
    delivery, warranty = diff_contract(
        fields, {"delivery_period": {"days": 20, "business_days": False}, "warranty_months": 12}, doc
    )
    assert warranty.field == "warranty_months" and warranty.finding == "not_found"
    assert warranty.searched == ["第一条 质量保证"]
    assert warranty.reason == "质保期：要求 12 个月，合同中未找到（已查：第一条 质量保证）"
    assert delivery.field == "delivery_period" and delivery.finding == "different" and delivery.searched == []
    assert delivery.reason == "交付期限：要求 20 日，合同 30 日"


def test_english_not_found_names_the_whole_contract_when_no_clause_is_titled() -> None:
    from copilot.contracts.fields import OfflineContractExtractor
    from copilot.contracts.pdf import ContractDocument

    doc = ContractDocument.from_text(
        'This Agreement is made between Alder Foods Inc. ("Buyer") and Birch Tools LLC ("Seller").\n'
        "1. Price\nThe total price is USD 10,000."
    )
    (d,) = diff_contract(
        OfflineContractExtractor().extract(doc), {"payment_terms": {"installments_pct": [50, 50]}}, doc
    )
    assert d.finding == "not_found" and d.contract is None
    assert d.reason.startswith(
        "Payment terms: required 50/50%, not found in the contract (searched: the whole"
    )
    assert d.searched and "none titled" in d.searched[0]
