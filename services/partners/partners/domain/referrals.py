"""Referrals of a household to a partner, for one of its services: when one may be sent, the
pseudonymous household reference the partner sees, and the states a referral goes through.

States (``STATES``): ``inviato`` (sent, waiting for the partner) → ``accettato`` or
``rifiutato`` (the partner declined, with a reason); ``accettato`` → ``in_corso`` (an outcome
that keeps the path going) → ``concluso`` (an outcome that ends it: ``offers.Outcome``);
the agency may withdraw (``ritirato``) any referral not yet ended. ``non_inviato`` records a
project action that could not be sent (the reason's code says why): nothing left the agency.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

from . import offers
from .conventions import Convention, convention_in_force, latest_versions

SENT = "inviato"
ACCEPTED = "accettato"
DECLINED = "rifiutato"
IN_PROGRESS = "in_corso"
CONCLUDED = "concluso"
WITHDRAWN = "ritirato"
NOT_SENT = "non_inviato"
STATES = {
    SENT: "Inviato, in attesa di risposta",
    ACCEPTED: "Accettato dal partner",
    DECLINED: "Rifiutato dal partner",
    IN_PROGRESS: "In corso",
    CONCLUDED: "Concluso",
    WITHDRAWN: "Ritirato dall'agenzia",
    NOT_SENT: "Non inviato",
}
OPEN = (SENT, ACCEPTED, IN_PROGRESS)

# What a partner may post (``POST /api/v1/partner/referrals/{id}/status``).
ACCEPT = "accept"
DECLINE = "decline"
OUTCOME = "outcome"
UPDATES = (ACCEPT, DECLINE, OUTCOME)

# Why a referral cannot be sent / updated (codes of ReferralRefused / ReferralUpdateInvalid).
PARTNER_UNKNOWN = "partner_unknown"
NO_CONVENTION = "no_convention_in_force"
SERVICE_NOT_OFFERED = "service_not_offered"
COMUNE_NOT_COVERED = "comune_not_covered"
TRANSITION_NOT_ALLOWED = "transition_not_allowed"
OUTCOME_NOT_VALID = "outcome_not_valid_for_service"
REASON_REQUIRED = "reason_required"


def household_ref(secret: str, partner_code: str, case_id: str) -> str:
    """The household as one partner knows it: HMAC-SHA256 of the case id keyed with the
    deployment's secret and the partner code. Two partners get different references for the same
    household (they cannot link their records), and without the secret no partner can go back
    to the case id."""
    key = f"{secret}:{partner_code}".encode()
    return "hh_" + hmac.new(key, case_id.encode(), hashlib.sha256).hexdigest()[:32]


def referral_refusal(
    partner_active: bool | None, conventions, service: str, comune_istat: str, day: date
) -> tuple[dict | None, Convention | None]:
    """(why a referral to this partner for ``service`` in ``comune_istat`` cannot be sent on
    ``day`` — ``{"code", ...details}`` —, or None; the convention in force when there is one).
    ``partner_active`` None = no such partner."""
    if not partner_active:
        return {"code": PARTNER_UNKNOWN}, None
    latest = sorted(latest_versions(conventions), key=lambda c: c.valid_from)
    convention = convention_in_force(conventions, day)
    if convention is None:
        lapse = latest[-1].lapse(day) if latest else None
        why = {"code": lapse or NO_CONVENTION, "on": day.isoformat()}
        if latest and latest[-1].status_reason:
            why["reason"] = latest[-1].status_reason
        return why, None
    if not convention.offers(service):
        return {"code": SERVICE_NOT_OFFERED, "allowed": list(convention.services)}, convention
    if not convention.covers(comune_istat):
        return {"code": COMUNE_NOT_COVERED, "comuni": list(convention.comuni)}, convention
    return None, convention


def respond_by(sent_on: date, response_days: int) -> date:
    return sent_on + timedelta(days=response_days)


def next_state(state: str, update: str, service: str, outcome: str | None, reason: str | None):
    """(the state after the partner's ``update``, the ``offers.Outcome`` when one was posted), or
    a ``{"code", ...}`` refusal as the first item and None."""
    if update == ACCEPT:
        return (ACCEPTED, None) if state == SENT else (_not_allowed(state, update), None)
    if update == DECLINE:
        if state != SENT:
            return _not_allowed(state, update), None
        if not (reason or "").strip():
            return {"code": REASON_REQUIRED}, None
        return DECLINED, None
    if state not in (ACCEPTED, IN_PROGRESS):
        return _not_allowed(state, update), None
    offer = offers.offer(service)
    found = offer.outcome(outcome or "") if offer else None
    if found is None:
        allowed = [o.code for o in offer.outcomes] if offer else []
        return {"code": OUTCOME_NOT_VALID, "service": service, "allowed": allowed}, None
    return (IN_PROGRESS if found.action_status == offers.IN_PROGRESS else CONCLUDED), found


def action_status(update: str, outcome) -> str:
    """The project action's status (``partners.action_outcome_recorded.v1``) after an update."""
    if update == ACCEPT:
        return offers.IN_PROGRESS
    if update == DECLINE:
        return offers.CANCELLED
    return outcome.action_status


def _not_allowed(state: str, update: str) -> dict:
    return {"code": TRANSITION_NOT_ALLOWED, "state": state, "update": update}


def overdue(state: str, due: date, day: date) -> bool:
    """A referral with no answer after its ``respond_by`` day."""
    return state == SENT and day > due
