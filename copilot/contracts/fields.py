"""The 12 contract fields (FORMAT.md's normalised forms) with evidence, and the offline extractor."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from copilot.contracts.locate import Contract, Evidence
from copilot.contracts.pdf import ContractDocument
from copilot.contracts.rules import extract_all
from copilot.contracts.values import (
    Acceptance,
    BreachPenalty,
    ContractAmount,
    DeliveryPeriod,
    DisputeResolution,
    LiabilityExclusions,
    Parties,
    PaymentTerms,
    Term,
    Termination,
)

FIELD_NAMES: tuple[str, ...] = (
    "parties",
    "contract_amount",
    "signing_date",
    "term",
    "delivery_period",
    "payment_terms",
    "acceptance",
    "warranty_months",
    "breach_penalty",
    "liability_exclusions",
    "termination",
    "dispute_resolution",
)


class ContractFields(BaseModel):
    """The 12 fields of one contract; None means the contract does not state it. Evidence per field."""

    model_config = ConfigDict(extra="forbid")

    parties: Parties | None = None
    contract_amount: ContractAmount | None = None
    signing_date: date | None = None
    term: Term | None = None
    delivery_period: DeliveryPeriod | None = None
    payment_terms: PaymentTerms | None = None
    acceptance: Acceptance | None = None
    warranty_months: int | None = None
    breach_penalty: BreachPenalty | None = None
    liability_exclusions: LiabilityExclusions | None = None
    termination: Termination | None = None
    dispute_resolution: DisputeResolution | None = None
    evidence: dict[str, list[Evidence]] = Field(default_factory=dict)
    lang: Literal["zh", "en"] = "zh"
    engine: str = ""
    engine_version: str = ""

    def normalised(self) -> dict[str, Any]:
        """The 12 fields in FORMAT.md's prediction form (JSON-ready; dates as YYYY-MM-DD)."""
        data = self.model_dump(mode="json", include=set(FIELD_NAMES))
        return {name: data.get(name) for name in FIELD_NAMES}


class ContractExtractor(Protocol):
    """Anything that turns a contract document into the 12 fields: the offline rules, an LLM, a fake."""

    name: str
    version: str

    def extract(self, document: ContractDocument) -> ContractFields:
        """The 12 fields of `document`, each with evidence quoted from `document.text`."""
        ...


class OfflineContractExtractor:
    """Deterministic, clause-aware rules for Chinese and English contracts; no model, no network."""

    name: str = "offline"
    version: str = "1"

    def extract(self, document: ContractDocument) -> ContractFields:
        """The 12 fields of `document`; a value whose evidence is not in the document text is dropped."""
        contract = Contract(document)
        values, evidence = extract_all(contract)
        for name in list(values):
            quotes = evidence.get(name, [])
            if values[name] is not None and (
                not quotes or any(document.text[e.start : e.end] != e.quote for e in quotes)
            ):
                values[name] = None  # no verbatim evidence: never report a value we cannot point to
        evidence = {k: v for k, v in evidence.items() if values.get(k) is not None}
        lang: Literal["zh", "en"] = "zh" if contract.lang == "zh" else "en"
        return ContractFields(
            **values, evidence=evidence, lang=lang, engine=self.name, engine_version=self.version
        )
