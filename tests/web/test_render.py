"""Evidence pieces, the words in both languages, and data safe inside a script element."""

from __future__ import annotations

import re
import string
from pathlib import Path

from api.web import i18n
from api.web.highlight import Piece, pieces
from api.web.i18n import error_text
from api.web.render import _tojson
from copilot import messages
from copilot.errors import InvalidInput, NotFound


def test_pieces_cut_the_text_at_every_evidence_boundary() -> None:
    text = "下周三前发报价给孙厂长"
    got = pieces(
        text, [(0, 4, "next_follow_up_date"), (4, 7, "summary"), (2, 7, "sig:price"), (9, 99, "bad")]
    )
    assert "".join(p.text for p in got) == text
    assert got[0] == Piece("下周", ("next_follow_up_date",))
    assert got[1] == Piece("三前", ("next_follow_up_date", "sig:price"))
    assert got[2] == Piece("发报价", ("summary", "sig:price"))
    assert got[-1] == Piece("给孙厂长", ())  # a span past the end is ignored, not a crash


def test_every_word_exists_in_both_languages() -> None:
    zh, en = i18n.words("zh"), i18n.words("en")
    assert zh.keys() == en.keys()
    assert all(zh[k].strip() and en[k].strip() for k in zh)
    for table in (i18n.STAGES, i18n.CHANNELS, i18n.SIGNALS, i18n.ROLES):
        assert all(zh_label and en_label for zh_label, en_label in table.values())
    assert i18n.translator("en")("no-such-word") == "no-such-word"


def test_json_in_a_script_element_cannot_close_it() -> None:
    out = str(_tojson({"note": "</script><script>alert(1)</script>&"}))
    assert "</script>" not in out and "<" not in out and "&" not in out


def test_every_catalogued_message_has_both_languages_and_the_same_placeholders() -> None:
    for key, (zh, en) in messages.CATALOGUE.items():
        assert zh and en, key
        assert _fields(zh) == _fields(en), key
    for code, (zh, en) in messages.KINDS.items():
        assert zh and en and zh != en, code


def test_every_key_the_code_raises_is_catalogued() -> None:
    used = set()
    root = Path(__file__).resolve().parents[2]
    for path in [*(root / "copilot").rglob("*.py"), *(root / "api").rglob("*.py")]:
        used |= set(re.findall(r'\bkey="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(used) >= 15
    assert used <= set(messages.CATALOGUE), used - set(messages.CATALOGUE)


def test_an_error_reads_in_the_readers_language() -> None:
    keyed = InvalidInput("the summary is over 300 characters", key="summary_too_long", params={"limit": 300})
    assert error_text(keyed, "zh") == "摘要超过 300 个字符"
    assert error_text(keyed, "en") == "The summary is over 300 characters"
    dated = InvalidInput("x", key="bad_date", params={"field": "next_follow_up_date", "value": "5/9"})
    assert error_text(dated, "zh").startswith("下次跟进日期应为")
    assert "next_follow_up_date" in error_text(dated, "en")
    plain = NotFound("no deal 'd9'")  # not catalogued: its kind in the reader's language, then its words
    assert error_text(plain, "zh") == "找不到该记录：no deal 'd9'"
    assert error_text(plain, "en") == "no deal 'd9'"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
