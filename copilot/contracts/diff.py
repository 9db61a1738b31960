"""Contract vs the customer's original requirements: which fields depart, why, and how much it matters.

Severity: `high` for the money and delivery terms a customer signs off on and that cost money when wrong
(amount, payment, delivery, acceptance, penalty, liability); `medium` for the rest.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from copilot.contracts.fields import FIELD_NAMES, ContractFields
from copilot.contracts.locate import Evidence, searched_for
from copilot.contracts.normalise import clean_name
from copilot.contracts.pdf import ContractDocument
from copilot.errors import InvalidInput

HIGH_SEVERITY = frozenset(
    {
        "contract_amount",
        "payment_terms",
        "delivery_period",
        "acceptance",
        "breach_penalty",
        "liability_exclusions",
    }
)
_LABELS: dict[str, tuple[str, str]] = {
    "parties": ("合同主体", "Parties"),
    "contract_amount": ("合同金额", "Contract amount"),
    "signing_date": ("签订日期", "Signing date"),
    "term": ("合同期限", "Term"),
    "delivery_period": ("交付期限", "Delivery period"),
    "payment_terms": ("付款方式", "Payment terms"),
    "acceptance": ("验收", "Acceptance"),
    "warranty_months": ("质保期", "Warranty"),
    "breach_penalty": ("违约金", "Late-delivery penalty"),
    "liability_exclusions": ("免责与责任限制", "Liability exclusions"),
    "termination": ("合同解除", "Termination"),
    "dispute_resolution": ("争议解决", "Dispute resolution"),
}


class _Req(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartiesReq(_Req):
    party_a: str | None = None
    party_b: str | None = None


class AmountReq(_Req):
    amount: float = Field(ge=0)
    currency: str = Field(default="CNY", min_length=3, max_length=3)

    @field_validator("currency")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class TermReq(_Req):
    start: date | None = None
    end: date | None = None
    months: int | None = Field(default=None, ge=0)


class DeliveryReq(_Req):
    days: int = Field(ge=0)
    business_days: bool = False


class PaymentReq(_Req):
    installments_pct: list[float] = Field(min_length=1)


class AcceptanceReq(_Req):
    days: int | None = Field(default=None, ge=0)
    criteria_must_mention: list[str] = Field(default_factory=list)


class PenaltyReq(_Req):
    rate_per_day_pct: float | None = Field(default=None, ge=0)
    cap_pct: float | None = Field(default=None, ge=0)


class LiabilityReq(_Req):
    must_mention: list[str] = Field(default_factory=list)


class TerminationReq(_Req):
    notice_days: int | None = Field(default=None, ge=0)
    must_mention: list[str] = Field(default_factory=list)


class DisputeReq(_Req):
    method: Literal["litigation", "arbitration"]
    venue: str | None = None


class ContractRequirements(_Req):
    """The customer's original requirements: any subset of the 12 fields, in FORMAT.md's normalised forms."""

    parties: PartiesReq | None = None
    contract_amount: AmountReq | None = None
    signing_date: date | None = None
    term: TermReq | None = None
    delivery_period: DeliveryReq | None = None
    payment_terms: PaymentReq | None = None
    acceptance: AcceptanceReq | None = None
    warranty_months: int | None = Field(default=None, ge=0)
    breach_penalty: PenaltyReq | None = None
    liability_exclusions: LiabilityReq | None = None
    termination: TerminationReq | None = None
    dispute_resolution: DisputeReq | None = None


requirements_schema = ContractRequirements


Finding = Literal["different", "not_found"]


class FieldDiff(BaseModel):
    """One field where the contract departs from the requirement, with evidence on both sides. A required
    field the contract does not state is `not_found` (with where it was looked for); one it states
    otherwise is `different`. Both are differences."""

    field: str
    required: Any = Field(description="The requirement's normalised value")
    contract: Any = Field(description="The contract's normalised value, or None when the contract is silent")
    reason: str = Field(description="What differs, in the contract's language")
    severity: Literal["high", "medium"]
    contract_evidence: list[Evidence] = Field(default_factory=list)
    requirement_evidence: str = Field(description="The requirement value as recorded")
    finding: Finding = Field(
        default="different",
        description="`different`: the contract states another value; `not_found`: it does not state it",
    )
    searched: list[str] = Field(
        default_factory=list,
        description="For `not_found`: the clauses (or the whole text) that were searched",
    )


def field_label(field: str, zh: bool = True) -> str:
    """A contract field's name for people: `付款方式` / `Payment terms`."""
    return _LABELS[field][0 if zh else 1] if field in _LABELS else field


def describe_value(field: str, value: Any, zh: bool = True) -> str:
    """A requirement or contract value in words, as the diff shows it."""
    return _describe(field, value, zh)


def finding_of(contract_value: Any) -> Finding:
    """`not_found` when the contract states no value for the field, else `different`."""
    return "not_found" if contract_value is None else "different"


def not_found_reason(field: str, required: Any, searched: list[str], zh: bool) -> str:
    """`Payment terms: required 30/60/10%, not found in the contract (searched: 3 Payment (p. 2))`."""
    label = _LABELS[field][0 if zh else 1]
    want = _describe(field, required, zh)
    where = ("；".join(searched) if zh else "; ".join(searched)) if searched else ""
    if zh:
        return f"{label}：要求 {want}，合同中未找到" + (f"（已查：{where}）" if where else "")
    return f"{label}: required {want}, not found in the contract" + (f" (searched: {where})" if where else "")


def parse_requirements(requirements: dict[str, Any] | ContractRequirements | None) -> ContractRequirements:
    """Validate a requirements dict; raises `InvalidInput` naming each bad key."""
    if requirements is None:
        return ContractRequirements()
    if isinstance(requirements, ContractRequirements):
        return requirements
    try:
        return ContractRequirements.model_validate(requirements)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise InvalidInput(f"invalid contract requirements: {problems}", detail=exc.errors()) from exc


def _cents(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _num(value: Any) -> str:
    """A number without a trailing .0 (30.0 -> 30)."""
    d = Decimal(str(value)).normalize()
    return f"{d:f}"


def _contains(text: str, phrase: str) -> bool:
    squash = "".join(text.split()).lower()
    return "".join(phrase.split()).lower() in squash


def _describe(name: str, value: Any, zh: bool) -> str:
    """A short human rendering of a normalised value."""
    if value is None:
        return "未约定" if zh else "not stated"
    if name == "delivery_period":
        unit = (
            ("个工作日" if value["business_days"] else "日")
            if zh
            else ("business days" if value["business_days"] else "calendar days")
        )
        return f"{value['days']} {unit}"
    if name == "warranty_months":
        return f"{value} 个月" if zh else f"{value} months"
    if name == "contract_amount":
        return f"{value['currency']} {_cents(value['amount']):,}"
    if name == "payment_terms":
        return "/".join(_num(p) for p in value["installments_pct"]) + "%"
    if name == "breach_penalty":
        rate = "—" if value.get("rate_per_day_pct") is None else f"{_num(value['rate_per_day_pct'])}%"
        cap = "—" if value.get("cap_pct") is None else f"{_num(value['cap_pct'])}%"
        return f"每日 {rate}，上限 {cap}" if zh else f"{rate} per day, cap {cap}"
    if name == "termination":
        if value.get("notice_days") is None:
            return "无需提前通知" if zh else "no notice period"
        return f"提前 {value['notice_days']} 日通知" if zh else f"{value['notice_days']} days' notice"
    if name == "dispute_resolution":
        method = {"arbitration": ("仲裁", "arbitration"), "litigation": ("诉讼", "litigation")}[
            value["method"]
        ]
        return (
            f"{method[0 if zh else 1]}（{value.get('venue') or '—'}）"
            if zh
            else (f"{method[1]} ({value.get('venue') or '-'})")
        )
    if name == "term":
        end = value.get("end")
        if value.get("months") is not None:
            months = f"{value['months']} 个月" if zh else f"{value['months']} months"
            return months + (f"（至 {end}）" if zh else f" (to {end})") if end else months
        return (f"至 {end}" if zh else f"to {end}") if end else ("未约定" if zh else "not stated")
    if name == "acceptance":
        days = value.get("days")
        return (
            ("验收期 " + (f"{days} 日" if days is not None else "未约定"))
            if zh
            else ("acceptance within " + (f"{days} days" if days is not None else "an unstated period"))
        )
    if name == "parties":
        return f"{value.get('party_a')} / {value.get('party_b')}"
    return str(value)


def _departs(name: str, req: Any, got: Any) -> tuple[bool, str | None]:
    """Whether the contract's value departs from the requirement, and (for phrases) which one is missing."""
    if name == "parties":
        return any(
            req.get(k) is not None and (got.get(k) is None or clean_name(req[k]) != clean_name(got[k]))
            for k in ("party_a", "party_b")
        ), None
    if name == "contract_amount":
        return _cents(req["amount"]) != _cents(got["amount"]) or req["currency"] != got[
            "currency"
        ].upper(), None
    if name == "term":
        if req.get("months") is not None:
            return req["months"] != got.get("months"), None
        return req.get("end") is not None and req["end"] != got.get("end"), None
    if name == "delivery_period":
        return (req["days"], req["business_days"]) != (got["days"], got["business_days"]), None
    if name == "payment_terms":
        want, have = req["installments_pct"], got["installments_pct"]
        return len(want) != len(have) or any(
            _cents(a) != _cents(b) for a, b in zip(want, have, strict=True)
        ), None
    if name == "breach_penalty":
        return any(
            req.get(k) is not None and (got.get(k) is None or _cents(req[k]) != _cents(got[k]))
            for k in ("rate_per_day_pct", "cap_pct")
        ), None
    if name in ("acceptance", "termination", "liability_exclusions"):
        days_key = {"acceptance": "days", "termination": "notice_days"}.get(name)
        if days_key and req.get(days_key) is not None and req[days_key] != got.get(days_key):
            return True, None
        text = got.get("criteria") or got.get("text") or ""
        missing = next(
            (
                p
                for p in req.get("criteria_must_mention") or req.get("must_mention") or []
                if not _contains(text, p)
            ),
            None,
        )
        return missing is not None, missing
    if name == "dispute_resolution":
        venue_ok = not req.get("venue") or _contains(got.get("venue") or "", req["venue"])
        return req["method"] != got["method"] or not venue_ok, None
    return req != got, None


def diff_contract(
    fields: ContractFields | dict[str, Any],
    requirements: dict[str, Any] | ContractRequirements | None,
    document: ContractDocument | None = None,
) -> list[FieldDiff]:
    """Every required field whose contract value departs from the requirement (absent counts as departing,
    as `not_found`, listing the clauses of `document` that were searched when the document is given)."""
    reqs = parse_requirements(requirements)
    if isinstance(fields, ContractFields):
        values, evidence, zh = fields.normalised(), fields.evidence, fields.lang == "zh"
    else:
        values, evidence = {k: fields.get(k) for k in FIELD_NAMES}, {}
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in str(fields))
    required = reqs.model_dump(mode="json", exclude_none=True)
    missing = [n for n in FIELD_NAMES if n in required and values.get(n) is None]
    searched = searched_for(document, missing) if document is not None and missing else {}
    diffs: list[FieldDiff] = []
    for name in FIELD_NAMES:
        if name not in required:
            continue
        req, got = required[name], values.get(name)
        missing_phrase: str | None = None
        if got is not None:
            departs, missing_phrase = _departs(name, req, got)
            if not departs:
                continue
        label = _LABELS[name][0 if zh else 1]
        want, have = _describe(name, req, zh), _describe(name, got, zh)
        if missing_phrase is not None:
            reason = (
                f"{label}：要求包含“{missing_phrase}”，合同条款未提及"
                if zh
                else f'{label}: required to mention "{missing_phrase}", the contract does not'
            )
        elif got is None:
            reason = not_found_reason(name, req, searched.get(name, []), zh)
        else:
            reason = (
                f"{label}：要求 {want}，合同 {have}" if zh else f"{label}: required {want}, contract {have}"
            )
        diffs.append(
            FieldDiff(
                field=name,
                required=req,
                contract=got,
                reason=reason,
                severity="high" if name in HIGH_SEVERITY else "medium",
                contract_evidence=list(evidence.get(name, [])),
                requirement_evidence=f"{label}: {want}",
                finding=finding_of(got),
                searched=searched.get(name, []),
            )
        )
    return diffs
