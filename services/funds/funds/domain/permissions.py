"""Who may do what on funds files: the role table. Scope (which comuni) is checked separately,
by filtering every query on the actor's comuni; this is only about the role.

A funds file is opened by the service itself when intake announces a referral (the signed event
is the authority, no actor role is checked); people and systems only read it:

- operators and coordinators read the files of their comuni (the case page);
- a municipal client reads the files of its own comune (the referral overview of the API);
- the system reads and counts (health checks, demo and test scripts);
- coordinators also read who accessed a household's file (the audit trail, the Accessi page).
"""

from __future__ import annotations

from ..errors import FundsForbidden

AGENCY_OPERATOR = "agency_operator"
COMUNE_OPERATOR = "comune_operator"
COORDINATOR = "coordinator"
MUNICIPAL_CLIENT = "municipal_client"
PARTNER_CLIENT = "partner_client"  # nothing here: the partners service serves partners
SYSTEM = "system"

READ_FILE = "read_funds_file"  # get_funds_file
COUNT_FILES = "count_funds_files"  # count_files
READ_AUDIT = "read_funds_audit"  # list_audit

ALLOWED: dict[str, frozenset[str]] = {
    AGENCY_OPERATOR: frozenset({READ_FILE, COUNT_FILES}),
    COMUNE_OPERATOR: frozenset({READ_FILE, COUNT_FILES}),
    COORDINATOR: frozenset({READ_FILE, COUNT_FILES, READ_AUDIT}),
    MUNICIPAL_CLIENT: frozenset({READ_FILE, COUNT_FILES}),
    PARTNER_CLIENT: frozenset(),
    SYSTEM: frozenset({READ_FILE, COUNT_FILES}),
}


def may(role: str, action: str) -> bool:
    return action in ALLOWED.get(role, frozenset())


def ensure(role: str, action: str) -> None:
    if not may(role, action):
        raise FundsForbidden(role=role, action=action)
