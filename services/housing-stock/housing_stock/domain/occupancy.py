"""Which dwellings fit which household: the bedrooms of the agency's first-matching heuristic
(:mod:`.rooms`) and the floor area of the "alloggio adeguato" of R.R. Lombardia 4/2017 art. 7
c. 1 lett. d, by household size (figures "da verificare": not in the research notes, and the
letter was rewritten by R.R. 2/2025).

A dwelling fits when it has at least the bedrooms the heuristic asks and at least the adequate
area for the household's size. It is *under-occupied* when it has two or more bedrooms beyond
the need (an agency heuristic too: it is kept for larger households, for rotation). Worked
example (unit tests): 4 persons need 2 bedrooms and 60 m²; a 2-bedroom 58 m² flat does not fit
(area), a 2-bedroom 65 m² one does, a 4-bedroom 90 m² one fits but is under-occupied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .inputs import Problems
from .parameters import (
    ADEQUATE_AREA_BANDS,
    ADEQUATE_AREA_M2,
    PARAMETERS,
    DatedParameter,
    required_on,
)
from .rooms import minimum_bedrooms

UNDER_OCCUPIED_EXTRA_BEDROOMS = 2  # agency heuristic


@dataclass(frozen=True)
class OccupancyFit:
    fits: bool
    under_occupied: bool
    min_bedrooms: int
    min_area_m2: int
    extra_bedrooms: int  # bedrooms beyond the need (negative when short)
    reasons: tuple[str, ...]  # Italian
    to_verify: bool


def adequate_area(
    household_size: int, on: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> DatedParameter:
    """The adequate area's parameter for ``household_size`` persons."""
    band = next(up_to for up_to in ADEQUATE_AREA_BANDS if household_size <= up_to)
    return required_on(ADEQUATE_AREA_M2.format(persons=band), on, parameters)


def check_occupancy(
    household_size: int,
    bedrooms: int,
    area_m2: int,
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> OccupancyFit:
    problems = Problems()
    problems.at_least("household_size", household_size, 1)
    problems.at_least("bedrooms", bedrooms, 0)
    problems.at_least("area_m2", area_m2, 1)
    problems.raise_any()
    need = minimum_bedrooms(household_size)
    assert need is not None  # household_size >= 1
    area = adequate_area(household_size, on, parameters)
    min_area = int(area.value)
    reasons = []
    if bedrooms >= need:
        reasons.append(
            f"{bedrooms} camere da letto: almeno {need} per {household_size} persone "
            "(criterio dell'agenzia)."
        )
    else:
        reasons.append(
            f"Solo {bedrooms} camere da letto: ne servono almeno {need} per {household_size} "
            "persone (criterio dell'agenzia)."
        )
    if area_m2 >= min_area:
        reasons.append(
            f"{area_m2} m²: almeno i {min_area} m² dell'alloggio adeguato. {area.cited()}"
        )
    else:
        reasons.append(
            f"{area_m2} m²: meno dei {min_area} m² dell'alloggio adeguato per {household_size} "
            f"persone. {area.cited()}"
        )
    extra = bedrooms - need
    fits = bedrooms >= need and area_m2 >= min_area
    under = fits and extra >= UNDER_OCCUPIED_EXTRA_BEDROOMS
    if under:
        reasons.append(
            f"Sottoutilizzo: {extra} camere oltre il necessario (meglio per un nucleo più "
            "numeroso)."
        )
    return OccupancyFit(fits, under, need, min_area, extra, tuple(reasons), area.to_verify)
