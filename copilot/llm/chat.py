"""The chat-model interface the LLM engines use, and its OpenAI-compatible adapter (LangChain).

The interface is small on purpose: a system and user message in, a JSON text and token usage out.
Tests use the real adapter against a scripted OpenAI-compatible server on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
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
    redacted: dict[str, int] = field(default_factory=dict)  # values masked before the call, by kind


class ChatModel(Protocol):
    model: str

    def complete_json(self, turns: list[ChatTurn], schema: type[BaseModel]) -> ChatReply:
        """One model call asking for JSON that matches `schema`."""
        ...


def compact_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema without titles and descriptions, references inlined and nullables folded.

    The prompt already explains every field; sending the verbose schema would double the instructions'
    token cost on every call.
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    # A recursive type (a condition inside a condition) cannot be inlined: its definitions stay
    # under $defs and are referenced; every other type is inlined.
    keep = _recursive_defs(defs)

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return {"$ref": f"#/$defs/{name}"} if name in keep else walk(defs[name])
        out = {k: walk(v) for k, v in node.items() if k not in ("title", "description", "default")}
        options = out.get("anyOf")
        if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
            other = next(o for o in options if o != {"type": "null"})
            del out["anyOf"]
            if "enum" in other:
                out.update(other, enum=[*other["enum"], None])
                if isinstance(other.get("type"), str):
                    out["type"] = [other["type"], "null"]
            elif isinstance(other.get("type"), str):
                out.update(other, type=[other["type"], "null"])
            else:
                out["anyOf"] = options
        return out

    result: dict[str, Any] = walk(schema)
    if keep:
        result["$defs"] = {name: walk(defs[name]) for name in sorted(keep)}
    return result


def _recursive_defs(defs: dict[str, Any]) -> set[str]:
    """The definitions that (directly or not) refer to themselves, and those they refer to."""

    def refs(node: Any) -> set[str]:
        if isinstance(node, list):
            return set().union(*(refs(x) for x in node)) if node else set()
        if not isinstance(node, dict):
            return set()
        found = {node["$ref"].rsplit("/", 1)[-1]} if "$ref" in node else set()
        return found.union(*(refs(v) for v in node.values())) if node else found

    edges = {name: refs(body) for name, body in defs.items()}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(edges.get(start, ()))
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(edges.get(n, ()))
        return seen

    cyclic = {name for name in defs if name in reach(name)}
    return cyclic.union(*(reach(name) for name in cyclic)) if cyclic else set()


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


def _error_code(exc: openai.APIStatusError) -> str:
    """The endpoint's error code (`invalid_api_key`, `model_not_found`) when it is a plain identifier."""
    code = exc.code if isinstance(exc.code, str) else None
    return f" ({code})" if code and re.fullmatch(r"[A-Za-z0-9_.-]{1,48}", code) else ""


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
                    "json_schema": {"name": name, "schema": compact_schema(schema), "strict": False},
                }
            )
        else:
            runnable = self._llm.bind(response_format={"type": "json_object"})
        try:
            message = runnable.invoke(_messages(turns))
        # Errors name the failure, never the endpoint's message: it can quote the request or the key,
        # and these reasons reach logs and stored run notes.
        except (
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.RateLimitError,
            openai.InternalServerError,
        ) as exc:
            status = f" {exc.status_code}" if isinstance(exc, openai.APIStatusError) else ""
            raise TransientModelError(f"{type(exc).__name__}{status}") from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"the model endpoint answered {exc.status_code}{_error_code(exc)}") from exc
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
