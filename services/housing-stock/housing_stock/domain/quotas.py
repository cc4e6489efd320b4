"""Reserves over the units that become available in a solar year (domain_rules.md §4.3, §4.5).

- Indigenza (R.R. 4/2017 art. 13): assignments to indigent households are 20% of the units
  available in the year, **rounded up** (for ALER computed per comune). 7 units → 1,4 → 2.
- SAT (L.R. 16/2016 art. 23 c. 13): *up to* 10% of the units available in the year may be
  reserved for temporary housing — a ceiling, so rounded down. 25 units → 2,5 → 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from .inputs import Problems
from .parameters import (
    PARAMETERS,
    SAP_INDIGENCE_QUOTA,
    SAT_RESERVE_MAX_SHARE,
    DatedParameter,
    required_on,
)


@dataclass(frozen=True)
class Quota:
    units: int
    explanation: str
    to_verify: bool


def _quota(available_units, on, name, rounding, words, parameters) -> Quota:
    problems = Problems()
    problems.at_least("available_units", available_units, 0)
    problems.raise_any()
    share = required_on(name, on, parameters)
    units = rounding(available_units * share.value)
    percent = int(share.value * 100)
    return Quota(
        units,
        words.format(units=units, available=available_units, percent=percent) + f" {share.cited()}",
        share.to_verify,
    )


def indigence_quota(
    available_units: int, on: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> Quota:
    """Art. 13: the assignments due to indigent households, rounded up."""
    words = (
        "Nuclei indigenti: {units} assegnazioni su {available} unità disponibili nell'anno "
        "({percent}%, arrotondato per eccesso)."
    )
    return _quota(available_units, on, SAP_INDIGENCE_QUOTA, math.ceil, words, parameters)


def sat_reserve_cap(
    available_units: int, on: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> Quota:
    """Art. 23 c. 13: the most units that may be reserved for SAT, rounded down."""
    words = (
        "Servizi abitativi transitori: al massimo {units} unità su {available} disponibili "
        "nell'anno (fino al {percent}%)."
    )
    return _quota(available_units, on, SAT_RESERVE_MAX_SHARE, math.floor, words, parameters)
