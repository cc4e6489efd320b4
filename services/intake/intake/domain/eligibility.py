"""Eligibility at triage: is the comune served by the agency, and did an eviction come in time?

- Served: the comune belongs, on the day the referral was received, to an ambito the agency
  serves (dated reference rows ``{ambito_name, comune_istat, valid_from, valid_to}``).
- Eviction: the unified system asks the social services to refer households "almeno 3 mesi prima
  dell'esecuzione forzata" (seeds/004). A referral received less than 3 calendar months before
  the execution date is *late*: flagged, never refused.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

NOTICE_MONTHS = 3


@dataclass(frozen=True)
class Served:
    served: bool
    ambito_name: str | None
    explanation: str


@dataclass(frozen=True)
class EvictionTiming:
    execution_date: date
    days_before: int
    late: bool
    explanation: str


def it_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def served(
    ambito_rows: Iterable[dict], comune_istat: str, comune_name: str | None, received_on: date
) -> Served:
    name = comune_name or comune_istat
    for row in ambito_rows:
        if row["comune_istat"] != comune_istat:
            continue
        if row["valid_from"] <= received_on and (
            row["valid_to"] is None or received_on <= row["valid_to"]
        ):
            return Served(
                True,
                row["ambito_name"],
                f"Il Comune di {name} fa parte dell'{row['ambito_name']}, servito "
                f"dall'Agenzia dal {it_date(row['valid_from'])}.",
            )
    return Served(
        False,
        None,
        f"Il Comune di {name} non fa parte di un ambito servito dall'Agenzia alla "
        f"data della segnalazione ({it_date(received_on)}).",
    )


def eviction_timing(received_on: date, execution_date: date | None) -> EvictionTiming | None:
    if execution_date is None:
        return None
    days = (execution_date - received_on).days
    deadline = add_months(received_on, NOTICE_MONTHS)
    late = execution_date < deadline
    text = _eviction_sentence(received_on, execution_date, days, late)
    return EvictionTiming(execution_date, days, late, text)


def _eviction_sentence(received_on: date, execution_date: date, days: int, late: bool) -> str:
    """One sentence: when the eviction is due, how long after the referral, and what follows."""
    execution, received = it_date(execution_date), it_date(received_on)
    if days < 0:
        return (
            f"Segnalazione tardiva: la scheda è arrivata il {received}, dopo l'esecuzione dello "
            f"sfratto fissata il {execution}; può comunque essere presa in carico."
        )
    after = (
        f"il giorno stesso dell'arrivo della scheda ({received})"
        if days == 0
        else f"{'solo ' if late else ''}{days} giorni dopo l'arrivo della scheda ({received})"
    )
    if late:
        return (
            f"Segnalazione tardiva: lo sfratto è fissato per il {execution}, {after}, con meno "
            f"dei {NOTICE_MONTHS} mesi di anticipo richiesti; la scheda può comunque essere "
            "presa in carico."
        )
    return (
        f"Lo sfratto è fissato per il {execution}, {after}: l'anticipo di almeno "
        f"{NOTICE_MONTHS} mesi è rispettato."
    )
