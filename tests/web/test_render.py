"""Evidence pieces, the words in both languages, and data safe inside a script element."""

from __future__ import annotations

from api.web import i18n
from api.web.highlight import Piece, pieces
from api.web.render import _tojson


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
