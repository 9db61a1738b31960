"""No rule or lexicon entry is keyed to an eval case: no string in the product's code or lexicons
names a company, a person or a case id from any eval set the project holds (and the shared sets,
when they sit beside the project)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RULE_SOURCES = ("copilot", "retrieval", "prompts")
DATA_DIRS = (ROOT / "evaluators" / "data", ROOT / "tests" / "fixtures", ROOT.parent / "shared" / "evalsets")
CASE_ID = re.compile(r"^[a-z]{1,4}\d?-(?:[a-z]{2}-)?\d{2,4}$")


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def _records(path: Path) -> Iterator[Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)
    else:
        yield json.loads(text)


def _specific(name: str) -> bool:
    """A name specific enough that a rule naming it could only be about that case."""
    name = name.strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return len(name) >= 4  # 王总, 周工, 李娜 are titles or too common to be a case's key
    return len(name) >= 8 and " " in name


def eval_names() -> tuple[set[str], set[str]]:
    """(names of companies and people, case ids) from every eval set and pipeline on disk."""
    names: set[str] = set()
    ids: set[str] = set()
    for folder in DATA_DIRS:
        if not folder.exists():
            continue
        for path in sorted(folder.rglob("*.json*")):
            if path.suffix not in (".json", ".jsonl"):
                continue
            for record in _records(path):
                if (
                    isinstance(record, dict)
                    and isinstance(record.get("id"), str)
                    and CASE_ID.match(record["id"])
                ):
                    ids.add(record["id"])
                for key, value in _walk(record):
                    if key == "name" and isinstance(value, str) and _specific(value):
                        names.add(value.strip())
    return names, ids


def rule_strings() -> Iterator[tuple[Path, str]]:
    """Every string literal in the product's code, and every string in its lexicons and prompts."""
    for source in RULE_SOURCES:
        for path in sorted((ROOT / source).rglob("*")):
            if path.suffix == ".py":
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str):
                        yield path, node.value
            elif path.suffix == ".json" and "demo" not in path.parts:
                for _, value in _walk(json.loads(path.read_text(encoding="utf-8"))):
                    if isinstance(value, str):
                        yield path, value
                    elif isinstance(value, list):
                        yield from ((path, v) for v in value if isinstance(v, str))
            elif path.suffix in (".toml", ".txt", ".md"):
                yield path, path.read_text(encoding="utf-8")


def test_the_eval_sets_yield_names_to_check() -> None:
    names, ids = eval_names()
    assert len(names) > 100 and len(ids) > 100  # the check below looks at something


def test_no_rule_or_lexicon_names_an_eval_case() -> None:
    names, ids = eval_names()
    strings = list(rule_strings())
    # one text with every string, searched once per name (fast), then traced back to its file
    text = "\n\x00".join(value for _, value in strings)
    hits = {name for name in names if name in text}
    id_pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(ids)) + r")(?![\w-])")
    hits |= set(id_pattern.findall(text))
    found = sorted(
        {
            f"{path.relative_to(ROOT)}: names {hit!r}"
            for path, value in strings
            for hit in hits
            if hit in value
        }
    )
    assert not found, "\n".join(found)
