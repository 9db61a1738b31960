"""The composition root: builds the database, engines and services from settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.search_backend import RetrievalBackend
from copilot.ask.service import AskService
from copilot.clock import Clock, SystemClock
from copilot.collab.minutes import overdue_minutes_blocks
from copilot.collab.service import CollabService
from copilot.config import Settings
from copilot.contracts.fields import ContractExtractor, OfflineContractExtractor
from copilot.contracts.service import ContractLimits, ContractService
from copilot.documents.ocr import OcrEngine, RapidOcr
from copilot.documents.reading import read_contract_pdf
from copilot.extraction.offline import OfflineEngine
from copilot.files import FileStore
from copilot.followups.engine import FollowUpEngine
from copilot.followups.service import FollowUpService
from copilot.letters.service import LetterLimits, LetterService
from copilot.llm.transcribe import Transcriber
from copilot.pipeline.deals import DealService
from copilot.pipeline.requirements import RequirementService
from copilot.pipeline.snapshot import SnapshotCache
from copilot.rhythm.service import RhythmService
from copilot.risks.service import RiskService
from copilot.search.service import SearchService
from copilot.store.database import make_engine, make_session_factory
from copilot.store.migrate import upgrade
from copilot.suggest.service import SuggestionService
from evaluators.quality import judge_quality

if TYPE_CHECKING:
    from copilot.ask.llm import LLMPlanner
    from copilot.llm.chat import ChatModel
    from copilot.privacy.redact import Redactor


@dataclass
class Runtime:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    engine: FollowUpEngine
    followups: FollowUpService
    contracts: ContractService
    requirements: RequirementService
    deals: DealService
    search: SearchService
    search_backend: RetrievalBackend
    letters: LetterService
    risks: RiskService
    ask: AskService
    snapshots: SnapshotCache
    collab: CollabService
    suggestions: SuggestionService
    rhythm: RhythmService
    transcriber: Transcriber | None = None

    def close(self) -> None:
        self.search_backend.close()
        self.db.dispose()


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: FollowUpEngine | None = None,
    migrate: bool = True,
) -> Runtime:
    """Everything the API and CLI need, wired once; migrations run first unless told not to."""
    db = make_engine(settings.resolved_database_url)
    migrate = migrate and settings.process_role == "all"  # web workers: `copilot serve` migrated
    if migrate:
        upgrade(db)
    sessions = make_session_factory(db)
    clock = clock or SystemClock()
    engine = engine or build_engine(settings)
    backend = RetrievalBackend(
        settings.data_dir / "chroma",
        settings.chroma_url,
        settings.embedders,
        openai_options={
            "base_url": settings.llm_base_url,
            "model": settings.embedding_model,
            "api_key": settings.llm_api_key or "not-needed",
            "dim": settings.embedding_dim,
            "redactor": build_redactor(settings),
        },
        remote=_embedding_server(settings),
        prefix=settings.chroma_prefix,
    )
    ocr = build_ocr(settings)
    # a web worker leaves indexing to the `copilot worker` (the queue row is its whole hand-over)
    inline = backend.submit if settings.process_role == "all" else None
    followups = FollowUpService(sessions, engine, judge_quality, clock, settings, index=inline)
    contracts = ContractService(
        sessions,
        build_contract_extractor(settings),
        clock,
        ContractLimits(max_pages=settings.contract_max_pages, max_bytes=settings.contract_max_bytes),
        reader=partial(read_contract_pdf, ocr=ocr),
    )
    letters = LetterService(
        sessions,
        clock,
        FileStore(settings.data_dir / "files"),
        ocr,
        LetterLimits(max_bytes=settings.letter_max_bytes, max_pages=settings.letter_max_pages),
        index=backend.submit,
    )
    snapshots = SnapshotCache()
    search = SearchService(sessions, backend, settings.tz)
    backend.on_indexed = search.finish_live
    return Runtime(
        settings,
        db,
        sessions,
        clock,
        engine,
        followups,
        contracts=contracts,
        requirements=RequirementService(sessions, clock),
        deals=DealService(sessions, clock),
        search=search,
        search_backend=backend,
        letters=letters,
        risks=RiskService(sessions, clock, snapshots, settings.tz),
        ask=AskService(sessions, clock, snapshots, settings.tz, build_ask_planner(settings)),
        snapshots=snapshots,
        collab=CollabService(sessions, clock, settings.tz),
        suggestions=SuggestionService(sessions, clock, snapshots, settings.tz),
        rhythm=RhythmService(
            sessions,
            clock,
            snapshots,
            settings.tz,
            settings.public_url,
            minutes_source=overdue_minutes_blocks,
        ),
        transcriber=build_transcriber(settings),
    )


def _embedding_server(settings: Settings) -> tuple[str, str] | None:
    """A web worker's view of the `copilot worker`'s embedding server, when there is one."""
    if settings.process_role != "web" or not settings.embedding_server_url:
        return None
    token = settings.embedding_server_token.get_secret_value() if settings.embedding_server_token else ""
    return settings.embedding_server_url, token


def build_ask_planner(settings: Settings) -> LLMPlanner | None:
    """The model that writes query plans, when one is configured."""
    if not settings.llm_configured:
        return None
    from copilot.ask.llm import LLMPlanner
    from copilot.prompting import load_prompt

    return LLMPlanner(_chat(settings, "ask"), load_prompt("ask_plan"), retries=settings.llm_retries)


def build_ocr(settings: Settings) -> OcrEngine | None:
    """The offline OCR engine for photos and scans (its model loads on first use), or none."""
    return RapidOcr() if settings.ocr_engine == "rapidocr" else None


def build_contract_extractor(settings: Settings) -> ContractExtractor:
    """The offline contract rules, or the LLM extractor over them when a model is configured."""
    offline = OfflineContractExtractor()
    if not settings.llm_configured:
        return offline
    from copilot.contracts.llm import LLMContractExtractor
    from copilot.llm.tokens import TiktokenCounter
    from copilot.prompting import load_prompt

    return LLMContractExtractor(
        _chat(settings, "contract"),
        load_prompt("contract_extract"),
        offline,
        TiktokenCounter(settings.data_dir / "tiktoken", settings.llm_tokenizer),
    )


def build_redactor(settings: Settings) -> Redactor | None:
    """The privacy layer in front of every external model call: on unless `redact` is turned off."""
    if not settings.redact:
        return None
    from copilot.privacy.redact import Redactor

    return Redactor(mask_names=settings.redact_names)


def _chat(settings: Settings, purpose: str) -> ChatModel:
    """The configured chat model behind the model boundary (masking and metering every call)."""
    from copilot.llm.chat import OpenAICompatibleChat
    from copilot.privacy.boundary import GuardedChat

    assert settings.llm_base_url is not None and settings.llm_model is not None
    chat = OpenAICompatibleChat(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s,
        response_format=settings.llm_response_format,
    )
    return GuardedChat(chat, purpose, build_redactor(settings))


def build_transcriber(settings: Settings) -> Transcriber | None:
    """Speech to text on the configured endpoint; None when no endpoint is configured."""
    if not settings.llm_base_url:
        return None
    from copilot.llm.transcribe import OpenAICompatibleTranscriber

    return OpenAICompatibleTranscriber(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key,
        model=settings.transcription_model,
        timeout_s=max(settings.llm_timeout_s, 60.0),
    )


def build_engine(settings: Settings) -> FollowUpEngine:
    """The offline engine, or the LLM engine over it when a model endpoint is configured."""
    offline = OfflineEngine(extra_lexicon_dir=settings.lexicon_dir)
    if not settings.llm_configured:
        return offline
    from copilot.llm.engine import LLMFollowUpEngine
    from copilot.llm.tokens import TiktokenCounter
    from copilot.prompting import load_prompt

    return LLMFollowUpEngine(
        _chat(settings, "followup"),
        load_prompt("followup_extract"),
        offline,
        TiktokenCounter(settings.data_dir / "tiktoken", settings.llm_tokenizer),
        max_prompt_tokens=settings.llm_max_prompt_tokens,
        retries=settings.llm_retries,
    )
