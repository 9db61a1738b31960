"""`POST /v1/ask` and `copilot ask`: a question (or a plan) in, an answer with its records out."""

from __future__ import annotations

import logging
import time
from datetime import datetime, tzinfo
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import Principal
from copilot.ask.answer import render
from copilot.ask.examples import closest
from copilot.ask.execute import Executor
from copilot.ask.llm import LLMPlanner
from copilot.ask.parser import OfflinePlanner
from copilot.ask.plan import Plan
from copilot.ask.reading import Unanswerable, language
from copilot.ask.validate import PlanInvalid, Scope, validate
from copilot.clock import Clock
from copilot.errors import InputTooLarge, InvalidInput, invalid
from copilot.llm.structured import ModelUnavailable
from copilot.pipeline.snapshot import PipelineSnapshot, SnapshotCache
from copilot.policies import RiskRules, load_policy
from copilot.risks.service import visible_customers, visible_reps

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500


class AskService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        snapshots: SnapshotCache,
        tz: tzinfo,
        llm: LLMPlanner | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.snapshots = snapshots
        self.tz = tz
        self.offline = OfflinePlanner()
        self.llm = llm

    def ask(
        self,
        principal: Principal,
        question: str | None = None,
        *,
        plan: dict[str, Any] | None = None,
        as_of: datetime | None = None,
        engine: str = "auto",
    ) -> dict[str, Any]:
        """Answer a question (or run a given plan) within the caller's scope, as of a time."""
        started = time.perf_counter()
        if (question is None) == (plan is None):
            raise InvalidInput("send either a question or a plan")
        if question is not None:
            question = question.strip()
            if not question:
                raise InvalidInput("the question is empty")
            if len(question) > MAX_QUESTION_CHARS:
                raise InputTooLarge(
                    f"the question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}"
                )
        as_of = (as_of or self.clock.now()).astimezone(self.tz)
        with self.sessions() as session:
            snap = self.snapshots.get(session, principal.org_id)
            policy = load_policy(session, principal.org_id)
        customers = visible_customers(snap, principal)
        scope = Scope(snap, customers, visible_reps(snap, principal, customers))
        lang = language(question) if question else "en"
        out: dict[str, Any] = {"question": question, "lang": lang, "as_of": as_of.isoformat()}
        if plan is not None:
            chosen = _parse_plan(plan)
            out["engine"] = "plan"
        else:
            assert question is not None
            try:
                chosen, used, note = self._plan(question, snap, as_of, engine, policy.risk_rules)
            except Unanswerable as exc:
                return self._unanswerable(out, question, lang, exc.reason)
            out["engine"] = used
            if note:
                out["engine_note"] = note
        validate(chosen, scope)
        execution = Executor(snap, scope, policy, as_of, self.tz).run(chosen)
        out.update(render(chosen, execution, snap, lang, as_of))
        out["answerable"] = True
        out["plan"] = chosen.model_dump(mode="json", exclude_none=True)
        out["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return out

    def _plan(
        self, question: str, snap: PipelineSnapshot, as_of: datetime, engine: str, rules: RiskRules
    ) -> tuple[Plan, str, str | None]:
        if engine not in ("auto", "offline", "llm"):
            raise InvalidInput("engine must be auto, offline or llm")
        if engine == "llm" and self.llm is None:
            raise InvalidInput("no model is configured; set COPILOT_LLM_BASE_URL and COPILOT_LLM_MODEL")
        if self.llm is not None and engine != "offline":
            try:
                plan, stats = self.llm.plan(question, snap, as_of)
                return (
                    plan,
                    f"llm:{self.llm.chat.model}",
                    f"{stats.calls} model call(s), {stats.usage.get('total_tokens', 0)} tokens",
                )
            except ModelUnavailable as exc:
                log.warning(
                    "ask: the model gave no valid plan, the offline parser answers",
                    extra={"reason": exc.reason},
                )
                if engine == "llm":
                    raise InvalidInput(f"the model gave no valid plan: {exc.reason}") from exc
                plan = self.offline.plan(question, snap, as_of, self.tz, rules)
                return (
                    plan,
                    "offline",
                    f"the model gave no valid plan ({exc.reason}); the offline parser answered",
                )
        return self.offline.plan(question, snap, as_of, self.tz, rules), "offline", None

    def _unanswerable(self, out: dict[str, Any], question: str, lang: str, reason: str) -> dict[str, Any]:
        out.update(
            answerable=False,
            engine="offline",
            answer=(
                "暂时无法回答这个问题：它超出了目前支持的查询范围，系统不会编造数字。可以试试这些问题："
                if lang == "zh"
                else "I can't answer that yet: it is outside the questions the product supports, and it "
                "will not make up a number. Closest supported questions:"
            ),
            reason=reason,
            suggestions=closest(question, lang),
            result=None,
            drilldown=[],
        )
        return out


def _parse_plan(data: dict[str, Any]) -> Plan:
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, "the plan is invalid at {where}: {msg}", PlanInvalid) from exc
