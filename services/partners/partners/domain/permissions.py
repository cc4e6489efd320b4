"""Who may do what in partners: the role table. Scope (which comuni) is checked separately, by
filtering every delivery query on the actor's comuni; this is only about the role.

- operators read the partners with their conventions and subscriptions, and the deliveries of
  their comuni (the case page);
- coordinators also subscribe partners to event types, within the partner's convention, and
  edit, suspend and resume conventions (each change a new version, audited);
- a municipal client reads the deliveries of its own comune (the referral overview of the API),
  nothing about the partners themselves;
- the system does what coordinators do (demo loading, health checks);
- operators also record and withdraw a household's consents and send its referrals to partners;
- a partner's API client reads only the referrals sent to that partner and answers them;
- a partner client (a partner's own system, ``sub`` = ``partner:<CODE>``) reports the status of
  the loans it granted to households sent to it and reads their history: only its own, by the
  partner in its ``sub`` (:func:`partner_of`), never by comune;
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
PARTNER_CLIENT = "partner_client"
SYSTEM = "system"

READ_PARTNERS = "read_partners"  # list_partners, get_partner, get_vocabulary
EDIT_CONVENTIONS = "edit_conventions"  # edit_convention, set_convention_status
MANAGE_SUBSCRIPTIONS = "manage_subscriptions"  # subscribe
READ_DELIVERIES = "read_deliveries"  # get_deliveries
COUNT_DELIVERIES = "count_deliveries"  # count_deliveries
READ_AUDIT = "read_partners_audit"  # list_audit
ISSUE_DELIVERY_KEY = "issue_delivery_key"  # issue_delivery_key: coordinators only
MANAGE_CONSENTS = "manage_consents"  # record_consent, withdraw_consent, list_consents
SEND_REFERRALS = "send_partner_referrals"  # create / withdraw / list a case's partner referrals
ANSWER_REFERRALS = "answer_partner_referrals"  # a partner: its own referrals, accept, outcome
REPORT_LENDER_STATUS = "report_lender_status"  # report_lender_status: partner clients only
READ_LOANS = "read_loans"  # get_loan: partner clients (their own loans)
PARTNER_PREFIX = "partner:"
MANAGE_WEBHOOKS = "manage_webhooks"  # webhook endpoints, secrets, log, replay: coordinators only

_MUNICIPAL_CLIENT = {READ_DELIVERIES, COUNT_DELIVERIES}
_OPERATOR = _MUNICIPAL_CLIENT | {READ_PARTNERS, MANAGE_CONSENTS, SEND_REFERRALS}
_COORDINATOR = _OPERATOR | {MANAGE_SUBSCRIPTIONS, EDIT_CONVENTIONS}

ALLOWED: dict[str, frozenset[str]] = {
    AGENCY_OPERATOR: frozenset(_OPERATOR),
    COMUNE_OPERATOR: frozenset(_OPERATOR),
    COORDINATOR: frozenset(_COORDINATOR | {READ_AUDIT, ISSUE_DELIVERY_KEY, MANAGE_WEBHOOKS}),
    MUNICIPAL_CLIENT: frozenset(_MUNICIPAL_CLIENT),
    SYSTEM: frozenset(_COORDINATOR),
    PARTNER_CLIENT: frozenset({REPORT_LENDER_STATUS, READ_LOANS, ANSWER_REFERRALS}),
}


def may(role: str, action: str) -> bool:
    return action in ALLOWED.get(role, frozenset())


def ensure(role: str, action: str) -> None:
    if not may(role, action):
        raise PartnerForbidden(role=role, action=action)


def partner_of(actor) -> str | None:
    """The partner a partner client acts for (``partner:FWA`` -> ``FWA``); ``None`` for every
    other actor, whatever its ``sub`` says. ``actor`` is the chassis ``Actor`` (not imported:
    the rules depend on nothing but rules and errors)."""
    if actor.role != PARTNER_CLIENT or not actor.sub.startswith(PARTNER_PREFIX):
        return None
    return actor.sub[len(PARTNER_PREFIX) :] or None
