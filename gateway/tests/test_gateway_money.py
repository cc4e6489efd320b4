"""Euro typed by people -> integer cents, exactly."""

from __future__ import annotations

import pytest

from abitare_gateway.money import AmountError, cents_to_euro_input, euro_to_cents, format_euro


@pytest.mark.parametrize(
    "text, cents",
    [
        ("0", 0),
        ("850", 85000),
        ("850,5", 85050),
        ("850,50", 85050),
        ("850.50", 85050),
        ("850.5", 85050),
        ("1.234,56", 123456),
        ("1.234", 123400),
        ("12.345.678,90", 1234567890),
        ("€ 650,00", 65000),
        ("650 €", 65000),
        (" 1 234,56 ", 123456),
        ("0,01", 1),
        (",5", 50),
        ("0.1", 10),
        ("1234.56", 123456),
        ("+10", 1000),
        ("19,99", 1999),
    ],
)
def test_euro_to_cents(text, cents):
    assert euro_to_cents(text) == cents
    assert isinstance(euro_to_cents(text), int)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "-5",
        "1,234,5",
        "1.2.3",
        "12,345",
        "0,001",
        "1.23.456",
        "1,2.3",
        "1e3",
        "12.34,5.6",
        "10.000.0",
    ],
)
def test_bad_amounts_are_refused_in_italian(text):
    with pytest.raises(AmountError) as error:
        euro_to_cents(text)
    assert str(error.value)  # an Italian message for the form


def test_float_rounding_cannot_creep_in():
    assert euro_to_cents("0,29") == 29  # float(0.29) * 100 == 28.999999999999996
    assert euro_to_cents("1,15") == 115  # float(1.15) * 100 == 114.99999999999999


def test_formatting():
    assert format_euro(123456) == "1.234,56 €"
    assert format_euro(5) == "0,05 €"
    assert format_euro(None) == "—"
    assert cents_to_euro_input(123456) == "1234,56"
    assert euro_to_cents(cents_to_euro_input(98765)) == 98765
