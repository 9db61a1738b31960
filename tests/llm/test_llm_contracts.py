"""The LLM contract extractor over real HTTP: grounding, deterministic re-parsing and fallback."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from copilot.contracts.fields import OfflineContractExtractor
from copilot.contracts.llm import LLMContractExtractor
from copilot.contracts.pdf import ContractDocument, read_pdf
from copilot.llm.chat import OpenAICompatibleChat
from copilot.llm.structured import StructuredCaller
from copilot.llm.tokens import TiktokenCounter
from copilot.prompting import load_prompt
from evaluators.scripted_openai import Reply, ScriptedOpenAI
from tests.contracts.builders import ZH_CONTRACT, contract_pdf

NULL: dict[str, Any] = {"quote": None}


def reading(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "parties": {"quote": None, "party_a": None, "party_b": None},
        "contract_amount": {"quote": None, "amount": None, "currency": None},
        "signing_date": {"quote": None, "date_text": None},
        "term": {"quote": None, "start_text": None, "end_text": None, "months": None},
        "delivery_period": {"quote": None, "days": None, "business_days": None},
        "payment_terms": {"quote": None, "installments_pct": []},
        "acceptance": {"quote": None, "days": None},
        "warranty": {"quote": None, "months": None},
        "breach_penalty": {"quote": None, "rate_per_day_pct": None, "cap_pct": None},
        "liability_exclusions": dict(NULL),
        "termination": {"quote": None, "notice_days": None},
        "dispute_resolution": {"quote": None, "method": None, "venue": None},
    }
    base.update(fields)
    return base


def extractor(server: ScriptedOpenAI, tmp_path: Path) -> LLMContractExtractor:
    chat = OpenAICompatibleChat(base_url=server.url, model="scripted", api_key=None, timeout_s=5)
    return LLMContractExtractor(
        chat,
        load_prompt("contract_extract"),
        OfflineContractExtractor(),
        TiktokenCounter(tmp_path / "tk"),
        caller=StructuredCaller(chat, retries=1, sleep=lambda _: None),
    )


def document() -> ContractDocument:
    return read_pdf(contract_pdf(ZH_CONTRACT, zh=True))


def test_grounded_values_are_kept_and_reparsed(openai_server: ScriptedOpenAI, tmp_path: Path) -> None:
    openai_server.queue(
        Reply(
            json=reading(
                parties={
                    "quote": "甲方（买方）：南京远景精工有限公司",
                    "party_a": "南京远景精工有限公司",
                    "party_b": "无锡启明传感技术有限公司",
                },
                # the model's arithmetic is wrong; the parser reads the quoted 大写 amount
                contract_amount={
                    "quote": "本合同价税合计为人民币捌拾陆万肆仟元整（¥864,000.00），含13%增值税。",
                    "amount": 900000,
                    "currency": "CNY",
                },
                signing_date={"quote": "签订日期：2026年4月8日", "date_text": "2026年4月8日"},
                warranty={"quote": "设备质保期为一年，自验收合格之日起计算。", "months": 12},
                breach_penalty={
                    "quote": "按合同总价的万分之五支付违约金，违约金累计不超过合同总价的百分之五",
                    "rate_per_day_pct": 0.05,
                    "cap_pct": 5,
                },
                dispute_resolution={
                    "quote": "提交南京仲裁委员会仲裁",
                    "method": "arbitration",
                    "venue": "南京仲裁委员会",
                },
            )
        )
    )
    fields = extractor(openai_server, tmp_path).extract(document())
    assert len(openai_server.chat_requests) == 1
    assert fields.engine == "llm"
    assert fields.contract_amount is not None and fields.contract_amount.amount == 864000
    assert fields.signing_date == date(2026, 4, 8)
    assert fields.warranty_months == 12
    assert fields.breach_penalty is not None and fields.breach_penalty.rate_per_day_pct == 0.05
    assert fields.dispute_resolution is not None and fields.dispute_resolution.method == "arbitration"
    ev = fields.evidence["contract_amount"][0]
    assert document().text[ev.start : ev.end] == ev.quote and ev.page == 1
    user = openai_server.chat_requests[0]["messages"][1]["content"]
    assert "<clauses>" in user and "第一条 合同价款" in user


def test_a_value_whose_quote_is_not_in_the_contract_is_dropped(
    openai_server: ScriptedOpenAI, tmp_path: Path
) -> None:
    openai_server.queue(
        Reply(
            json=reading(
                warranty={"quote": "设备质保期为三年。", "months": 36},  # not in the contract
                termination={
                    "quote": "乙方逾期交货超过20日的，甲方有权解除本合同。",
                    "notice_days": 15,
                },  # 15 not stated
                acceptance={"quote": "设备到货后，甲方应在7个工作日内依据技术规格书组织验收", "days": 7},
            )
        )
    )
    fields = extractor(openai_server, tmp_path).extract(document())
    assert fields.warranty_months is None and "warranty_months" not in fields.evidence
    assert fields.termination is not None and fields.termination.notice_days is None
    assert fields.acceptance is not None and fields.acceptance.days == 7


def test_a_failing_model_falls_back_to_the_offline_rules(
    openai_server: ScriptedOpenAI, tmp_path: Path
) -> None:
    openai_server.queue(Reply(status=503), Reply(status=503))
    fields = extractor(openai_server, tmp_path).extract(document())
    assert fields.engine == "offline"
    assert fields.warranty_months == 12 and fields.contract_amount is not None
