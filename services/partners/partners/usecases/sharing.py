"""Use cases on deliveries: share an event with the subscribed partners, list what was shared.

For every active subscription to the event's type whose partner has a convention in force that
allows it, a new CloudEvent is written to the outbox in the handler's transaction: same type as
the original, source ``/abitare/partners``, data filtered to the convention's fields, signed.
The relay publishes it to ``partners.outbound`` with the partner's routing key.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, insert, select

from abitare_chassis.actor import Actor, sign_actor
from abitare_chassis.envelope import new_envelope, sign_envelope

from .catalogue import conventions_of, iso
from .domain.conventions import agency_today, convention_in_force
from .domain.filtering import delivered_paths, filter_fields
from .models import delivery, partner, subscription
from .queues import OUTBOUND_EXCHANGE, routing_key

PARTNERS_ACTOR = "service:partners"


def recipients(session, event_type: str, day) -> list[tuple[str, tuple[str, ...]]]:
    """(partner code, allowed fields) of every partner that gets ``event_type`` on ``day``."""
    codes = session.execute(
        select(subscription.c.partner_code)
        .join(partner, partner.c.code == subscription.c.partner_code)
        .where(subscription.c.event_type == event_type, subscription.c.active.is_(True),
               partner.c.active.is_(True))
        .order_by(subscription.c.partner_code)).scalars().all()
    conventions = conventions_of(session, codes)
    found = []
    for code in codes:
        in_force = convention_in_force(conventions.get(code, []), day)
        if in_force is not None and in_force.allows(event_type):
            found.append((code, in_force.allowed_fields))
    return found


def share_event(tx, event, keys: dict) -> list[dict]:
    """Queue the filtered copies of ``event`` for its recipients; returns the envelopes."""
    tenant = keys["comune_istat"]
    sent = []
    for code, allowed_fields in recipients(tx.session, event.type, agency_today()):
        already = tx.session.execute(select(delivery.c.id).where(
            delivery.c.source_event_id == event.id, delivery.c.partner_code == code)).first()
        if already:
            continue
        data = filter_fields(event.data, allowed_fields)
        envelope = partner_envelope(event, data, tenant)
        tx.emit(event.type, data, actor=None, exchange=OUTBOUND_EXCHANGE,
                routing_key=routing_key(code), envelope=envelope)
        tx.session.execute(insert(delivery).values(
            event_id=envelope["id"], source_event_id=event.id, partner_code=code,
            event_type=event.type, referral_id=keys["referral_id"], subject=envelope["subject"],
            comune_istat=tenant, fields=delivered_paths(data),
            queued_at=datetime.now(timezone.utc)))
        sent.append(envelope)
    return sent


def partner_envelope(event, data: dict, tenant: str) -> dict:
    """A new signed CloudEvent carrying ``data``, with the original event's type."""
    actor = Actor(sub=PARTNERS_ACTOR, role="system", comuni=(tenant,), name="partners")
    envelope = new_envelope(service="partners", event="referral_received", data=data,
                            subject=event.subject or data.get("referral_id"), tenant=tenant,
                            actor_token=sign_actor(actor), correlationid=event.correlationid,
                            causationid=event.id)
    envelope["type"] = event.type
    return sign_envelope(envelope)


def get_deliveries(session, actor, referral_id) -> list[dict]:
    if not isinstance(referral_id, str):
        return []
    rows = session.execute(
        select(delivery, partner.c.name.label("partner_name"))
        .join(partner, partner.c.code == delivery.c.partner_code)
        .where(delivery.c.referral_id == referral_id, delivery.c.comune_istat.in_(actor.comuni))
        .order_by(delivery.c.queued_at, delivery.c.partner_code)).mappings()
    return [{"partner_code": r["partner_code"], "partner_name": r["partner_name"],
             "event_type": r["event_type"], "event_id": r["event_id"], "fields": r["fields"],
             "queued_at": iso(r["queued_at"])} for r in rows]


def count_deliveries(session, actor) -> int:
    return session.execute(select(func.count()).select_from(delivery).where(
        delivery.c.comune_istat.in_(actor.comuni))).scalar_one()
