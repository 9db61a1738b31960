"""The 12 contract fields (FORMAT.md's normalised forms) with evidence, and the offline extractor."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from copilot.contracts.locate import Contract, Evidence
from copilot.contracts.pdf import ContractDocument

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


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Parties(_Value):
    party_a: str | None = Field(description="甲方 / buyer / customer, as written")
    party_b: str | None = Field(description="乙方 / seller / supplier, as written")


class ContractAmount(_Value):
    amount: float = Field(description="Total contract amount, tax included when the contract states it")
    currency: str = Field(description="ISO 4217 code; CNY for 元/人民币/¥")


class Term(_Value):
    start: date | None = None
    end: date | None = None
    months: int | None = Field(default=None, description="Stated length in months (1 year = 12)")


class DeliveryPeriod(_Value):
    days: int = Field(description="Days from the contract's own anchor (signing, prepayment, order)")
    business_days: bool = Field(description="True for 工作日 / business days")


class PaymentTerms(_Value):
    installments_pct: list[float] = Field(description="Each instalment's percentage, in contract order")


class Acceptance(_Value):
    days: int | None = Field(description="Days allowed for acceptance, or None")
    criteria: str = Field(description="The acceptance clause text")


class BreachPenalty(_Value):
    rate_per_day_pct: float | None = Field(description="Penalty per day in percent (千分之五 = 0.5)")
    cap_pct: float | None = Field(description="Cap in percent of the contract amount")


class LiabilityExclusions(_Value):
    text: str = Field(description="The exclusion / limitation-of-liability clause text")


class Termination(_Value):
    notice_days: int | None = Field(description="Notice period in days; None when no notice is needed")
    text: str = Field(description="The termination clause text")


class DisputeResolution(_Value):
    method: Literal["litigation", "arbitration"]
    venue: str | None = Field(description="Court or arbitration institution (and seat) as written")


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
        from copilot.contracts.rules import extract_all

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
