"""Unit tests of the funds rules (affordability, money, dated parameters): no broker, no
database."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from funds.domain.affordability import (
    NOT_ASSESSABLE,
    NOT_SUSTAINABLE,
    SUSTAINABLE,
    check_affordability,
    rent_to_income_ratio,
)
from funds.domain.dates import local_date
from funds.domain.money import format_euro, format_percent
from funds.domain.parameters import (
    PARAMETERS,
    RENT_TO_INCOME_THRESHOLD,
    DatedParameter,
    parameter_on,
)

DAY = date(2025, 3, 10)


def test_rent_within_thirty_percent_is_sustainable():
    check = check_affordability(45000, 180000, on=DAY)
    assert check.outcome == SUSTAINABLE
    assert check.rent_to_income_ratio == Decimal("0.2500")
    assert check.threshold.value == Decimal("0.30")
    assert "25,00%" in check.explanation and "€ 450,00" in check.explanation
    assert "€ 1.800,00" in check.explanation and "non supera" in check.explanation


def test_rent_at_exactly_the_threshold_is_sustainable():
    assert check_affordability(30000, 100000, on=DAY).outcome == SUSTAINABLE


def test_rent_above_the_threshold_is_not_sustainable():
    check = check_affordability(90000, 160000, on=DAY)
    assert check.outcome == NOT_SUSTAINABLE
    assert check.rent_to_income_ratio == Decimal("0.5625")
    assert "supera la soglia del 30,00%" in check.explanation
    assert check.explanation.endswith(
        "Il canone non è sostenibile. Fonte della soglia: C.A.S.A., Agenzia per l'abitare "
        "dell'Ambito di San Giuliano Milanese, cartella stampa 2025."
    )
    assert "seed" not in check.explanation and "press kit" not in check.explanation


def test_ratio_is_a_decimal_rounded_half_up_to_four_places_before_comparison():
    assert rent_to_income_ratio(1, 3) == Decimal("0.3333")
    assert isinstance(rent_to_income_ratio(1, 3), Decimal)
    assert rent_to_income_ratio(30004, 100000) == Decimal("0.3000")
    assert rent_to_income_ratio(30005, 100000) == Decimal("0.3001")
    assert check_affordability(30004, 100000, on=DAY).outcome == SUSTAINABLE
    assert check_affordability(30005, 100000, on=DAY).outcome == NOT_SUSTAINABLE


def test_no_rent_is_sustainable():
    check = check_affordability(0, 120000, on=DAY)
    assert (check.outcome, check.rent_to_income_ratio) == (SUSTAINABLE, Decimal("0.0000"))


@pytest.mark.parametrize(
    "rent, income, reason",
    [
        (None, 150000, "Non è stato indicato il canone mensile del nucleo."),
        (50000, None, "Non è stato indicato il reddito netto mensile del nucleo."),
        (None, None, "Non è stato indicato il canone mensile né il reddito netto mensile"),
        (50000, 0, "reddito netto mensile indicato è pari a zero"),
        (-1, 1000, "negativi"),
    ],
)
def test_missing_or_zero_amounts_are_not_assessable_and_say_why(rent, income, reason):
    check = check_affordability(rent, income, on=DAY)
    assert check.outcome == NOT_ASSESSABLE
    assert check.rent_to_income_ratio is None
    assert reason in check.explanation
    assert "non può essere valutata" in check.explanation


def test_threshold_is_the_one_valid_on_the_referral_date():
    parameters = PARAMETERS + (
        DatedParameter(RENT_TO_INCOME_THRESHOLD, Decimal("0.25"), date(2026, 1, 1), None, "test"),
    )
    assert parameter_on(RENT_TO_INCOME_THRESHOLD, date(2025, 12, 31), parameters).value == Decimal(
        "0.30"
    )
    assert parameter_on(RENT_TO_INCOME_THRESHOLD, date(2026, 1, 1), parameters).value == Decimal(
        "0.25"
    )
    assert (
        check_affordability(28000, 100000, on=date(2025, 6, 1), parameters=parameters).outcome
        == SUSTAINABLE
    )
    assert (
        check_affordability(28000, 100000, on=date(2026, 6, 1), parameters=parameters).outcome
        == NOT_SUSTAINABLE
    )


def test_the_thirty_percent_rule_is_dated_and_sourced():
    rule = parameter_on(RENT_TO_INCOME_THRESHOLD, DAY)
    assert rule.valid_from == date(2024, 1, 1) and rule.valid_to is None
    assert rule.source == (
        "C.A.S.A., Agenzia per l'abitare dell'Ambito di San Giuliano Milanese, cartella stampa 2025"
    )
    assert not rule.applies_on(date(2023, 12, 31))
    closed = DatedParameter("x", Decimal("1"), date(2024, 1, 1), date(2024, 12, 31), "s")
    assert closed.applies_on(date(2024, 12, 31)) and not closed.applies_on(date(2025, 1, 1))


def test_no_threshold_in_force_means_not_assessable():
    check = check_affordability(30000, 100000, on=date(2023, 5, 1))
    assert check.outcome == NOT_ASSESSABLE and check.threshold is None
    assert "01/05/2023" in check.explanation


def test_amounts_are_shown_the_italian_way():
    assert format_euro(123456789) == "€ 1.234.567,89"
    assert format_euro(5) == "€ 0,05"
    assert format_percent(Decimal("0.3333")) == "33,33%"


def test_the_referral_date_is_the_date_in_milan():
    assert local_date(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)) == date(2025, 1, 1)
    assert local_date(datetime(2025, 7, 1, 12, 0)) == date(2025, 7, 1)


def test_every_dated_rule_value_has_the_one_shape():
    """Dated values live in ``DatedParameter`` rows only (domain/parameters.py); verdicts in
    ``domain/criteria.Criterion``: no rule module declares its own."""
    import pathlib
    import re

    domain = pathlib.Path(__file__).parents[1] / "funds" / "domain"
    for module in domain.glob("*.py"):
        text = module.read_text()
        if module.name != "parameters.py":
            assert not re.search(r"^\s+valid_from: date", text, re.M), module.name
        if module.name != "criteria.py":
            assert not re.search(r"^class Criterion\b", text, re.M), module.name
