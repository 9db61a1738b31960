"""The normalised value of each contract field (FORMAT.md's forms), shared by the extractors."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    end: date | None = Field(
        default=None,
        description="Last day of the (initial) term: as stated, or computed from a known start and the stated"
        " length (English: the anniversary; Chinese: the day before it)",
    )
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
    method: Literal["litigation", "arbitration"] = Field(
        description="arbitration when the contract sends disputes to arbitration, else litigation (courts)"
    )
    venue: str | None = Field(description="Court or arbitration institution (and seat) as written")
    governing_law: str | None = Field(
        default=None,
        description="The law chosen to govern the contract, as written (`the State of New York`)",
    )
