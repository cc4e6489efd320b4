"""The codice fiscale of a person (DM 23/12/1976): format, check character, omocodia, and its
coherence with the person's name and birth date.

Household members must have the 16-character personal code. The 11-digit numeric codes
(temporary codes, companies) are refused even when their checksum is right.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.it import codicefiscale as _stdnum_cf

LENGTH = 16
# 0-based positions whose digits omocodia may replace with letters (LMNPQRSTUV).
OMOCODIA_POSITIONS = (6, 7, 9, 10, 12, 13, 14)


class InvalidCodiceFiscale(ValueError):
    """Not a valid personal codice fiscale; ``code`` says why (and ``params`` the limits)."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code, self.params = code, params


def normalize(value) -> str:
    """Return ``value`` uppercased without separators if it is a valid personal codice fiscale
    (omocodia included), else raise :class:`InvalidCodiceFiscale`."""
    if not isinstance(value, str):
        raise InvalidCodiceFiscale("invalid_string", "Not a string.")
    code = _stdnum_cf.compact(value)
    if code.isdigit():
        raise InvalidCodiceFiscale(
            "codice_fiscale_numeric",
            "Numeric codes (temporary or company codes) are not "
            "accepted: the 16-character personal codice fiscale is required.",
        )
    if len(code) != LENGTH:
        raise InvalidCodiceFiscale(
            "codice_fiscale_length", f"Must be {LENGTH} characters long.", length=LENGTH
        )
    try:
        _stdnum_cf.validate(code)
    except stdnum_errors.InvalidChecksum:
        raise InvalidCodiceFiscale("codice_fiscale_checksum", "Wrong check character.") from None
    except stdnum_errors.InvalidFormat:
        raise InvalidCodiceFiscale(
            "codice_fiscale_format", "Not in the format of a personal codice fiscale."
        ) from None
    except stdnum_errors.InvalidComponent:
        raise InvalidCodiceFiscale(
            "codice_fiscale_birth_date", "The birth date it encodes does not exist."
        ) from None
    except stdnum_errors.ValidationError:
        raise InvalidCodiceFiscale(
            "codice_fiscale_invalid", "Not a valid codice fiscale."
        ) from None
    return code


def is_valid(value) -> bool:
    try:
        normalize(value)
    except InvalidCodiceFiscale:
        return False
    return True


def check_character(first_fifteen: str) -> str:
    """The check character (CIN) of the first 15 characters of a code."""
    return _stdnum_cf.calc_check_digit(first_fifteen.upper())


def is_omocode(code: str) -> bool:
    """True if some digit of ``code`` was replaced by a letter to tell apart homonyms."""
    return any(code[i].isalpha() for i in OMOCODIA_POSITIONS)


_OMOCODIA_DIGITS = {letter: str(digit) for digit, letter in enumerate("LMNPQRSTUV")}


def sex(code: str) -> str | None:
    """``"F"`` or ``"M"`` as the code encodes it (day of birth + 40 for women), ``None`` if the
    code is too short to tell. Omocodia letters are read back as digits."""
    if not isinstance(code, str) or len(code) < 11:
        return None
    day = "".join(_OMOCODIA_DIGITS.get(c, c) for c in code[9:11].upper())
    if not day.isdigit():
        return None
    return "F" if int(day) > 40 else "M"


# -- coherence with the member's data (issue 8, item 11) ----------------------------------------
# A valid code may still not be this person's: a digit typed wrong in the birth date, or the
# code of a relative. What is certainly wrong (check character, impossible date) is refused
# above; what contradicts the other fields is a warning the operator reads and may accept:
# - the birth date the code encodes (omocodia letters read back as digits) differs from the
#   member's birth date: a ``warning`` (the code and the date cannot both be right);
# - its six letters differ from those of the surname and first name (DM 23/12/1976, art. 2-3):
#   a ``notice``, softer, since double surnames, foreign names and transliterations, or a code
#   issued under an earlier name, explain many of them.
# The code carries no sex to compare: the member's sex is not asked, it is read from the code.
BIRTH_DATE_MISMATCH = "codice_fiscale_birth_date_mismatch"
NAME_MISMATCH = "codice_fiscale_name_mismatch"
WARNING, NOTICE = "warning", "notice"
VOWELS = "AEIOU"


def _letters(text: str) -> str:
    """Only the letters A-Z of ``text``, accents dropped (``D'Agostino`` -> ``DAGOSTINO``)."""
    plain = unicodedata.normalize("NFD", text or "").upper()
    return "".join(c for c in plain if "A" <= c <= "Z")


def surname_letters(last_name: str) -> str:
    """The three letters for a surname: its consonants, then its vowels, then ``X``."""
    letters = _letters(last_name)
    consonants = [c for c in letters if c not in VOWELS]
    vowels = [c for c in letters if c in VOWELS]
    return ("".join(consonants + vowels) + "XXX")[:3]


def name_letters(first_name: str) -> str:
    """The three letters for a first name: as a surname's, except that a name with four or more
    consonants takes the first, third and fourth (``Gianfranco`` -> ``GFR``)."""
    consonants = [c for c in _letters(first_name) if c not in VOWELS]
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return surname_letters(first_name)


def encoded_birth(code: str) -> tuple[int, int, int] | None:
    """``(two-digit year, month, day)`` as a valid ``code`` encodes them, omocodia included;
    ``None`` if the code is not valid."""
    try:
        born = _stdnum_cf.get_birth_date(normalize(code))
    except (InvalidCodiceFiscale, stdnum_errors.ValidationError):
        return None
    return born.year % 100, born.month, born.day


def coherence(code: str, last_name: str, first_name: str, birth_date: date) -> list[dict]:
    """The warnings about a valid ``code`` against the member's other data, most serious first:
    ``[{"code", "severity", ...details}]``, empty when they agree."""
    warnings = []
    encoded = encoded_birth(code)
    if encoded is not None and birth_date is not None:
        declared = (birth_date.year % 100, birth_date.month, birth_date.day)
        if encoded != declared:
            year, month, day = encoded
            # the code holds two digits of the year: written in the century nearest the
            # declared birth date (85 beside 1990 is 1985)
            full_year = min(
                (
                    century + year
                    for century in range(birth_date.year // 100 * 100 - 100, 2200, 100)
                ),
                key=lambda candidate: abs(candidate - birth_date.year),
            )
            warnings.append(
                {
                    "code": BIRTH_DATE_MISMATCH,
                    "severity": WARNING,
                    "encoded": f"{day:02d}/{month:02d}/{full_year}",
                    "declared": birth_date.strftime("%d/%m/%Y"),
                }
            )
    expected = surname_letters(last_name) + name_letters(first_name)
    found = normalize_letters(code)
    if found and found != expected:
        warnings.append(
            {"code": NAME_MISMATCH, "severity": NOTICE, "encoded": found, "expected": expected}
        )
    return warnings


def normalize_letters(code: str) -> str | None:
    """The six letters of surname and name in a valid ``code``, ``None`` if it is not valid."""
    try:
        return normalize(code)[:6]
    except InvalidCodiceFiscale:
        return None
