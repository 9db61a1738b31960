"""Channel read from the structure of origin statements, and the English product phrase the
summary names (sentences written for these tests)."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Channel, Stage
from copilot.extraction.summary import EN_MAX_WORDS
from tests.extraction.builders import call, chat, dictation, extract


@pytest.mark.parametrize(
    ("opening", "channel"),
    [
        # a third party passing the seller on
        ("Hi Ms. Berg, Paul Quint from our Lyon office gave me your contact.", Channel.REFERRAL),
        ("Hello, I got your name from Mr. Ortega at a mill in the north.", Channel.REFERRAL),
        ("Hi, our mutual contact Dana Pike said you're adding a paint line.", Channel.REFERRAL),
        ("Thanks again to Mr. Holm from the regional office for introducing us.", Channel.REFERRAL),
        ("Your colleague Ivo Marsh told us you have bag filters in stock.", Channel.REFERRAL),
        # ... who is a partner
        ("Hi, our reseller Pellham Supply mentioned you're upgrading the cold room.", Channel.PARTNER),
        # met at a named event
        ("Hi Omar, we met at Fabtech Europe last month.", Channel.TRADE_SHOW),
        ("Great meeting you at the regional packaging conference.", Channel.TRADE_SHOW),
        # the customer found us in a webinar or a marketplace
        ("Hi, I joined your webinar on boiler tuning, it was useful.", Channel.OTHER),
        ("We found your company on a B2B marketplace.", Channel.OTHER),
        # something we delivered before
        ("How are the two presses we delivered last year running?", Channel.EXISTING_CUSTOMER),
    ],
)
def test_origin_statements_set_the_channel(opening: str, channel: Channel) -> None:
    fields = extract(chat(("rep", opening), ("customer", "Yes, let's talk about the next step.")))
    assert fields.source_channel is channel


def test_a_seller_opening_with_an_unasked_email_is_cold_outreach() -> None:
    fields = extract(
        call(
            (
                0.0,
                6.0,
                "rep",
                "Hi, I'm Jo from Veltro. I sent you an email on Monday about our dust monitors.",
            ),
            (6.0, 9.0, "customer", "Right, I saw it. What do they cost?"),
        )
    )
    assert fields.source_channel is Channel.COLD_OUTREACH


def test_the_customer_saying_you_is_no_referral() -> None:
    fields = extract(chat(("customer", "You mentioned your lead time is six weeks."), ("rep", "Yes.")))
    assert fields.source_channel is None


def test_a_competitors_dealer_and_a_future_tender_are_no_origin() -> None:
    text = (
        "update on the chiller order, they say the other brand's dealer is eight percent cheaper. "
        "if the budget comes back it will be a new tender next year."
    )
    assert extract(dictation(text)).source_channel is None


def test_a_future_visit_with_our_dealer_does_not_beat_the_arrival_statement() -> None:
    text = (
        "inbound from the contact form on our website last week, spoke to the plant manager today. "
        "I'm visiting next Tuesday with our dealer to measure the hall."
    )
    assert extract(dictation(text)).source_channel is Channel.WEBSITE


def test_the_summary_names_the_product_from_the_quote_frame() -> None:
    fields = extract(
        chat(
            ("rep", "Hello Mr. Abe, the quote for the four label printers is attached, 2,100 USD each."),
            ("customer", "Our director thinks the price is high, the other supplier is cheaper."),
            ("rep", "We can do 1,950 each if you order this month."),
            ("customer", "OK, I will check with purchasing and confirm the numbers."),
            ("rep", "Great, I'll call you on Friday to confirm the order quantity."),
        )
    )
    assert "label printers" in fields.summary.lower()
    assert len(fields.summary.split()) <= EN_MAX_WORDS


def test_a_product_named_once_in_a_wanting_frame_is_the_topic() -> None:
    text = (
        "call with the works manager, uh, they are planning three new induction hardening cells for "
        "the axle plant. asked about volumes, budget and who decides, the plant director signs. "
        "I'll send the budgetary proposal by next Friday and we meet the week after."
    )
    summary = extract(dictation(text)).summary
    assert "induction hardening cells" in summary.lower()
    assert len(summary.split()) <= EN_MAX_WORDS


def test_a_venue_or_a_quantity_is_not_the_topic() -> None:
    fields = extract(
        chat(
            ("customer", "We saw the RFQ notice on the state portal, about 40 units of pallet wrappers."),
            ("rep", "Thanks, I'll send our offer for the pallet wrappers by Monday."),
        )
    )
    assert "portal:" not in fields.summary.lower()
    assert "pallet wrappers" in fields.summary.lower()


# Stage: a proposal planned after a pre-sale step, award to the seller, negotiated terms.


@pytest.mark.parametrize(
    "text",
    [
        "our engineer will measure the hall on Friday, then we send a quote.",
        "we booked a plant visit for next Tuesday to check the feeders, and a proposal after that.",
    ],
)
def test_a_proposal_planned_after_a_presale_step_is_still_intent(text: str) -> None:
    assert extract(dictation(text)).stage is Stage.INTENT


def test_a_proposal_without_a_prior_step_is_a_proposal() -> None:
    text = "she confirmed the volumes, so I'll send a quote for the mixers on Friday."
    assert extract(dictation(text)).stage is Stage.PROPOSAL


def test_an_award_to_the_seller_is_won_and_signing_with_a_competitor_is_lost() -> None:
    won = extract(chat(("customer", "The committee awarded the contract to your company this morning.")))
    assert won.stage is Stage.WON
    lost = extract(chat(("customer", "Sorry, we signed with your competitor last week.")))
    assert lost.stage is Stage.LOST


@pytest.mark.parametrize(
    "text",
    [
        "they want an exit clause after two years and will check with finance.",
        "he asked us to lower the price and give an extended warranty.",
        "legal sent back a markup on the service agreement, payment in arrears.",
        "they accept the spec but want payment in two parts instead of one.",
    ],
)
def test_negotiated_terms_are_negotiation(text: str) -> None:
    assert extract(dictation(text)).stage is Stage.NEGOTIATION


def test_a_lower_price_in_the_customers_story_negotiates_nothing() -> None:
    text = "their rejects are sold at a lower price today. I'll send a quote for the sorter on Monday."
    assert extract(dictation(text)).stage is Stage.PROPOSAL


# Next follow-up: the end of a state is no due date; a dated offer the customer accepts is one.


def test_a_contract_running_until_a_date_is_no_follow_up() -> None:
    fields = extract(
        call(
            (0.0, 5.0, "customer", "Sadly we're locked in a cleaning contract until next year."),
            (5.0, 8.0, "rep", "Understood, I'll email you a case study."),
        )
    )
    assert fields.next_follow_up_date is None


def test_a_dated_offer_the_customer_accepts_is_the_follow_up() -> None:
    fields = extract(
        call(
            (0.0, 5.0, "rep", "Would it be OK if I sent you a reference list and called you in three days?"),
            (5.0, 7.0, "customer", "Sure, go ahead."),
        )
    )
    assert fields.next_follow_up_date == date(2026, 5, 23)
