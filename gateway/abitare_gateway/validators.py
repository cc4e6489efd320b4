"""Format checks at the edge (the services check again and own the rules)."""

from __future__ import annotations

import re

from stdnum import exceptions as stdnum_errors
from stdnum.it import codicefiscale

from . import error_texts

LENGTH = 16
PERSON_CODE = re.compile(r"^[A-Z0-9]{16}$")
# What makes a code certainly wrong, and the code of its words in error_texts (as intake's)
REFUSALS = (
    (stdnum_errors.InvalidChecksum, "codice_fiscale_checksum"),
    (stdnum_errors.InvalidComponent, "codice_fiscale_birth_date"),  # a date that does not exist
    (stdnum_errors.ValidationError, "codice_fiscale_format"),
)


def normalize_codice_fiscale(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def codice_fiscale_error(value: str, italian: bool = True) -> str | None:
    """``None`` if ``value`` is a person's codice fiscale with a valid check character and a
    birth date that exists; else why not. (Whether it fits the member is intake's warning.)"""
    code = normalize_codice_fiscale(value)
    language = "it" if italian else "en"
    if len(code) != LENGTH:
        return error_texts.text("codice_fiscale_length", {"length": LENGTH}, language)
    if not PERSON_CODE.match(code):
        return error_texts.text("codice_fiscale_format", None, language)
    try:
        codicefiscale.validate(code)
    except stdnum_errors.ValidationError as exc:
        reason = next(code for kind, code in REFUSALS if isinstance(exc, kind))
        return error_texts.text(reason, None, language)
    return None
