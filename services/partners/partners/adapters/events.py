"""The events partners publishes: the filtered copy of an event for one partner.

A partner is outside the suite: its copy carries no actor token (nothing a partner could replay
as an actor) and is signed with that partner's own key (``Partner.delivery_key``), never with a
key of the suite. The signature is the chassis envelope's: HMAC-SHA256 (hex) of the envelope
without ``signature``, as JSON with sorted keys, ``(",", ":")`` separators, UTF-8 (README, "For
a partner").
"""

from __future__ import annotations

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
