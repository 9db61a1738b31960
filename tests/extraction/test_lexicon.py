"""Lexicon files load, validate with a clear message, and merge an extra directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.domain import Channel, CustomerContext
from copilot.extraction.lexicon import LexiconError, load_lexicon
from copilot.extraction.offline import OfflineEngine
from tests.extraction.builders import dictation


def test_builtin_lexicons_load_and_compile() -> None:
    lex = load_lexicon()
    assert lex.pattern("channels", "website").search("官网留言")
    assert set(lex.categories("channels")) >= {c.value for c in Channel}


def _write(tmp_path: Path, name: str, data: object) -> Path:
    (tmp_path / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_extra_directory_entries_are_merged(tmp_path: Path) -> None:
    extra = _write(tmp_path, "channels", {"version": 1, "cues": {"social_media": ["得物"]}})
    text = "这个客户是在得物上看到我们的 今天聊了下"
    # without the team's entry the platform is a source of no listed channel
    assert (
        OfflineEngine().extract_followup(dictation(text), CustomerContext()).source_channel is Channel.OTHER
    )
    fields = OfflineEngine(extra_lexicon_dir=extra).extract_followup(dictation(text), CustomerContext())
    assert fields.source_channel is Channel.SOCIAL_MEDIA


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": 1, "cues": {"website": ["("]}}, "not a valid regular expression"),
        ({"version": 1, "cues": {"website": "官网"}}, "must be a list"),
        ({"version": 1, "cues": {"website": [""]}}, "non-empty string"),
        ({"version": 2, "cues": {"website": ["x"]}}, "version"),
        ({"version": 1, "cues": {"websites": ["x"]}}, "unknown category"),
        ({"version": 1, "cues": {"website": ["x"]}, "extra": 1}, "unknown top-level"),
    ],
)
def test_malformed_extra_file_names_the_problem(tmp_path: Path, data: object, message: str) -> None:
    _write(tmp_path, "channels", data)
    with pytest.raises(LexiconError, match=message):
        load_lexicon(tmp_path)


def test_unknown_file_and_missing_directory(tmp_path: Path) -> None:
    _write(tmp_path, "colours", {"version": 1, "cues": {"red": ["x"]}})
    with pytest.raises(LexiconError, match="no built-in lexicon colours"):
        load_lexicon(tmp_path)
    with pytest.raises(LexiconError, match="does not exist"):
        load_lexicon(tmp_path / "nope")
    (tmp_path / "colours.json").unlink()
    (tmp_path / "pain.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LexiconError, match="not valid JSON"):
        load_lexicon(tmp_path)
