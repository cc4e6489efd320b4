"""The codice fiscale of a person (DM 23/12/1976): format, check character, omocodia.

Household members must have the 16-character personal code. The 11-digit numeric codes
(temporary codes, companies) are refused even when their checksum is right.
"""

from __future__ import annotations

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
