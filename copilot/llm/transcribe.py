"""Speech to text through an OpenAI-compatible `/v1/audio/transcriptions` endpoint.

Audio cannot be masked: a deployment that must not send voices out points this at a local endpoint.
The transcript comes back to the user; when it is then extracted by a model, that call is masked.
"""

from __future__ import annotations

from typing import Protocol

import openai
from pydantic import SecretStr

from copilot.errors import CopilotError
from copilot.privacy.events import ModelCall, publish


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
            publish(ModelCall("transcription", "error"))
            raise TranscriptionFailed(
                f"the transcription endpoint failed: {type(exc).__name__}: {exc}"
            ) from exc
        publish(ModelCall("transcription", "ok"))
        return result.text
