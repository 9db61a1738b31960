"""Placeholders per request, and the real values put back into a model's answer."""

from __future__ import annotations

import json

from copilot.privacy.redact import Redaction, Redactor, names_in_scope

TEXT = "王总手机13912345678，邮箱wang@acme.cn；再说一遍，手机13912345678，座机010-62345678"


def test_same_value_same_placeholder_and_counts_by_kind() -> None:
    r = Redaction()
    masked = r.mask(TEXT)
    assert masked == "王总手机⟦PHONE_1⟧，邮箱⟦EMAIL_1⟧；再说一遍，手机⟦PHONE_1⟧，座机⟦PHONE_2⟧"
    assert dict(r.counts) == {"phone": 3, "email": 1}
    # the next message of the same request keeps the numbering
    assert r.mask("回电 010-62345678") == "回电 ⟦PHONE_2⟧"


def test_restore_round_trip_is_exact() -> None:
    r = Redaction()
    spoken = "电话一三九 一二三四 五六七八，身份证110105199003071234"
    assert r.restore(r.mask(spoken)) == spoken
    assert r.restore(r.mask(TEXT)) == TEXT


def test_restore_accepts_the_forms_models_echo() -> None:
    r = Redaction()
    r.mask(TEXT)
    for echoed in ("⟦PHONE_1⟧", "[[PHONE_1]]", "[PHONE_1]", "【PHONE 1】", "⟦PHONE_01⟧"):
        assert r.restore(f"打{echoed}") == "打13912345678"
    # a placeholder this request never made is left as it is
    assert r.restore("⟦PHONE_9⟧") == "⟦PHONE_9⟧"


def test_restore_json_escapes_values_and_keeps_structure() -> None:
    r = Redaction(names=['"Big" Co'])
    masked = r.mask('customer "Big" Co, mobile 13912345678')
    answer = json.dumps({"who": "⟦NAME_1⟧", "quotes": ["mobile ⟦PHONE_1⟧"], "n": 2})
    assert json.loads(r.restore_json(answer)) == {
        "who": '"Big" Co',
        "quotes": ["mobile 13912345678"],
        "n": 2,
    }
    assert "⟦NAME_1⟧" in masked and r.restore_json("not json ⟦PHONE_1⟧") == "not json 13912345678"


def test_names_are_masked_only_when_asked_and_in_scope() -> None:
    with names_in_scope(["苏州恒拓", None]):
        assert Redactor().session().mask("苏州恒拓下周来") == "苏州恒拓下周来"
        assert Redactor(mask_names=True).session().mask("苏州恒拓下周来") == "⟦NAME_1⟧下周来"
    assert Redactor(mask_names=True).session().mask("苏州恒拓下周来") == "苏州恒拓下周来"
