"""A dwelling of the inventory: its tenure, its data and its state with the transitions allowed.

States (issue 11): ``disponibile`` → ``occupata`` (a placement or an assignment) → back to
``disponibile`` only through the exit; ``in_ristrutturazione``, ``sfitta_non_assegnabile`` and
``dismessa`` from a free dwelling only — an occupied one cannot go into works without the exit
first. ``dismessa`` is final.
"""

from __future__ import annotations

from .inputs import Problems
from .matching import UNIT_KINDS

AVAILABLE = "disponibile"
OCCUPIED = "occupata"
UNDER_WORKS = "in_ristrutturazione"
VACANT_UNASSIGNABLE = "sfitta_non_assegnabile"
RETIRED = "dismessa"
STATES = (AVAILABLE, OCCUPIED, UNDER_WORKS, VACANT_UNASSIGNABLE, RETIRED)

TRANSITIONS: dict[str, frozenset[str]] = {
    AVAILABLE: frozenset({OCCUPIED, UNDER_WORKS, VACANT_UNASSIGNABLE, RETIRED}),
    OCCUPIED: frozenset({AVAILABLE}),  # the exit frees it
    UNDER_WORKS: frozenset({AVAILABLE, VACANT_UNASSIGNABLE, RETIRED}),
    VACANT_UNASSIGNABLE: frozenset({AVAILABLE, UNDER_WORKS, RETIRED}),
    RETIRED: frozenset(),
}

# where a household went when its stay ended
EXIT_DESTINATIONS = (
    "sap_assegnato",
    "affitto_canone_concordato",
    "affitto_mercato_libero",
    "rientro_in_famiglia",
    "altra_soluzione_temporanea",
    "uscita_senza_preavviso",
)

TRANSITION_NOT_ALLOWED = "dwelling_transition_not_allowed"  # field error code


def transition_problems(current: str, wanted: str) -> dict[str, list[dict]]:
    """The field error when ``current`` may not become ``wanted`` (empty when it may)."""
    problems = Problems()
    problems.one_of("state", wanted, STATES)
    if not problems.fields and wanted not in TRANSITIONS.get(current, frozenset()):
        problems.add(
            "state",
            {
                "code": TRANSITION_NOT_ALLOWED,
                "from": current,
                "to": wanted,
                "allowed": sorted(TRANSITIONS.get(current, frozenset())),
            },
        )
    return problems.fields


def dwelling_problems(data: dict, comuni_in_scope: tuple[str, ...]) -> dict[str, list[dict]]:
    """Field errors of a dwelling to register: unknown tenure, a comune outside the actor's
    scope, negative rooms or m², negative rents, an unknown state."""
    problems = Problems()
    for field in ("code", "tenure", "owner", "comune_istat", "bedrooms", "area_m2"):
        if data.get(field) in (None, ""):
            problems.add(field, {"code": "required"})
    problems.one_of("tenure", data.get("tenure"), UNIT_KINDS)
    problems.one_of("state", data.get("state"), STATES)
    comune = data.get("comune_istat")
    if comune and comune not in comuni_in_scope:
        problems.add("comune_istat", {"code": "dwelling_comune_out_of_scope"})
    problems.at_least("bedrooms", data.get("bedrooms"), 0)
    problems.at_least("area_m2", data.get("area_m2"), 1)
    problems.at_least("monthly_rent_cents", data.get("monthly_rent_cents"), 0)
    problems.at_least("monthly_charges_cents", data.get("monthly_charges_cents"), 0)
    return problems.fields
