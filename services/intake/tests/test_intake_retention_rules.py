"""The retention rules (domain/retention.py): which closed cases are due for pseudonymisation,
given their closure day, a legal hold and the dated retention periods."""

from datetime import date

import pytest

from intake.domain import retention
from intake.domain.retention import CASE_FILE, CaseState, RetentionPeriod, is_due

CLOSED_ON = date(2020, 6, 15)


def closed(closed_on=CLOSED_ON, **changes):
    values = {"status": "chiusa", "closed_on": closed_on, "legal_hold": False}
    values["pseudonymised"] = False
    values.update(changes)
    return CaseState(**values)


def test_the_default_period_is_ten_years_with_its_reference_and_flagged_to_verify():
    period = retention.period_on(CASE_FILE, CLOSED_ON)
    assert (period.years, period.to_verify) == (10, True)
    assert "art. 5(1)(e)" in period.source and "da verificare" in period.source
    assert retention.retained_until(CLOSED_ON) == date(2030, 6, 15)
    assert retention.period_on(CASE_FILE, date(1995, 1, 1)) is period  # however old the case


def test_a_closed_case_is_due_the_day_after_its_retention_ends():
    assert not is_due(closed(), date(2030, 6, 14))
    assert not is_due(closed(), date(2030, 6, 15))  # the last day it is kept whole
    assert is_due(closed(), date(2030, 6, 16))


@pytest.mark.parametrize(
    "state",
    [
        closed(legal_hold=True),
        closed(pseudonymised=True),
        closed(status="in_carico"),  # reopened
        closed(status="ricevuta"),
        closed(closed_on=None),
    ],
    ids=["held", "already-pseudonymised", "open", "not-yet-triaged", "no-closure"],
)
def test_held_done_open_or_undated_cases_are_never_due(state):
    assert not is_due(state, date(2060, 1, 1))


def test_a_declined_referral_has_its_own_shorter_period_flagged_to_verify():
    period = retention.period_on(retention.DECLINED_REFERRAL, CLOSED_ON)
    assert (period.years, period.to_verify) == (5, True)
    assert "da verificare" in period.source
    declined = closed(status="respinta")  # closed_on: the day of the triage that declined it
    assert not is_due(declined, date(2025, 6, 15))  # the last day it is kept whole
    assert is_due(declined, date(2025, 6, 16))
    assert not is_due(closed(), date(2025, 6, 16))  # a closed case file: 10 years
    assert not is_due(closed(status="respinta", legal_hold=True), date(2060, 1, 1))


def test_the_period_in_force_on_the_closure_day_applies():
    periods = (
        RetentionPeriod(CASE_FILE, 10, date(2000, 1, 1), date(2021, 12, 31), "A", False),
        RetentionPeriod(CASE_FILE, 5, date(2022, 1, 1), None, "B", False),
    )
    assert retention.retained_until(date(2021, 12, 31), periods=periods) == date(2031, 12, 31)
    assert retention.retained_until(date(2022, 1, 1), periods=periods) == date(2027, 1, 1)
    assert is_due(closed(date(2022, 1, 1)), date(2027, 1, 2), periods)
    assert not is_due(closed(date(2021, 12, 31)), date(2027, 1, 2), periods)


def test_without_a_period_in_force_nothing_is_due():
    periods = (RetentionPeriod(CASE_FILE, 1, date(2025, 1, 1), None, "C", False),)
    assert retention.retained_until(CLOSED_ON, periods=periods) is None
    assert not is_due(closed(), date(2060, 1, 1), periods)


def test_twenty_ninth_of_february():
    assert retention.add_years(date(2024, 2, 29), 10) == date(2034, 2, 28)


def test_what_pseudonymisation_keeps_of_dates_and_texts():
    assert retention.birth_year_only(date(1980, 7, 23)) == date(1980, 1, 1)
    assert retention.month_only(date(2026, 3, 15)) == date(2026, 3, 1)
    assert retention.month_only(None) is None
    minutes = "Caso Rossi Mario (RSSMRA80A01F205X): approvato. Caso Verdi: rinviato."
    assert retention.redact(minutes, ["Rossi Mario", "rssmra80a01f205x", "Rossi", "", "x"]) == (
        "Caso [omissis] ([omissis]): approvato. Caso Verdi: rinviato."
    )
    assert retention.redact(None, ["Rossi"]) is None
