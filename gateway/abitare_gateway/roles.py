"""What each role may do on the case path, as intake decides it: intake's role table
(``intake/domain/permissions.py``), published with its vocabulary in ``contracts/vocabulary.json``
(``role_actions``). The pages offer a link, a form or a button only to a role that may use it;
intake still checks every call. Managing accounts is the gateway's own rule (:mod:`accounts`).

The Partner pages ask the same of the partners service's role table
(``partners/domain/permissions.py``), of which :data:`PARTNER_ROLE_ACTIONS` is the part the
pages use (``tests/contract/test_partner_roles.py`` keeps the two equal); the partners service
still checks every call."""

from __future__ import annotations

from .labels import INTAKE_VOCABULARY

READ_PARTNERS = "read_partners"
EDIT_CONVENTIONS = "edit_conventions"
PARTNER_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "agency_operator": frozenset({READ_PARTNERS}),
    "comune_operator": frozenset({READ_PARTNERS}),
    "coordinator": frozenset({READ_PARTNERS, EDIT_CONVENTIONS}),
}
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    role: frozenset(actions) | PARTNER_ROLE_ACTIONS.get(role, frozenset())
    for role, actions in INTAKE_VOCABULARY["role_actions"].items()
}
ACTIONS = frozenset().union(*ROLE_ACTIONS.values())

ASSIGN = "assign"  # the one action a Python view asks about; templates name theirs


def may(role: str, action: str) -> bool:
    if action not in ACTIONS:  # a misspelt action would hide a page from everyone
        raise LookupError(f"the role tables have no action {action!r}")
    return action in ROLE_ACTIONS.get(role, frozenset())


# -- ledger: the funds service's budget ledger (``funds/domain/permissions.py``: READ_LEDGER,
# coordinators); the Fondi page is offered to the roles that may read it, funds checks each call
READ_LEDGER = "read_ledger"
MANAGE_RENT_FUND = "manage_rent_fund"  # Fondo Affitto windows: open, close, rank, approve, pay
FUNDS_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "coordinator": frozenset({READ_LEDGER, MANAGE_RENT_FUND})
}
for _role, _actions in FUNDS_ROLE_ACTIONS.items():
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | _actions
ACTIONS = ACTIONS | frozenset({READ_LEDGER, MANAGE_RENT_FUND})
