"""The events partners publishes: the filtered copy of an event for one partner, a new signed
CloudEvent with the original's type, source ``/abitare/partners`` and the partners actor."""

from __future__ import annotations

from abitare_chassis.actor import Actor, sign_actor
from abitare_chassis.envelope import new_envelope, sign_envelope

PARTNERS_ACTOR = "service:partners"


def partner_copy(event, data: dict, tenant: str) -> dict:
    """A new signed CloudEvent carrying ``data`` (already filtered), caused by ``event``."""
    actor = Actor(sub=PARTNERS_ACTOR, role="system", comuni=(tenant,), name="partners")
    envelope = new_envelope(
        service="partners",
        event="referral_received",
        data=data,
        subject=event.subject or data.get("referral_id"),
        tenant=tenant,
        actor_token=sign_actor(actor),
        correlationid=event.correlationid,
        causationid=event.id,
    )
    envelope["type"] = event.type
    return sign_envelope(envelope)
