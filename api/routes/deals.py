"""Deals: stage moves, requirements with double sign-off, contracts and their differences."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Response, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.domain import Stage
from copilot.errors import InputTooLarge, InvalidInput
from copilot.pipeline.views import deal_public
from copilot.schemas import DealPublic

# a stored row id: a number the database can hold (larger ones are simply not found, 404 not 500)
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]

router = APIRouter(prefix="/v1/deals", tags=["deals and contracts"])


class StageUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: Stage


class RequirementsUpdate(BaseModel):
    """The customer's original requirements: any subset of the 12 contract fields, normalised."""

    model_config = ConfigDict(extra="forbid")
    requirements: dict[str, Any]
    solution_owner_id: str | None = Field(None, description="Who answers requirement changes for this deal.")


class ConfirmationAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: Literal["feasible_synced", "meeting_needed"] = Field(
        description="feasible_synced: technically feasible, synced; meeting_needed: a meeting within 48 hours"
    )
    note: str | None = Field(None, max_length=2000)


class Acknowledgement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["accepted", "renegotiate"]
    note: str | None = Field(None, max_length=2000)


async def _read_upload(file: UploadFile, limit: int, *, too_large: str, empty: str) -> bytes:
    """An uploaded file's bytes, read no further than one byte past `limit`; empty or too large is refused."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(f"the file is over the {limit:,}-byte limit: {too_large}")
    if not data:
        raise InvalidInput(f"the uploaded file is empty; {empty}")
    return data


@router.patch("/{deal_id}", dependencies=[scoped("deals")])
def update_deal(deal_id: str, body: StageUpdate, principal: PrincipalDep, runtime: RuntimeDep) -> DealPublic:
    """Move a deal to a stage; `won` is refused (409) while contract differences are unacknowledged."""
    deal = runtime.deals.set_stage(principal, deal_id, body.stage)
    return deal_public(deal)


@router.get("/{deal_id}/requirements", dependencies=[scoped("deals")])
def get_requirements(deal_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The current requirements, every change (who, what, when) and the confirmations."""
    return runtime.requirements.get(principal, deal_id).__dict__


@router.put("/{deal_id}/requirements", dependencies=[scoped("deals")])
def put_requirements(
    deal_id: str, body: RequirementsUpdate, principal: PrincipalDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Record the requirements; a change by sales creates a pending confirmation for the solution owner."""
    view = runtime.requirements.put(
        principal, deal_id, body.requirements, solution_owner_id=body.solution_owner_id
    )
    return view.__dict__


@router.post("/{deal_id}/requirements/confirmations/{confirmation_id}", dependencies=[scoped("deals")])
def answer_confirmation(
    deal_id: str,
    confirmation_id: RowId,
    body: ConfirmationAnswer,
    principal: PrincipalDep,
    runtime: RuntimeDep,
) -> dict[str, Any]:
    """The solution owner's answer to a requirement change."""
    return runtime.requirements.answer(principal, deal_id, confirmation_id, body.answer, body.note).__dict__


@router.post("/{deal_id}/contracts", status_code=status.HTTP_201_CREATED, dependencies=[scoped("contracts")])
async def upload_contract(
    deal_id: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="The contract PDF.")],
    response: Response,
) -> dict[str, Any]:
    """Parse a contract PDF, extract the 12 fields with evidence and diff them against the requirements.
    The same file sent again to the deal returns the stored contract with 200 and `duplicate: true`."""
    data = await _read_upload(
        file,
        runtime.settings.contract_max_bytes,
        too_large="split it or compress it",
        empty="attach the contract PDF as 'file'",
    )
    result = await run_in_threadpool(runtime.contracts.upload, principal, deal_id, data, file.filename)
    if result.get("duplicate"):
        response.status_code = status.HTTP_200_OK
    return result


@router.get("/{deal_id}/contract-diff", dependencies=[scoped("contracts")])
def get_contract_diff(deal_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The latest contract's fields and every difference from the requirements, with acknowledgements."""
    return runtime.contracts.current(principal, deal_id)


@router.post("/{deal_id}/contract-diff/{field}/acknowledge", dependencies=[scoped("contracts")])
def acknowledge_difference(
    deal_id: str, field: str, body: Acknowledgement, principal: PrincipalDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Accept a difference or mark it for renegotiation (supervisor, admin or solution owner)."""
    return runtime.contracts.acknowledge(principal, deal_id, field, body.decision, body.note)


@router.post(
    "/{deal_id}/confirmation-letters", status_code=status.HTTP_201_CREATED, dependencies=[scoped("contracts")]
)
async def upload_confirmation_letter(
    deal_id: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    response: Response,
    file: Annotated[
        UploadFile | None, File(description="The letter as a PDF, or a photo or scan (JPEG/PNG).")
    ] = None,
    text: Annotated[str | None, Form(description="The letter as text, instead of a file.")] = None,
) -> dict[str, Any]:
    """Store a customer confirmation letter: photos and scans are read offline (OCR); the payment
    method, delivery period and acceptance criteria are found with quotes. A letter lacking one is
    stored but does not open the negotiation gate. A file that cannot be read changes nothing."""
    data = None
    if file is not None:
        data = await _read_upload(
            file,
            runtime.settings.letter_max_bytes,
            too_large="send a smaller photo or PDF",
            empty="attach the letter as 'file' or send 'text'",
        )
    result = await run_in_threadpool(
        runtime.letters.add,
        principal,
        deal_id,
        text=text,
        data=data,
        filename=file.filename if file else None,
    )
    if result.get("duplicate"):  # the same letter again: the stored one, nothing new
        response.status_code = status.HTTP_200_OK
    return result


@router.get("/{deal_id}/confirmation-letters", dependencies=[scoped("contracts")])
def list_confirmation_letters(deal_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The deal's confirmation letters with the elements each states, and whether the gate is open."""
    return runtime.letters.list(principal, deal_id)
