"""Who a case can be assigned to, from the gateway's identity store (the one source of every
operator's role and comuni: the same that signs their actor context).

Intake checks the assignment against the assignee's role and comuni, which the gateway passes
with the call (``{operator_sub, role, comuni}``) rather than intake keeping a copy of the
operators that would have to follow every change of role, scope or deactivation. The list shown
to a coordinator holds only the active operators who could take the case: an agency operator or
coordinator whose comuni include the case's comune."""

from __future__ import annotations

from abitare_chassis.actor import AGENCY_OPERATOR, COORDINATOR

from .auth import identity, operator_actor

ASSIGNABLE_ROLES = (AGENCY_OPERATOR, COORDINATOR)  # as intake's permissions.ASSIGNABLE_ROLES


def assignable(comune_istat: str | None) -> list:
    return _assignable_in((comune_istat,))


def _assignable_in(comuni) -> list:
    return [
        o
        for o in identity().list_operators()
        if o.active and o.role in ASSIGNABLE_ROLES and set(o.comuni) & set(comuni)
    ]


def options(comune_istat: str | None) -> list[tuple[str, str]]:
    return in_scope_options((comune_istat,))


def in_scope_options(comuni) -> list[tuple[str, str]]:
    """Operators who may hold cases of any of ``comuni`` (a select's choices)."""
    return [
        (operator_actor(o).sub, f"{o.display_name} ({o.username})") for o in _assignable_in(comuni)
    ]


def assignee(operator_sub: str) -> dict:
    """What intake needs to check the assignment; an operator the store does not know (or no
    longer active) comes with no role and no comuni, and intake refuses it."""
    for operator in identity().list_operators():
        if operator.active and operator_actor(operator).sub == operator_sub:
            return {
                "operator_sub": operator_sub,
                "role": operator.role,
                "comuni": list(operator.comuni),
            }
    return {"operator_sub": operator_sub, "role": "none", "comuni": []}
