"""Dated parameters: thresholds taken from regulations or agency documents.

A threshold is never a bare constant. Each value carries the period it is valid for and the
document it comes from, and a check picks the value valid on the date of the case it assesses,
so a case keeps being judged by the rule that applied when it arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DatedParameter:
    name: str
    value: Decimal
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    source: str  # as a person cites it, in Italian (no internal references)

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


RENT_TO_INCOME_THRESHOLD = "rent_to_income_threshold"

PARAMETERS: tuple[DatedParameter, ...] = (
    # "Un canone – per essere sostenibile – non dovrebbe superare il 30% del reddito familiare
    # mensile." (C.A.S.A. San Giuliano Milanese, press kit 2025: seeds/003). ``source`` is
    # written as a person cites it: it ends the explanation operators read.
    DatedParameter(
        name=RENT_TO_INCOME_THRESHOLD,
        value=Decimal("0.30"),
        valid_from=date(2024, 1, 1),
        valid_to=None,
        source=(
            "C.A.S.A., Agenzia per l'abitare dell'Ambito di San Giuliano Milanese, "
            "cartella stampa 2025"
        ),
    ),
)


def parameter_on(
    name: str, day: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> DatedParameter | None:
    """The value of ``name`` valid on ``day`` (the most recent one if periods overlap), or None."""
    candidates = [p for p in parameters if p.name == name and p.applies_on(day)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: p.valid_from)
