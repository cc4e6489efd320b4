"""Codice fiscale rules: checksum, omocodia, normalisation, refused numeric codes."""

from datetime import date

import pytest

from intake.domain.codice_fiscale import (
    BIRTH_DATE_MISMATCH,
    NAME_MISMATCH,
    InvalidCodiceFiscale,
    check_character,
    coherence,
    encoded_birth,
    is_omocode,
    is_valid,
    name_letters,
    normalize,
    surname_letters,
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


# -- coherence with the member's data: worked examples ------------------------------------------
def code_of(first_fifteen: str) -> str:
    return first_fifteen + check_character(first_fifteen)


MARIO = code_of("RSSMRA85T10A562")  # Rossi Mario, man, born 10 December 1985


def codes(warnings):
    return [(w["code"], w["severity"]) for w in warnings]


def test_a_coherent_code_has_no_warnings():
    assert coherence(MARIO, "Rossi", "Mario", date(1985, 12, 10)) == []
    # a woman: day of birth + 40
    anna = code_of("BNCNNA90C45F205")
    assert coherence(anna, "Bianchi", "Anna", date(1990, 3, 5)) == []
    # the century is not in the code: 1985 and 2085 read alike, only the two digits are compared
    assert coherence(code_of("RSSMRA05T10A562"), "Rossi", "Mario", date(2005, 12, 10)) == []


def test_a_birth_date_that_contradicts_the_code_is_a_warning():
    warnings = coherence(MARIO, "Rossi", "Mario", date(1985, 12, 11))
    assert warnings == [
        {
            "code": BIRTH_DATE_MISMATCH,
            "severity": "warning",
            "encoded": "10/12/1985",
            "declared": "11/12/1985",
        }
    ]
    # the year written in the century nearest the declared date
    assert coherence(MARIO, "Rossi", "Mario", date(2079, 1, 1))[0]["encoded"] == "10/12/2085"
    assert codes(coherence(MARIO, "Rossi", "Mario", date(1958, 12, 10))) == [
        (BIRTH_DATE_MISMATCH, "warning")
    ]
    # a woman's code (day 45) for a birth on the 5th agrees; on the 15th it does not
    anna = code_of("BNCNNA90C45F205")
    assert codes(coherence(anna, "Bianchi", "Anna", date(1990, 3, 15))) == [
        (BIRTH_DATE_MISMATCH, "warning")
    ]


@pytest.mark.parametrize(
    "first_fifteen",
    [
        "RSSMRAURT10A562",  # year 8 5 -> U R
        "RSSMRA85T1LA562",  # day 0 -> L
        "RSSMRA85T10A56N",  # Belfiore digit 2 -> N (not part of the date)
    ],
)
def test_omocodia_is_not_a_contradiction(first_fifteen):
    code = code_of(first_fifteen)
    assert is_omocode(code)
    assert coherence(code, "Rossi", "Mario", date(1985, 12, 10)) == []
    assert codes(coherence(code, "Rossi", "Mario", date(1985, 12, 1))) == [
        (BIRTH_DATE_MISMATCH, "warning")
    ]


def test_a_name_that_does_not_give_the_codes_letters_is_a_softer_notice():
    warnings = coherence(MARIO, "Bianchi", "Mario", date(1985, 12, 10))
    assert warnings == [
        {"code": NAME_MISMATCH, "severity": "notice", "encoded": "RSSMRA", "expected": "BNCMRA"}
    ]
    both = coherence(MARIO, "Rossi", "Luca", date(1985, 12, 11))
    assert codes(both) == [(BIRTH_DATE_MISMATCH, "warning"), (NAME_MISMATCH, "notice")]


@pytest.mark.parametrize(
    "last_name, first_name, letters",
    [
        ("Rossi", "Mario", "RSSMRA"),
        ("Fo", "Dario", "FOXDRA"),  # short surname: consonants, vowels, then X
        ("Bianchi", "Gianfranco", "BNCGFR"),  # four or more consonants: 1st, 3rd, 4th
        ("D'Angelo", "Nicolò", "DNGNCL"),  # apostrophes and accents drop out
        ("De Santis", "Ada", "DSNDAA"),  # a space is not a letter; vowels before X
        ("Wu", "Li", "WUXLIX"),
    ],
)
def test_the_letters_of_surname_and_name(last_name, first_name, letters):
    assert surname_letters(last_name) + name_letters(first_name) == letters


def test_an_invalid_code_gets_no_coherence_warning_it_is_refused_instead():
    assert coherence("RSSMRA85T10A562X", "Rossi", "Mario", date(1985, 12, 10)) == []
    assert encoded_birth("RSSMRA85T10A562X") is None
