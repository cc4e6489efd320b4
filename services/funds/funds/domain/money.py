"""Amounts in integer cents, shown the Italian way (``€ 1.234,56``)."""

from __future__ import annotations

from decimal import Decimal


def format_euro(cents: int) -> str:
    euros, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}€ {euros:,}".replace(",", ".") + f",{rest:02d}"


def format_percent(ratio: Decimal) -> str:
    """``Decimal("0.2500")`` -> ``"25,00%"``"""
    return f"{ratio * 100:.2f}%".replace(".", ",")
