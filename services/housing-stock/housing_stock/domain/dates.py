"""Calendar arithmetic the rules share."""

from __future__ import annotations

from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (negative: back), clamped to the month's last day
    (31/1 + 1 → 28/2 or 29/2)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days
