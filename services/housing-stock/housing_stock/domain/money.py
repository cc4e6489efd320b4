"""Amounts in integer cents and ratios, shown the Italian way (``€ 1.234,56``, ``30,00%``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RATIO_PLACES = Decimal("0.0001")  # hundredths of a percent


def format_euro(cents: int) -> str:
    euros, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}€ {euros:,}".replace(",", ".") + f",{rest:02d}"


def format_percent(ratio: Decimal) -> str:
    """``Decimal("0.2500")`` -> ``"25,00%"``"""
    return f"{ratio * 100:.2f}%".replace(".", ",")


def ratio(numerator_cents: int, denominator_cents: int) -> Decimal:
    """``numerator / denominator`` rounded half-up to 4 places, so the figure shown and the
    comparison made on it always agree."""
    return (Decimal(numerator_cents) / Decimal(denominator_cents)).quantize(
        RATIO_PLACES, ROUND_HALF_UP
    )


def cents_times(cents: int, factor: Decimal) -> int:
    """``cents × factor`` rounded half-up to the cent."""
    return int((Decimal(cents) * factor).quantize(Decimal(1), ROUND_HALF_UP))
