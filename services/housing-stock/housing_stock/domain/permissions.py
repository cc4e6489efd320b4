"""Who may do what on housing needs: the role table. Scope (which comuni) is checked separately,
by filtering every query on the actor's comuni; this is only about the role.

A housing need is recorded by the service itself when intake announces a referral (the signed
event is the authority, no actor role is checked); people and systems only read it:

- operators and coordinators read the needs of their comuni (the case page);
- a municipal client reads the needs of its own comune (the referral overview of the API);
- the system reads and counts (health checks, demo and test scripts);
- coordinators also read who accessed a household's need (the audit trail, the Accessi page);
- the stock (dwellings, their state) is read by every role but partners; a comune's operators
  and its API client see their comune's dwellings but no placement (no household); agency
  operators and coordinators register dwellings, change their state and place households.
"""

from __future__ import annotations

from ..errors import HousingForbidden

AGENCY_OPERATOR = "agency_operator"
COMUNE_OPERATOR = "comune_operator"
COORDINATOR = "coordinator"
MUNICIPAL_CLIENT = "municipal_client"
PARTNER_CLIENT = "partner_client"  # nothing here: the partners service serves partners
SYSTEM = "system"

READ_NEED = "read_housing_need"  # get_housing_need
COUNT_NEEDS = "count_housing_needs"  # count_needs
READ_AUDIT = "read_housing_audit"  # list_audit
READ_DWELLINGS = "read_dwellings"  # list_dwellings, get_dwelling: the stock, no household
MANAGE_DWELLINGS = "manage_dwellings"  # register_dwelling, change_state
PLACE = "place_households"  # propose_dwellings, place, end_placement, placements on a dwelling

STOCK = frozenset({READ_DWELLINGS, MANAGE_DWELLINGS, PLACE})

ALLOWED: dict[str, frozenset[str]] = {
    AGENCY_OPERATOR: frozenset({READ_NEED, COUNT_NEEDS}) | STOCK,
    COMUNE_OPERATOR: frozenset({READ_NEED, COUNT_NEEDS, READ_DWELLINGS}),
    COORDINATOR: frozenset({READ_NEED, COUNT_NEEDS, READ_AUDIT}) | STOCK,
    MUNICIPAL_CLIENT: frozenset({READ_NEED, COUNT_NEEDS, READ_DWELLINGS}),
    PARTNER_CLIENT: frozenset(),
    SYSTEM: frozenset({READ_NEED, COUNT_NEEDS}) | STOCK,
}


def may(role: str, action: str) -> bool:
    return action in ALLOWED.get(role, frozenset())


def ensure(role: str, action: str) -> None:
    if not may(role, action):
        raise HousingForbidden(role=role, action=action)
