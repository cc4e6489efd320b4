"""Format checks at the edge (the services check again and own the rules)."""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

PERSON_CODE = re.compile(r"^[A-Z0-9]{16}$")


def normalize_codice_fiscale(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def codice_fiscale_error(value: str, italian: bool = True) -> str | None:
    """``None`` if ``value`` is a person's codice fiscale with a valid check character."""
    code = normalize_codice_fiscale(value)
    if not PERSON_CODE.match(code):
        return (
            "Il codice fiscale ha 16 caratteri, lettere e cifre."
            if italian
            else "A codice fiscale has 16 letters and digits."
        )
    try:
        codicefiscale.validate(code)
    except StdnumError:
        return (
            "Codice fiscale non valido: il carattere di controllo non corrisponde."
            if italian
            else "Invalid codice fiscale (check character or format)."
        )
    return None
