"""Questions about the pipeline in the supervisor's own words."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.clock import in_zone

router = APIRouter(prefix="/v1", tags=["questions"], dependencies=[scoped("ask")])


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str | None = Field(
        None, max_length=500, description="中文或英文，例如「哪些谈判阶段的商机超过15天没推进？」"
    )
    plan: dict[str, Any] | None = Field(
        None, description="A query plan to run instead of a question (as returned in `plan`)."
    )
    as_of: datetime | None = Field(
        None, description="Answer as of this time (default now; no offset: the team's time zone)."
    )
    engine: Literal["auto", "offline", "llm"] = "auto"


@router.post("/ask")
async def ask(body: AskRequest, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The answer in the question's language, FORMAT.md's `ask` form (`result`), the typed plan and the
    records behind every id and number (`drilldown`); an honest refusal with the closest supported
    questions when it cannot be answered. Always within the caller's scope."""
    as_of = in_zone(body.as_of, runtime.settings.tz)
    return await run_in_threadpool(
        runtime.ask.ask, principal, body.question, plan=body.plan, as_of=as_of, engine=body.engine
    )
