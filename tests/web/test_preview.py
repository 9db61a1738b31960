"""The read-only preview behind the web workspace's follow-up form: a reading, nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.runtime import Runtime
from copilot.access import authenticate
from copilot.errors import InvalidInput, NotFound
from copilot.schemas import FollowUpCreate
from copilot.store.models import Activity, Extraction, StageChange
from tests.conftest import Org

NOTE = "嗯那个今天又跟苏州恒远聊了一下 孙厂长说价格还得再商量 下周三前我把分三期的方案发过去"


def _counts(runtime: Runtime) -> tuple[int, int, int]:
    with runtime.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Activity)) or 0,
            session.scalar(select(func.count()).select_from(Extraction)) or 0,
            session.scalar(select(func.count()).select_from(StageChange)) or 0,
        )


def _request(customer: str) -> FollowUpCreate:
    return FollowUpCreate.model_validate(
        {"customer_id": customer, "input": {"kind": "dictation", "text": NOTE}}
    )


def test_preview_reads_the_note_and_stores_nothing(runtime: Runtime, acme: Org) -> None:
    with runtime.sessions() as session:
        rep = authenticate(session, acme.keys["r1"])
    before = _counts(runtime)
    fields, verdict, interaction = runtime.followups.preview(rep, _request("c1"))
    assert _counts(runtime) == before
    assert fields.next_follow_up_date is not None
    assert fields.summary
    assert verdict is not None
    for evidence in fields.evidence.values():  # every span points into the text that was read
        assert 0 <= evidence.start <= evidence.end <= len(interaction.text)


def test_preview_outside_the_reps_scope_is_not_found(runtime: Runtime, acme: Org) -> None:
    with runtime.sessions() as session:
        other_rep = authenticate(session, acme.keys["r3"])
    with pytest.raises(NotFound):
        runtime.followups.preview(other_rep, _request("c1"))


def test_a_new_customer_is_read_with_nothing_known_and_nothing_stored(runtime: Runtime, acme: Org) -> None:
    with runtime.sessions() as session:
        rep = authenticate(session, acme.keys["r1"])
    before = _counts(runtime)
    request = FollowUpCreate.model_validate(
        {"customer": {"name": "宁波海天"}, "input": {"kind": "dictation", "text": NOTE}}
    )
    fields, _, _ = runtime.followups.preview(rep, request)
    assert fields.first_contact_date is None  # no CRM to fall back on
    assert fields.next_follow_up_date is not None and _counts(runtime) == before
    nobody = FollowUpCreate.model_validate({"input": {"kind": "dictation", "text": NOTE}})
    with pytest.raises(InvalidInput):
        runtime.followups.preview(rep, nobody)
