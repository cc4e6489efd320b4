"""The events partners publishes: the filtered copy of an event for one partner.

A partner is outside the suite: its copy carries no actor token (nothing a partner could replay
as an actor) and is signed with that partner's own key (``Partner.delivery_key``), never with a
key of the suite. The signature is the chassis envelope's: HMAC-SHA256 (hex) of the envelope
without ``signature``, as JSON with sorted keys, ``(",", ":")`` separators, UTF-8 (README, "For
a partner").
"""

from __future__ import annotations

import hashlib
import hmac
import os

from abitare_chassis.config import secret_key
from abitare_chassis.envelope import new_envelope, sign_envelope


def partner_copy(event, data: dict, tenant: str, partner_key: str) -> dict:
    """A new CloudEvent carrying ``data`` (already filtered), caused by ``event``, without an
    actor, signed with ``partner_key`` (required: never the suite's key in its place)."""
    if not partner_key:
        raise ValueError("a partner copy needs the partner's delivery key")
    envelope = new_envelope(
        service="partners",
        event="referral_received",
        data=data,
        subject=event.subject or data.get("referral_id"),
        tenant=tenant,
        actor_token=None,
        correlationid=event.correlationid,
        causationid=event.id,
    )
    del envelope["actor"]
    envelope["type"] = event.type
    return sign_envelope(envelope, key=partner_key)


# Published to partners.events (internal): intake applies it to the project action.
ACTION_OUTCOME_RECORDED = "action_outcome_recorded"
# Published to one partner (partners.outbound), filtered by its convention's grant.
PARTNER_REFERRAL_CREATED = "partners.partner_referral_created.v1"
PARTNER_REFERRAL_WITHDRAWN = "partners.partner_referral_withdrawn.v1"
CASE_OPENED = "intake.case_opened.v1"
CASE_CLOSED = "intake.case_closed.v1"


def partner_ref_secret() -> str:
    """The per-deployment secret of the pseudonymous household references
    (``domain.referrals.household_ref``): ``PARTNERS_HOUSEHOLD_REF_SECRET``, else derived from
    the deployment's signing key (so it differs per deployment and no partner holds it)."""
    explicit = os.environ.get("PARTNERS_HOUSEHOLD_REF_SECRET", "").strip()
    if explicit:
        return explicit
    return hmac.new(secret_key().encode(), b"partners-household-ref", hashlib.sha256).hexdigest()


WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint_disabled"  # partners.webhook_endpoint_disabled.v1


def webhook_endpoint_disabled(endpoint: dict) -> dict:
    """Data of ``partners.webhook_endpoint_disabled.v1`` (no secret, no personal data)."""
    keys = ("partner_code", "url", "disabled_reason", "consecutive_failures", "disabled_at")
    partner_code, url, reason, failures, at = (endpoint[k] for k in keys)
    return {
        "endpoint_id": endpoint["id"],
        "partner_code": partner_code,
        "url": url,
        "reason": reason,
        "consecutive_failures": failures,
        "disabled_at": at.isoformat(),
    }
