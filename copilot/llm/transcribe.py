"""Speech to text through an OpenAI-compatible `/v1/audio/transcriptions` endpoint."""

from __future__ import annotations

from typing import Protocol

import openai
from pydantic import SecretStr

from copilot.errors import CopilotError


class TranscriptionFailed(CopilotError):
    status = 502
    code = "transcription_failed"


class Transcriber(Protocol):
    def transcribe(self, audio: bytes, filename: str) -> str:
        """The text spoken in `audio`."""
        ...


class OpenAICompatibleTranscriber:
    def __init__(
        self, *, base_url: str, api_key: SecretStr | None, model: str, timeout_s: float = 60.0
    ) -> None:
        self.model = model
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key.get_secret_value() if api_key else "not-needed",
            timeout=timeout_s,
            max_retries=1,
        )

    def transcribe(self, audio: bytes, filename: str) -> str:
        try:
            result = self._client.audio.transcriptions.create(model=self.model, file=(filename, audio))
        except openai.OpenAIError as exc:
            raise TranscriptionFailed(
                f"the transcription endpoint failed: {type(exc).__name__}: {exc}"
            ) from exc
        return result.text
