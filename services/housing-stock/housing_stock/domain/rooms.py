"""How big a home a household needs: the agency's first-matching heuristic.

This is an agency heuristic for a first search among available units, not a legal standard
(SAP allocation rules use the regional size tables, applied later by the commission):

- 1-2 persons: at least 1 bedroom
- 3-4 persons: at least 2 bedrooms
- 5 or more:   at least 3 bedrooms
"""

from __future__ import annotations

BEDROOMS_BY_SIZE = ((2, 1), (4, 2))  # (up to this many persons, bedrooms)
BEDROOMS_FOR_LARGER = 3


def minimum_bedrooms(household_size: int | None) -> int | None:
    """Minimum bedrooms for ``household_size`` persons; None when the size is unknown."""
    if household_size is None or household_size < 1:
        return None
    for up_to, bedrooms in BEDROOMS_BY_SIZE:
        if household_size <= up_to:
            return bedrooms
    return BEDROOMS_FOR_LARGER
