"""The offline extractor on generated contracts, and per-field rules on small texts."""

from __future__ import annotations

from copilot.contracts.fields import ContractFields, OfflineContractExtractor
from copilot.contracts.pdf import ContractDocument


def _extract(*lines: str) -> ContractFields:
    return OfflineContractExtractor().extract(ContractDocument.from_text("\n".join(lines)))


def test_zh_contract_all_fields(zh_fields: ContractFields) -> None:
    f = zh_fields.normalised()
    assert f["parties"] == {"party_a": "南京远景精工有限公司", "party_b": "无锡启明传感技术有限公司"}
    assert f["contract_amount"] == {"amount": 864000.0, "currency": "CNY"}
    assert f["signing_date"] == "2026-04-08"
    # a Chinese term ends the day before its anniversary: 2026-04-08 + 两年 -> 2028-04-07
    assert f["term"] == {"start": "2026-04-08", "end": "2028-04-07", "months": 24}
    assert f["delivery_period"] == {"days": 42, "business_days": False}
    assert f["payment_terms"] == {"installments_pct": [30.0, 60.0, 10.0]}
    assert f["acceptance"]["days"] == 7 and "技术规格书" in f["acceptance"]["criteria"]
    assert f["warranty_months"] == 12
    assert f["breach_penalty"] == {"rate_per_day_pct": 0.05, "cap_pct": 5.0}
    assert "间接损失" in f["liability_exclusions"]["text"]
    assert f["termination"]["notice_days"] is None
    assert f["dispute_resolution"] == {
        "method": "arbitration",
        "venue": "南京仲裁委员会",
        "governing_law": None,
    }
    assert zh_fields.engine == "offline" and zh_fields.lang == "zh"


def test_en_contract_all_fields(en_fields: ContractFields) -> None:
    f = en_fields.normalised()
    assert f["parties"] == {"party_a": "Harbor Foods Co.", "party_b": "Redwood Packaging, Inc."}
    assert f["contract_amount"] == {"amount": 52500.0, "currency": "USD"}
    assert f["signing_date"] == "2026-03-02"
    # an English term ends on its anniversary: two years from 2026-03-02 -> 2028-03-02
    assert f["term"] == {"start": "2026-03-02", "end": "2028-03-02", "months": 24}
    assert f["delivery_period"] == {"days": 20, "business_days": False}
    assert f["payment_terms"] == {"installments_pct": [40.0, 60.0]}
    assert f["acceptance"]["days"] == 5
    assert f["warranty_months"] == 18
    assert f["breach_penalty"] == {"rate_per_day_pct": 0.5, "cap_pct": 10.0}
    assert "consequential" in f["liability_exclusions"]["text"]
    assert f["termination"]["notice_days"] == 60
    assert f["dispute_resolution"]["method"] == "litigation"
    assert "San Francisco County" in f["dispute_resolution"]["venue"]
    assert f["dispute_resolution"]["governing_law"] == "the State of California"


def test_every_value_has_verbatim_evidence(zh_fields: ContractFields, zh_doc: ContractDocument) -> None:
    for name, value in zh_fields.normalised().items():
        if value is None:
            continue
        quotes = zh_fields.evidence[name]
        assert quotes, name
        for ev in quotes:
            assert zh_doc.text[ev.start : ev.end] == ev.quote and ev.quote in zh_doc.text
            assert ev.page >= 1


def test_missing_fields_are_none() -> None:
    f = _extract("甲方：甲公司", "乙方：乙公司", "第一条 标的", "乙方向甲方提供咨询服务。").normalised()
    assert f["parties"] == {"party_a": "甲公司", "party_b": "乙公司"}
    assert all(f[k] is None for k in f if k != "parties")


def test_penalty_per_mille_and_cap() -> None:
    f = _extract(
        "第七条 违约责任",
        "乙方逾期交货的，每逾期一日按合同总额的千分之五支付违约金，违约金总额不超过合同总额的10%。",
    )
    assert f.normalised()["breach_penalty"] == {"rate_per_day_pct": 0.5, "cap_pct": 10.0}


def test_business_vs_calendar_days_and_notice_lead_time() -> None:
    f = _extract("第三条 交货", "3.1 乙方应在发货前3日通知甲方。", "3.2 乙方应于合同签订后30个工作日内交货。")
    assert f.normalised()["delivery_period"] == {"days": 30, "business_days": True}
    g = _extract("第三条 交货", "乙方应于收到订单后15天内交货。")
    assert g.normalised()["delivery_period"] == {"days": 15, "business_days": False}


def test_warranty_years_and_shelf_life() -> None:
    assert _extract("第五条 质量保证", "产品质保期为两年。").warranty_months == 24
    assert _extract("第五条 质量保证", "产品的保质期以包装标注为准。").warranty_months is None


def test_termination_notice_and_litigation_venue() -> None:
    f = _extract(
        "第九条 合同解除",
        "任何一方可提前30日书面通知对方解除本合同。",
        "第十条 争议解决",
        "协商不成的，任何一方可向甲方所在地人民法院提起诉讼。",
    ).normalised()
    assert f["termination"]["notice_days"] == 30
    assert f["dispute_resolution"] == {
        "method": "litigation",
        "venue": "甲方所在地人民法院",
        "governing_law": None,
    }


def test_term_range_and_remainder_payment() -> None:
    f = _extract(
        "一、合同有效期",
        "本合同有效期自2026年2月1日起至2026年12月31日止。",
        "二、付款",
        "甲方于签约后支付30%，余款于验收后支付。",
    ).normalised()
    assert f["term"] == {"start": "2026-02-01", "end": "2026-12-31", "months": 11}
    assert f["payment_terms"] == {"installments_pct": [30.0, 70.0]}


def test_penalty_cap_written_as_wei_xian() -> None:
    f = _extract(
        "第六条 违约责任", "乙方每迟延一日，按合同总价的0.05%支付违约金，违约金总额以合同总价的5%为限。"
    )
    assert f.normalised()["breach_penalty"] == {"rate_per_day_pct": 0.05, "cap_pct": 5.0}
