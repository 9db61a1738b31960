"""Prompt files: versioned TOML under `prompts/`, with declared variables, validated at load.

User text enters a prompt only as a variable; `render` wraps variables marked untrusted in tags and
neutralises any closing tag inside them, so the text cannot end its own quotation.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from copilot.errors import CopilotError

_PLACEHOLDER = string.Template.pattern


class PromptError(CopilotError):
    """A prompt file is malformed or rendered with the wrong variables."""

    code = "prompt_error"


class PromptFile(BaseModel):
    """The schema of a prompt file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    description: str
    input_variables: list[str]
    untrusted_variables: list[str] = []
    system: str
    user: str

    @model_validator(mode="after")
    def _variables_match(self) -> PromptFile:
        used = _placeholders(self.system) | _placeholders(self.user)
        declared = set(self.input_variables)
        if used != declared:
            raise ValueError(f"declared variables {sorted(declared)} differ from those used {sorted(used)}")
        if not set(self.untrusted_variables) <= declared:
            raise ValueError("untrusted_variables must be declared in input_variables")
        return self


def _placeholders(template: str) -> set[str]:
    names = set()
    for m in _PLACEHOLDER.finditer(template):
        name = m.group("named") or m.group("braced")
        if name:
            names.add(name)
    return names


@dataclass(frozen=True)
class RenderedPrompt:
    ref: str  # id@version
    system: str
    user: str


@dataclass(frozen=True)
class Prompt:
    spec: PromptFile

    @property
    def ref(self) -> str:
        return f"{self.spec.id}@{self.spec.version}"

    def render(self, **variables: Any) -> RenderedPrompt:
        """Fill the templates; missing or unexpected variables raise PromptError."""
        declared = set(self.spec.input_variables)
        given = set(variables)
        if given != declared:
            missing, unexpected = sorted(declared - given), sorted(given - declared)
            raise PromptError(f"prompt {self.ref}: missing {missing}, unexpected {unexpected}")
        values = {k: str(v) for k, v in variables.items()}
        for name in self.spec.untrusted_variables:
            values[name] = wrap_untrusted(name, values[name])
        return RenderedPrompt(
            ref=self.ref,
            system=string.Template(self.spec.system).substitute(values),
            user=string.Template(self.spec.user).substitute(values),
        )


# chat-template special tokens: some servers read them in message text as real turn boundaries
SPECIAL_TOKEN = re.compile(r"<\|([a-z_]+)\|>|\[(/?INST)\]|<<(/?SYS)>>", re.IGNORECASE)


def defuse_markers(text: str) -> str:
    """Untrusted text with chat-template special tokens made inert (`<|im_start|>` -> `‹|im_start|›`)."""
    return SPECIAL_TOKEN.sub(
        lambda m: m.group(0).replace("<", "‹").replace(">", "›").replace("[", "［").replace("]", "］"), text
    )


def wrap_untrusted(tag: str, text: str) -> str:
    """Quote untrusted text in <tag> ... </tag>; a closing or opening tag inside is defused, and so
    are chat-template special tokens, so the text can neither close its block nor open a turn."""
    defused = re.sub(
        rf"<\s*/?\s*{re.escape(tag)}\s*>", lambda m: m.group(0).replace("<", "‹"), text, flags=re.IGNORECASE
    )
    return f"<{tag}>\n{defuse_markers(defused)}\n</{tag}>"


def parse_prompt(text: str, source: str = "<string>") -> Prompt:
    """A prompt from TOML text, validated."""
    try:
        data = tomllib.loads(text)
        return Prompt(PromptFile.model_validate(data))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PromptError(f"invalid prompt file {source}: {exc}") from exc


@lru_cache
def load_prompt(prompt_id: str, version: int | None = None) -> Prompt:
    """The prompt `prompt_id` at `version` (default: the highest) from the `prompts` package."""
    folder = resources.files("prompts") / prompt_id
    if not folder.is_dir():
        raise PromptError(f"no prompt {prompt_id!r} under prompts/")
    versions = {}
    for entry in folder.iterdir():
        m = re.fullmatch(r"v(\d+)\.toml", entry.name)
        if m:
            versions[int(m.group(1))] = entry
    if not versions:
        raise PromptError(f"prompt {prompt_id!r} has no vN.toml files")
    chosen = version if version is not None else max(versions)
    if chosen not in versions:
        raise PromptError(f"prompt {prompt_id!r} has no version {chosen}; it has {sorted(versions)}")
    prompt = parse_prompt(versions[chosen].read_text(encoding="utf-8"), f"{prompt_id}/v{chosen}.toml")
    if prompt.spec.id != prompt_id or prompt.spec.version != chosen:
        raise PromptError(f"prompts/{prompt_id}/v{chosen}.toml declares {prompt.ref}")
    return prompt
