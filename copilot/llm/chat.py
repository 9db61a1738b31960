"""The chat-model interface the LLM engines use, and its OpenAI-compatible adapter (LangChain).

The interface is small on purpose: a system and user message in, a JSON text and token usage out.
Tests use the real adapter against a scripted OpenAI-compatible server on 127.0.0.1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, SecretStr

ResponseFormat = Literal["json_schema", "tools", "json_object"]


class TransientModelError(Exception):
    """Worth retrying: a timeout, a dropped connection, 429 or 5xx."""


class ModelError(Exception):
    """Not worth retrying: bad credentials, a rejected request, an empty answer."""


@dataclass(frozen=True)
class ChatTurn:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class ChatReply:
    text: str  # the JSON the model produced (content, or the forced tool call's arguments)
    usage: dict[str, int] = field(default_factory=dict)


class ChatModel(Protocol):
    model: str

    def complete_json(self, turns: list[ChatTurn], schema: type[BaseModel]) -> ChatReply:
        """One model call asking for JSON that matches `schema`."""
        ...


def _messages(turns: list[ChatTurn]) -> list[BaseMessage]:
    kinds: dict[str, type[BaseMessage]] = {
        "system": SystemMessage,
        "user": HumanMessage,
        "assistant": AIMessage,
    }
    return [kinds[t.role](content=t.content) for t in turns]


def _usage(message: AIMessage) -> dict[str, int]:
    meta = message.usage_metadata
    if not meta:
        return {}
    return {
        "prompt_tokens": meta["input_tokens"],
        "completion_tokens": meta["output_tokens"],
        "total_tokens": meta["total_tokens"],
    }


class OpenAICompatibleChat:
    """`ChatOpenAI` pointed at any OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, vLLM, Ollama)."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: SecretStr | None,
        timeout_s: float = 30.0,
        response_format: ResponseFormat = "json_schema",
        temperature: float = 0.0,
    ) -> None:
        from langchain_openai import ChatOpenAI

        self.model = model
        self.response_format = response_format
        # Retries are the engine's job (it knows which errors are worth it), so the client makes none.
        self._llm = ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=api_key or SecretStr("not-needed"),
            timeout=timeout_s,
            max_retries=0,
            temperature=temperature,
        )

    def complete_json(self, turns: list[ChatTurn], schema: type[BaseModel]) -> ChatReply:
        name = schema.__name__
        runnable: Any
        if self.response_format == "tools":
            runnable = self._llm.bind_tools([schema], tool_choice=name, parallel_tool_calls=False)
        elif self.response_format == "json_schema":
            runnable = self._llm.bind(
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": name, "schema": schema.model_json_schema(), "strict": False},
                }
            )
        else:
            runnable = self._llm.bind(response_format={"type": "json_object"})
        try:
            message = runnable.invoke(_messages(turns))
        except (
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.RateLimitError,
            openai.InternalServerError,
        ) as exc:
            raise TransientModelError(f"{type(exc).__name__}: {exc}") from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"the model endpoint answered {exc.status_code}: {exc.message}") from exc
        if not isinstance(message, AIMessage):
            raise ModelError(f"unexpected reply type {type(message).__name__}")
        if self.response_format == "tools":
            if message.tool_calls:
                text = json.dumps(message.tool_calls[0]["args"], ensure_ascii=False)
            elif message.invalid_tool_calls:  # unparseable arguments: hand them on to be re-asked
                text = message.invalid_tool_calls[0].get("args") or ""
            else:
                raise ModelError("the model made no tool call")
        else:
            text = message.content if isinstance(message.content, str) else json.dumps(message.content)
        return ChatReply(text=text, usage=_usage(message))
