"""English deal cues: stage evidence, follow-up ranking, channels and first contact.

Sentences are written for these tests; each pins one mechanism.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from copilot.domain import Channel, CustomerContext, Stage
from copilot.extraction.text import build_doc, mask_inner_dots
from copilot.followups.interactions import build_interaction
from copilot.nlp.times import find_times
from tests.extraction.builders import REF, chat, dictation, extract

# ----------------------------------------------------------------------------------- text helpers


def test_a_clause_ending_in_a_question_mark_is_a_question() -> None:
    doc = build_doc(dictation("Is the rollout cancelled or only delayed? It is delayed."))
    first = doc.clauses[0]
    assert first.text.startswith("Is the rollout")
    assert first.is_question
    assert not doc.clauses[-1].is_question


def test_inner_dots_are_masked_but_keep_their_width() -> None:
    text = "price 2.45M is too high, Mr. Osei said"
    masked = mask_inner_dots(text)
    assert len(masked) == len(text)
    assert "." not in masked


def test_honorific_does_not_end_a_clause() -> None:
    doc = build_doc(dictation("spoke to Dr. Alvarez about the scanners. she wants two"))
    assert any("Dr. Alvarez" in c.text for c in doc.clauses)


# ------------------------------------------------------------------------------------------- stage


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        # won: a PO raised (the "no." does not cut the sentence), a signed contract, a paid deposit
        ("PO no. 4471 raised for the two extra pumps, see email", Stage.WON),
        ("the service contract was signed by their CFO this morning", Stage.WON),
        ("their deposit paid yesterday, kickoff next month", Stage.WON),
        # lost: a named competitor picked, the order given to someone else, a dead project
        ("the board picked Siemens for all three sites", Stage.LOST),
        ("they gave the chiller order to a local installer", Stage.LOST),
        ("the warehouse project is dead after the merger", Stage.LOST),
        # negotiation: haggling over price and terms, a verbal yes before signing
        ("price 2.45M too high for them, the other bidder is lower", Stage.NEGOTIATION),
        ("they want to pay in four installments", Stage.NEGOTIATION),
        ("can you do better on the unit price", Stage.NEGOTIATION),
        ("we sign the order once the proforma arrives", Stage.NEGOTIATION),
        ("they accepted the revised quote and want the paperwork", Stage.NEGOTIATION),
        ("lead time of twenty weeks is too long for the plant", Stage.NEGOTIATION),
        ("legal returned the MSA, see the redline on liability", Stage.NEGOTIATION),
        # proposal: a quote asked for or being prepared, a pilot running, bid preparation
        ("she asked for a quote on the forklifts", Stage.PROPOSAL),
        ("they want to extend the pilot by two weeks", Stage.PROPOSAL),
        ("we are preparing the bid, submission closes soon", Stage.PROPOSAL),
        # intent: the customer states a need or interest
        ("we are looking for a new labelling line", Stage.INTENT),
        ("sounds interesting, send me the brochure", Stage.INTENT),
    ],
)
def test_english_stage_cues(text: str, stage: Stage) -> None:
    assert extract(dictation(text)).stage is stage


def test_a_question_about_cancelling_is_no_cancellation() -> None:
    fields = extract(
        chat(
            ("rep", "Is the project cancelled or paused?"),
            ("customer", "Paused. We still want it once the budget review ends"),
        )
    )
    assert fields.stage is Stage.INTENT


def test_someone_else_signing_on_conditions_is_not_won() -> None:
    assert (
        extract(dictation("they need the agreement to be signed by the end of June")).stage is not Stage.WON
    )
    assert extract(dictation("we can do ten weeks if the deposit is paid by Friday")).stage is (
        Stage.NEGOTIATION
    )


def test_interest_in_a_pilot_is_intent_but_a_pilot_under_way_is_proposal() -> None:
    assert extract(dictation("she is interested in a pilot on two lines")).stage is Stage.INTENT
    assert extract(dictation("the pilot results look fine so far")).stage is Stage.PROPOSAL


def test_a_hedged_need_is_no_intent() -> None:
    # the blocker window reaches English hedges longer than a few characters
    fields = extract(chat(("customer", "saw your post, not sure we need it, we are a small shop")))
    assert fields.stage is Stage.LEAD


def test_going_with_our_proposal_is_not_lost() -> None:
    fields = extract(chat(("customer", "we decided to go with ur proposal, send the contract pls")))
    assert fields.stage is Stage.NEGOTIATION


# ---------------------------------------------------------------------------------- follow-up date


def test_terse_weekday_slots_are_dates() -> None:
    ref = datetime.fromisoformat(REF)  # Wednesday 2026-05-20
    found = {m.span.due for m in find_times("Thu not ok, Fri morning pls", ref)}
    assert date(2026, 5, 21) in found
    assert [m.span.due for m in find_times("can she visit Tue?", ref)] == [date(2026, 5, 26)]
    assert find_times("Mr. Sun is ok with it", ref) == []


def test_an_accepted_slot_is_the_follow_up() -> None:
    fields = extract(
        chat(
            ("customer", "could we have a look at the samples together?"),
            ("rep", "sure, how about Fri 10am"),
            ("customer", "Fri 10am works"),
        )
    )
    assert fields.next_follow_up_date == date(2026, 5, 22)


def test_a_slot_turned_down_is_not_the_follow_up() -> None:
    fields = extract(
        chat(
            ("rep", "shall we meet on Thursday 3pm to go through the layout?"),
            ("customer", "sorry Thursday is busy. Mon 3pm ok"),
            ("rep", "ok Mon 3pm 👍"),
        )
    )
    assert fields.next_follow_up_date == date(2026, 5, 25)


def test_a_deliverable_with_a_due_day_is_a_follow_up() -> None:
    fields = extract(dictation("met the plant manager, they need 40 valves, quote by Friday"))
    assert fields.next_follow_up_date == date(2026, 5, 22)


def test_check_if_is_an_indirect_question_not_a_condition() -> None:
    fields = extract(chat(("rep", "I'll check with our CFO if net 45 is ok and revert next Tue")))
    assert fields.next_follow_up_date == date(2026, 5, 26)


def test_the_customers_own_commitment_counts() -> None:
    fields = extract(
        chat(
            ("customer", "Our legal will compare the terms. I'll send you our template tomorrow."),
            ("rep", "Great, then let's have a call next Friday at 10"),
            ("customer", "Next Friday 10 is fine."),
        )
    )
    assert fields.next_follow_up_date == date(2026, 5, 21)


def test_a_month_already_past_in_a_plan_is_next_years() -> None:
    fields = extract(
        chat(("customer", "not this year, sorry"), ("rep", "Understood, I'll call you in March."))
    )
    assert fields.next_follow_up_date == date(2027, 3, 1)


def test_a_time_after_say_reads_with_its_clause() -> None:
    fields = extract(
        chat(("rep", "let's set up an online demo after the holiday, say June 3?"), ("customer", "ok"))
    )
    assert fields.next_follow_up_date == date(2026, 6, 3)


def test_that_day_points_back_to_the_date() -> None:
    fields = extract(chat(("rep", "our plant reopens on the 27th, I'll call you that day to plan shipping")))
    assert fields.next_follow_up_date == date(2026, 5, 27)


def test_a_hedged_date_is_not_accepted() -> None:
    fields = extract(
        chat(
            ("rep", "when is your internal review?"),
            ("customer", "not sure yet, maybe end of month"),
        )
    )
    assert fields.next_follow_up_date is None


# ------------------------------------------------------------------------ channel and first contact


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("hi, found your shop on Xiaohongshu, need 200 mugs", Channel.SOCIAL_MEDIA),
        ("hello, I saw your ad on Baidu for the dryers", Channel.ONLINE_ADS),
        ("she clicked our banner and left a message", Channel.ONLINE_ADS),
        ("he called our 400 hotline about spare parts", Channel.WEBSITE),
        ("cold visit today, walked into their workshop", Channel.COLD_OUTREACH),
        ("your agent in the north gave us your number", Channel.PARTNER),
        ("we met him at the packaging trade fair", Channel.TRADE_SHOW),
        ("the intro came from one of our long-time customers", Channel.REFERRAL),
        ("time for the yearly spare parts order, same as last yr", Channel.EXISTING_CUSTOMER),
    ],
)
def test_english_channel_cues(text: str, channel: Channel) -> None:
    assert extract(dictation(text)).source_channel is channel


def test_a_first_visit_dates_the_first_contact_today() -> None:
    fields = extract(
        dictation("first visit to their plant today, the owner showed us the line"), CustomerContext()
    )
    assert fields.first_contact_date == date(2026, 5, 20)


def test_a_letter_opening_with_dear_is_an_inbound_opener() -> None:
    interaction = build_interaction(
        {
            "kind": "chat",
            "messages": [
                {
                    "at": REF,
                    "from": "customer",
                    "name": None,
                    "text": "Dear sir, I read your post on Zhihu about sensors.",
                },
                {"at": REF, "from": "rep", "name": None, "text": "Thank you, what range do you need?"},
            ],
        },
        datetime.fromisoformat(REF),
    )
    assert extract(interaction).first_contact_date == date(2026, 5, 20)


# ------------------------------------------------------------------------------------------ signals


def test_english_signal_cues() -> None:
    fields = extract(
        chat(
            ("customer", "our GM says the lead time is too long, the incumbent has units in stock"),
            ("rep", "understood, I'll check and revert tomorrow"),
        )
    )
    found = {hit.signal.value for hit in fields.signals}
    assert {"decision_maker", "objection", "competitor", "delivery"} <= found


def test_a_functional_head_alone_is_no_decision_maker() -> None:
    fields = extract(dictation("met their purchasing head at the plant, she wants two pumps"))
    assert "decision_maker" not in {hit.signal.value for hit in fields.signals}
