"""What the gateway asks the partners service about the partner network, in one place: the REST
API (``/api/v1/partners``) and the Partner pages share these calls.

Every function is one RPC call with the request's actor; arguments are JSON-ready (dates as ISO
strings). The partners service decides everything: who may edit (coordinators), the checks of a
new convention version, the version conflict, the audit. Partners and conventions are no
personal data: no purpose is passed.
"""

from __future__ import annotations

from abitare_chassis.actor import Actor

from .backend import rpc


def _partners(method: str, actor: Actor, *args):
    return rpc().call("partners", method, actor, *args)


def list_partners(actor: Actor) -> list[dict]:
    return _partners("list_partners", actor)


def get_partner(actor: Actor, partner_code: str) -> dict:
    return _partners("get_partner", actor, partner_code)


def edit_convention(
    actor: Actor, partner_code: str, convention_code: str, expected_version: int, changes: dict
) -> dict:
    return _partners(
        "edit_convention", actor, partner_code, convention_code, expected_version, changes
    )


def set_convention_status(
    actor: Actor,
    partner_code: str,
    convention_code: str,
    expected_version: int,
    status: str,
    reason: str,
) -> dict:
    """Suspend (``sospesa``) or resume (``attiva``) a convention, with the reason."""
    return _partners(
        "set_convention_status",
        actor,
        partner_code,
        convention_code,
        expected_version,
        status,
        reason,
    )


def get_vocabulary(actor: Actor) -> dict:
    """The words of partner, convention, service, event and field codes (and which fields each
    event type may grant)."""
    return _partners("get_vocabulary", actor)
