"""What each role may do on the case path, as intake decides it: intake's role table
(``intake/domain/permissions.py``), published with its vocabulary in ``contracts/vocabulary.json``
(``role_actions``). The pages offer a link, a form or a button only to a role that may use it;
intake still checks every call. Managing accounts is the gateway's own rule (:mod:`accounts`)."""

from __future__ import annotations

from .labels import INTAKE_VOCABULARY

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    role: frozenset(actions) for role, actions in INTAKE_VOCABULARY["role_actions"].items()
}
ACTIONS = frozenset().union(*ROLE_ACTIONS.values())

ASSIGN = "assign"  # the one action a Python view asks about; templates name theirs


def may(role: str, action: str) -> bool:
    if action not in ACTIONS:  # a misspelt action would hide a page from everyone
        raise LookupError(f"intake's role table has no action {action!r}")
    return action in ROLE_ACTIONS.get(role, frozenset())
