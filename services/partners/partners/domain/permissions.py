"""Who may do what in partners: the role table. Scope (which comuni) is checked separately, by
filtering every delivery query on the actor's comuni; this is only about the role.

- operators read the partners with their conventions and subscriptions, and the deliveries of
  their comuni (the case page);
- coordinators also subscribe partners to event types, within the partner's convention;
- a municipal client reads the deliveries of its own comune (the referral overview of the API),
  nothing about the partners themselves;
- the system does what coordinators do (demo loading, health checks);
- coordinators also read who accessed a household's deliveries (the audit trail, the Accessi
  page), issue a partner's delivery key and manage its webhook endpoints (secrets: not the
  system's business).

Deliveries themselves are made by the service when an event arrives (the signed event is the
authority, no actor role is checked).
"""

from __future__ import annotations

from ..errors import PartnerForbidden

AGENCY_OPERATOR = "agency_operator"
COMUNE_OPERATOR = "comune_operator"
COORDINATOR = "coordinator"
MUNICIPAL_CLIENT = "municipal_client"
SYSTEM = "system"

READ_PARTNERS = "read_partners"  # list_partners
MANAGE_SUBSCRIPTIONS = "manage_subscriptions"  # subscribe
READ_DELIVERIES = "read_deliveries"  # get_deliveries
COUNT_DELIVERIES = "count_deliveries"  # count_deliveries
READ_AUDIT = "read_partners_audit"  # list_audit
ISSUE_DELIVERY_KEY = "issue_delivery_key"  # issue_delivery_key: coordinators only
MANAGE_WEBHOOKS = "manage_webhooks"  # webhook endpoints, secrets, log, replay: coordinators only

_MUNICIPAL_CLIENT = {READ_DELIVERIES, COUNT_DELIVERIES}
_OPERATOR = _MUNICIPAL_CLIENT | {READ_PARTNERS}
_COORDINATOR = _OPERATOR | {MANAGE_SUBSCRIPTIONS}

ALLOWED: dict[str, frozenset[str]] = {
    AGENCY_OPERATOR: frozenset(_OPERATOR),
    COMUNE_OPERATOR: frozenset(_OPERATOR),
    COORDINATOR: frozenset(_COORDINATOR | {READ_AUDIT, ISSUE_DELIVERY_KEY, MANAGE_WEBHOOKS}),
    MUNICIPAL_CLIENT: frozenset(_MUNICIPAL_CLIENT),
    SYSTEM: frozenset(_COORDINATOR),
}


def may(role: str, action: str) -> bool:
    return action in ALLOWED.get(role, frozenset())


def ensure(role: str, action: str) -> None:
    if not may(role, action):
        raise PartnerForbidden(role=role, action=action)
