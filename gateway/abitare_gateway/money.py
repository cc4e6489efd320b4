"""Euro amounts typed by people <-> integer cents, exactly (Decimal, never float)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .i18n import _

MAX_CENTS = 100_000_000_00  # one hundred million euro: anything above is a typing error

_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")  # 1.234 / 12.345.678 (Italian thousands)


class AmountError(ValueError):
    """The text is not an amount in euro; the message is Italian, for the form."""


def euro_to_cents(text: str) -> int:
    """``"1.234,56"``, ``"1234,5"``, ``"1234.56"``, ``"€ 850"`` -> cents.

    A comma is the decimal separator; dots are thousands separators (``1.234`` is 1234 euro),
    except a single dot followed by one or two digits (``850.5``, ``850.50``), which can only be a
    decimal point. More than two decimals, negative amounts and anything else are refused.
    """
    raw = (text or "").strip()
    cleaned = raw.replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise AmountError(_("Inserisci un importo."))
    if cleaned.startswith("-"):
        raise AmountError(_("L'importo non può essere negativo."))
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    integer, comma, fraction = cleaned.partition(",")
    if comma:
        if "," in fraction or "." in fraction:
            raise AmountError(
                _("Importo non valido: usa la virgola per i decimali (es. 1.234,56).")
            )
        if "." in integer and not _GROUPED.match(integer):
            raise AmountError(_("Importo non valido: separatore delle migliaia fuori posto."))
        integer = integer.replace(".", "")
    elif "." in integer:
        if _GROUPED.match(integer):
            integer = integer.replace(".", "")
        else:
            integer, _sep, fraction = integer.partition(".")
            if "." in fraction:
                raise AmountError(_("Importo non valido."))
    if not integer:
        integer = "0"
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        raise AmountError(
            _("Importo non valido: usa solo cifre, punto per le migliaia e virgola per i decimali.")
        )
    if len(fraction) > 2:
        raise AmountError(_("Al massimo due cifre decimali (centesimi)."))
    try:
        amount = Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation:
        raise AmountError(_("Importo non valido.")) from None
    cents = amount * 100
    if cents != cents.to_integral_value():  # cannot happen with <= 2 decimals; kept as a guard
        raise AmountError(_("Al massimo due cifre decimali (centesimi)."))
    if cents > MAX_CENTS:
        raise AmountError(_("Importo troppo grande."))
    return int(cents)


def cents_to_euro_input(cents: int | None) -> str:
    """Cents as the form shows them back: ``123456`` -> ``"1234,56"``."""
    if cents is None:
        return ""
    whole, rest = divmod(int(cents), 100)
    return f"{whole},{rest:02d}"


def format_euro(cents: int | None) -> str:
    """Cents for reading: ``123456`` -> ``"1.234,56 €"``."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    grouped = f"{whole:,}".replace(",", ".")
    return f"{sign}{grouped},{rest:02d} €"
