"""Stage: a softened no ('今年先不做了', '暂时不考虑了') from a customer the CRM already
knew before today is a decline (`lost`); on a fresh lead it stays a lead with no need yet. The notes
are this file's own; the first two tests fail without the change."""

from __future__ import annotations

from datetime import date

from copilot.domain import CustomerContext, Stage
from tests.extraction.builders import dictation, extract

NOTE = "给钱总打了电话 他说厂里今年先不做了 等明年预算下来再看"
PAUSED = "给钱总打了电话 他说这个改造暂时不考虑了"


def _known(first: date | None) -> CustomerContext:
    return CustomerContext(name="某工厂", known_first_contact_date=first)


def test_a_soft_no_from_a_customer_met_last_month_is_lost() -> None:
    assert extract(dictation(NOTE), _known(date(2026, 4, 22))).stage is Stage.LOST


def test_a_pause_from_a_customer_met_in_march_is_lost() -> None:
    assert extract(dictation(PAUSED), _known(date(2026, 3, 2))).stage is Stage.LOST


def test_on_a_fresh_lead_it_stays_a_lead() -> None:
    assert extract(dictation(NOTE), _known(None)).stage is Stage.LEAD
    assert extract(dictation(PAUSED), _known(None)).stage is Stage.LEAD
    assert extract(dictation(NOTE), _known(date(2026, 5, 20))).stage is Stage.LEAD  # first met today
