"""First affordability check of a funds file: is the rent sustainable for the household?

Rule (seed 003, C.A.S.A. San Giuliano Milanese): the monthly rent should not exceed 30% of the
household's monthly income. The threshold is a dated parameter (:mod:`.parameters`) chosen on the
referral date. The ratio is rent / net monthly income, rounded half-up to 4 decimal places
(hundredths of a percent) before it is compared, so the figure shown and the outcome always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .money import format_euro, format_percent
from .parameters import PARAMETERS, RENT_TO_INCOME_THRESHOLD, DatedParameter, parameter_on

SUSTAINABLE = "sostenibile"
NOT_SUSTAINABLE = "non_sostenibile"
NOT_ASSESSABLE = "non_valutabile"
OUTCOMES = (SUSTAINABLE, NOT_SUSTAINABLE, NOT_ASSESSABLE)

RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class AffordabilityCheck:
    monthly_rent_cents: int | None
    monthly_net_income_cents: int | None
    rent_to_income_ratio: Decimal | None
    threshold: DatedParameter | None
    outcome: str
    explanation: str  # Italian, for operators


def rent_to_income_ratio(rent_cents: int, income_cents: int) -> Decimal:
    return (Decimal(rent_cents) / Decimal(income_cents)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def check_affordability(
    rent_cents: int | None,
    income_cents: int | None,
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> AffordabilityCheck:
    """Assess ``rent_cents`` against ``income_cents`` (both monthly, integer cents) with the
    threshold valid on ``on`` (the referral date)."""
    threshold = parameter_on(RENT_TO_INCOME_THRESHOLD, on, parameters)

    def not_assessable(reason: str) -> AffordabilityCheck:
        return AffordabilityCheck(
            rent_cents,
            income_cents,
            None,
            threshold,
            NOT_ASSESSABLE,
            reason + " La sostenibilità del canone non può essere valutata.",
        )

    missing = [
        label
        for label, value in (
            ("il canone mensile", rent_cents),
            ("il reddito netto mensile", income_cents),
        )
        if value is None
    ]
    if missing or rent_cents is None or income_cents is None:
        return not_assessable(f"Non è stato indicato {' né '.join(missing)} del nucleo.")
    if rent_cents < 0 or income_cents < 0:
        return not_assessable("Gli importi indicati non sono validi (negativi).")
    if income_cents == 0:
        return not_assessable(
            "Il reddito netto mensile indicato è pari a zero, quindi il "
            "rapporto tra canone e reddito non è calcolabile."
        )
    if threshold is None:
        return not_assessable(
            f"Nessuna soglia di sostenibilità è in vigore al {on.strftime('%d/%m/%Y')}."
        )

    ratio = rent_to_income_ratio(rent_cents, income_cents)
    facts = (
        f"Il canone mensile ({format_euro(rent_cents)}) è pari al {format_percent(ratio)} "
        f"del reddito netto mensile del nucleo ({format_euro(income_cents)})"
    )
    limit = f"la soglia del {format_percent(threshold.value)}"
    cited = f"Fonte della soglia: {threshold.source}."
    if ratio <= threshold.value:
        return AffordabilityCheck(
            rent_cents,
            income_cents,
            ratio,
            threshold,
            SUSTAINABLE,
            f"{facts}: non supera {limit}. Il canone è sostenibile. {cited}",
        )
    return AffordabilityCheck(
        rent_cents,
        income_cents,
        ratio,
        threshold,
        NOT_SUSTAINABLE,
        f"{facts}: supera {limit}. Il canone non è sostenibile. {cited}",
    )
