"""Source channel: a customer the CRM first met a year or more before this interaction is an old
customer (老客户) when neither the input nor the CRM names an origin. Whatever brought the first deal,
what is talked about now is a repeat order, an add-on or a renewal. The origin the input or the CRM
does state still wins. Both engines read it so. The notes are this file's own; the first two tests
fail without the change."""

from __future__ import annotations

from datetime import date, datetime

from copilot.domain import Channel, CustomerContext
from copilot.extraction.channels import long_known
from copilot.llm.grounding import ground
from copilot.llm.schema import LLMFollowUp
from tests.extraction.builders import REF, chat, dictation, extract

NOTE = "周工说三号线想上一套除尘设备 我下周二把报价发过去"


def _known_since(first: date, channel: Channel | None = None) -> CustomerContext:
    return CustomerContext(name="某机械厂", known_first_contact_date=first, known_source_channel=channel)


def test_a_customer_first_met_years_ago_is_an_existing_customer() -> None:
    fields = extract(dictation(NOTE), _known_since(date(2023, 3, 2)))
    assert fields.source_channel is Channel.EXISTING_CUSTOMER
    assert fields.provenance["source_channel"] == "crm_history"
    assert "source_channel" not in fields.evidence  # no quote is claimed for it


def test_an_english_chat_with_a_long_known_customer() -> None:
    talk = chat(
        ("customer", "We would like a quote for two pallet wrappers for the new line."),
        ("rep", "Sure, I'll send the quote on Friday."),
        ref="2026-05-20T10:00:00-04:00",
    )
    fields = extract(talk, _known_since(date(2024, 11, 20)))
    assert fields.source_channel is Channel.EXISTING_CUSTOMER


def test_a_customer_first_met_months_ago_has_no_origin_yet() -> None:
    fields = extract(dictation(NOTE), _known_since(date(2025, 12, 1)))
    assert fields.source_channel is None


def test_the_year_is_counted_to_the_interaction_day() -> None:
    reference = datetime.fromisoformat(REF)
    assert long_known(_known_since(date(2025, 5, 20)), reference)
    assert not long_known(_known_since(date(2025, 5, 21)), reference)
    assert not long_known(CustomerContext(), reference)


def test_an_origin_in_the_crm_or_the_input_still_wins() -> None:
    assert extract(dictation(NOTE), _known_since(date(2023, 3, 2), Channel.TRADE_SHOW)).source_channel is (
        Channel.TRADE_SHOW
    )
    said = "周工是王总介绍过来的 " + NOTE
    assert extract(dictation(said), _known_since(date(2023, 3, 2))).source_channel is Channel.REFERRAL


def test_the_llm_path_reads_the_crm_history_the_same_way() -> None:
    answer = LLMFollowUp(
        source_channel=None,
        source_channel_quote=None,
        first_contact_phrase=None,
        is_first_contact=False,
        stage=None,
        stage_quote=None,
        summary="周工想给三号线上一套除尘设备，下周二发报价。",
        next_follow_up_phrase=None,
        discovery_questions=[],
        pain_quotes=[],
        pain_minutes_reported=None,
        next_step_quote=None,
        signals=[],
    )
    old = ground(answer, dictation(NOTE), _known_since(date(2023, 3, 2)))
    assert old.source_channel is Channel.EXISTING_CUSTOMER
    assert old.provenance["source_channel"] == "crm_history"
    assert ground(answer, dictation(NOTE), _known_since(date(2025, 12, 1))).source_channel is None
