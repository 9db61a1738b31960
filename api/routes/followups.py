"""Follow-up endpoints: thin; they validate, call one service function and return a schema."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.errors import InputTooLarge, InvalidInput, NotConfigured
from copilot.schemas import FollowUpCreate, FollowUpPublic, Page

router = APIRouter(prefix="/v1", tags=["follow-ups"], dependencies=[scoped("followups")])


@router.post("/followups", status_code=status.HTTP_201_CREATED)
def create_followup(body: FollowUpCreate, principal: PrincipalDep, runtime: RuntimeDep) -> FollowUpPublic:
    """Store a dictation, chat or call and return it with the five fields, quality, signals and evidence."""
    return runtime.followups.submit(principal, body)


@router.get("/followups/{followup_id}")
def get_followup(followup_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> FollowUpPublic:
    """One stored follow-up."""
    return runtime.followups.get(principal, followup_id)


@router.get("/customers/{customer_id}/followups")
def list_customer_followups(
    customer_id: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    """A customer's follow-ups, newest first."""
    return runtime.followups.list_for_customer(principal, customer_id, limit=limit, offset=offset)


MAX_AUDIO_BYTES = 25 * 1024 * 1024


@router.post("/followups/audio", status_code=status.HTTP_201_CREATED)
async def create_followup_from_audio(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="A voice note (mp3, m4a, wav, webm...).")],
    customer_id: Annotated[str, Form()],
    deal_id: Annotated[str | None, Form()] = None,
    reference_time: Annotated[datetime | None, Form()] = None,
    id: Annotated[
        str | None,
        Form(
            max_length=64,
            description="Client-chosen id: a retry with the same id returns the stored follow-up.",
        ),
    ] = None,
) -> FollowUpPublic:
    """Transcribe a voice note on the configured speech endpoint, then process it as a dictation.
    With an `id`, a retried upload is neither transcribed nor stored again."""
    if runtime.transcriber is None:
        raise NotConfigured("voice notes need a transcription endpoint: set COPILOT_LLM_BASE_URL")
    if id is not None:
        stored = await run_in_threadpool(runtime.followups.find, principal, id)
        if stored is not None:
            return stored
    audio = await file.read(MAX_AUDIO_BYTES + 1)
    if not audio:
        raise InvalidInput("the audio file is empty")
    if len(audio) > MAX_AUDIO_BYTES:
        raise InputTooLarge(f"audio files are limited to {MAX_AUDIO_BYTES // (1024 * 1024)} MB")
    text = await run_in_threadpool(runtime.transcriber.transcribe, audio, file.filename or "audio")
    try:
        body = FollowUpCreate(
            customer_id=customer_id,
            deal_id=deal_id,
            reference_time=reference_time,
            input={"kind": "dictation", "text": text},
            id=id,
        )
    except ValidationError as exc:
        raise InvalidInput(f"invalid form field: {exc.errors()[0]['msg']}") from exc
    return await run_in_threadpool(runtime.followups.submit, principal, body)
