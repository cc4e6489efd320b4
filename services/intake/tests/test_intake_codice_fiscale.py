"""Codice fiscale rules: checksum, omocodia, normalisation, refused numeric codes."""

import pytest

from intake.domain.codice_fiscale import (
    InvalidCodiceFiscale,
    check_character,
    is_omocode,
    is_valid,
    normalize,
)


def test_known_valid_code():
    assert normalize("RSSMRA80A01F205X") == "RSSMRA80A01F205X"
    assert check_character("RSSMRA80A01F205") == "X"
    assert check_character("RSSMRA79B11C566") == "R"  # from the research notes


def test_lowercase_and_spaces_are_normalised():
    assert normalize("  rssmra80a01f205x ") == "RSSMRA80A01F205X"
    assert normalize("RSS MRA 80A01 F205X") == "RSSMRA80A01F205X"


def test_wrong_check_character():
    with pytest.raises(InvalidCodiceFiscale) as info:
        normalize("RSSMRA80A01F205Y")
    assert info.value.code == "codice_fiscale_checksum"


@pytest.mark.parametrize(
    "first_fifteen",
    [
        "RSSMRA80A01F20R",  # last Belfiore digit 5 -> R
        "RSSMRA80A01F2LR",  # and 0 -> L
        "RSSMRAULA01F205",  # year digits 8 0 -> U L
        "RSSMRA80A0MF205",  # day digit 1 -> M
    ],
)
def test_omocodia_is_accepted(first_fifteen):
    code = first_fifteen + check_character(first_fifteen)
    assert normalize(code) == code
    assert is_omocode(code)


def test_plain_code_is_not_omocode():
    assert not is_omocode("RSSMRA80A01F205X")


def test_omocode_with_original_check_character_is_refused():
    assert not is_valid("RSSMRA80A01F20RX")


@pytest.mark.parametrize(
    "code",
    [
        "00743110157",  # valid company / partita IVA number
        "12345678903",  # temporary numeric code shape
    ],
)
def test_numeric_codes_are_refused(code):
    with pytest.raises(InvalidCodiceFiscale) as info:
        normalize(code)
    assert info.value.code == "codice_fiscale_numeric"


@pytest.mark.parametrize(
    "code, reason",
    [
        ("RSSMRA80A01F205", "codice_fiscale_length"),
        ("RSSMRA80A01F205XX", "codice_fiscale_length"),
        ("", "codice_fiscale_length"),
        ("RSSMRA80Z01F205X", "codice_fiscale_format"),  # Z is not a month letter
        ("1SSMRA80A01F205X", "codice_fiscale_format"),
    ],
)
def test_malformed_codes(code, reason):
    with pytest.raises(InvalidCodiceFiscale) as info:
        normalize(code)
    assert info.value.code == reason


def test_impossible_birth_date_is_refused():
    first_fifteen = "RSSMRA80B31F205"  # 31 February
    with pytest.raises(InvalidCodiceFiscale) as info:
        normalize(first_fifteen + check_character(first_fifteen))
    assert info.value.code == "codice_fiscale_birth_date"


@pytest.mark.parametrize("value", [None, 123, ["RSSMRA80A01F205X"]])
def test_non_strings_are_refused(value):
    assert not is_valid(value)
