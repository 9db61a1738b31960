"""Lexicons: the cue lists of the offline engine, kept in JSON files a team can extend.

Each file in `copilot/lexicons/` looks like
`{"version": 1, "description": "...", "cues": {"<category>": ["<regex>", ...]}}`.
An extra directory may hold files of the same names; their entries are appended to the
built-in categories. Every file is validated at load so a typo fails fast with its location.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from copilot.errors import InvalidInput

_PACKAGE = "copilot.lexicons"
_TOP_KEYS = {"version", "description", "cues"}
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
# Case-blind; `\b` and `\w` are about English words, so a Chinese character is a word edge ('最后CFO签字')
_FLAGS = re.IGNORECASE | re.ASCII


class LexiconError(InvalidInput):
    """A lexicon file is malformed; the message names the file and the entry."""

    code = "invalid_lexicon"


@dataclass
class Lexicon:
    """Compiled cue patterns by (file, category)."""

    entries: dict[str, dict[str, list[str]]]
    _compiled: dict[tuple[str, str], re.Pattern[str]] = field(default_factory=dict, repr=False)
    _each: dict[tuple[str, str], tuple[re.Pattern[str], ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, cats in self.entries.items():
            for cat, patterns in cats.items():
                # named groups may repeat across entries: the alternation keeps only their grouping
                alternation = "|".join(f"(?:{_NAMED_GROUP.sub('(?:', p)})" for p in patterns) or r"(?!x)x"
                self._compiled[(name, cat)] = re.compile(alternation, _FLAGS)
                self._each[(name, cat)] = tuple(re.compile(p, _FLAGS) for p in patterns)

    def pattern(self, name: str, category: str) -> re.Pattern[str]:
        """One compiled alternation of every entry of a category."""
        try:
            return self._compiled[(name, category)]
        except KeyError:
            raise LexiconError(f"lexicon {name}.json has no category {category!r}") from None

    def patterns(self, name: str, category: str) -> tuple[re.Pattern[str], ...]:
        """Each entry compiled on its own (needed when an entry carries a named group)."""
        try:
            return self._each[(name, category)]
        except KeyError:
            raise LexiconError(f"lexicon {name}.json has no category {category!r}") from None

    def categories(self, name: str) -> list[str]:
        """The categories of one file, in file order."""
        return list(self.entries.get(name, {}))


def _validate(source: str, data: Any) -> dict[str, list[str]]:
    if not isinstance(data, dict):
        raise LexiconError(f"{source}: the top level must be an object with a 'cues' key")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise LexiconError(
            f"{source}: unknown top-level keys {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}"
        )
    if data.get("version") != 1:
        raise LexiconError(f"{source}: 'version' must be 1")
    cues = data.get("cues")
    if not isinstance(cues, dict) or not cues:
        raise LexiconError(f"{source}: 'cues' must be a non-empty object of category -> list of patterns")
    out: dict[str, list[str]] = {}
    for cat, patterns in cues.items():
        if not isinstance(patterns, list):
            raise LexiconError(f"{source}: category {cat!r} must be a list of strings")
        for i, p in enumerate(patterns):
            if not isinstance(p, str) or not p.strip():
                raise LexiconError(f"{source}: {cat}[{i}] must be a non-empty string")
            try:
                re.compile(p, _FLAGS)
            except re.error as exc:
                raise LexiconError(
                    f"{source}: {cat}[{i}] {p!r} is not a valid regular expression: {exc}"
                ) from None
        out[cat] = list(patterns)
    return out


def _read(source: str, text: str) -> dict[str, list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{source}: not valid JSON: {exc}") from None
    return _validate(source, data)


def _builtin_files() -> Iterator[tuple[str, str]]:
    for item in sorted(resources.files(_PACKAGE).iterdir(), key=lambda t: t.name):
        if item.name.endswith(".json"):
            yield item.name[: -len(".json")], item.read_text(encoding="utf-8")


def load_lexicon(extra_dir: Path | None = None) -> Lexicon:
    """The built-in lexicons, with the entries of `extra_dir/*.json` appended to the same categories."""
    entries = {name: _read(f"{name}.json", text) for name, text in _builtin_files()}
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise LexiconError(f"extra lexicon directory {extra_dir} does not exist")
        for path in sorted(extra_dir.glob("*.json")):
            name = path.stem
            if name not in entries:
                raise LexiconError(
                    f"{path}: no built-in lexicon {name}.json to extend; known: {sorted(entries)}"
                )
            extra = _read(str(path), path.read_text(encoding="utf-8"))
            for cat, patterns in extra.items():
                if cat not in entries[name]:
                    raise LexiconError(
                        f"{path}: unknown category {cat!r}; {name}.json has {sorted(entries[name])}"
                    )
                entries[name][cat] = entries[name][cat] + patterns
    return Lexicon(entries)
