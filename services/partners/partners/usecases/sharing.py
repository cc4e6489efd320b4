"""Use cases on deliveries: share an event with the subscribed partners, list what was shared.

For every active subscription to the event's type whose partner has a convention in force that
allows it, a new CloudEvent is written to the outbox in the handler's transaction: same type as
the original, source ``/abitare/partners``, data filtered to the convention's fields, no actor,
signed with the partner's own key (``adapters.events``).
The relay publishes it to ``partners.outbound`` with the partner's routing key.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.outbox import forget_published

from ..adapters import events
from ..adapters.models import Delivery, Partner, PartnerReferral, Subscription
from ..adapters.queues import OUTBOUND_EXCHANGE, routing_key
from ..domain import permissions
from ..domain.conventions import Convention, agency_today, convention_in_force, field_label
from ..domain.filtering import delivered_paths, filter_fields
from . import webhooks
from .catalogue import conventions_of


def recipients(session: Session, event_type: str, day) -> list[tuple[str, Convention, str]]:
    """(partner code, the convention version in force, delivery key) of every partner that gets
    ``event_type`` on ``day``: an expired, not yet valid or suspended convention gives nothing."""
    keys = dict(
        session.execute(
            select(Subscription.partner_code, Partner.delivery_key)
            .join(Partner, Partner.code == Subscription.partner_code)
            .where(
                Subscription.event_type == event_type,
                Subscription.active.is_(True),
                Partner.active.is_(True),
            )
            .order_by(Subscription.partner_code)
        ).all()
    )
    conventions = conventions_of(session, keys)
    found = []
    for code, key in keys.items():
        in_force = convention_in_force(conventions.get(code, []), day)
        if in_force is not None and in_force.allows(event_type):
            found.append((code, in_force, key))
    return found


def share_event(db: Db, event, keys: dict, day: date | None = None) -> list[dict]:
    """Queue the filtered copies of ``event`` for its recipients on ``day`` (today in Milan), in
    one transaction caused by ``event``; returns the envelopes (a redelivered event raises the
    chassis ``AlreadyHandled`` before anything is written)."""
    tenant = keys["comune_istat"]
    sent = []
    with db.transaction(causation=event) as tx:
        for code, convention, key in recipients(tx.session, event.type, day or agency_today()):
            already = tx.session.scalar(
                select(Delivery.id).where(
                    Delivery.source_event_id == event.id, Delivery.partner_code == code
                )
            )
            if already is not None:
                continue
            data = filter_fields(event.data, convention.fields_for(event.type))
            now = datetime.now(UTC)
            sent.append(
                _deliver(tx, event, code, key, data, keys["referral_id"], tenant, now, convention)
            )
    return sent


def _deliver(
    tx, event, code, key, data, referral_id, tenant, now, convention=None, pseudonymised_at=None
) -> dict:
    """Queue ``data`` for partner ``code`` (signed with its ``key``) on its queue and to each of
    its webhook endpoints, and record the delivery with the ``convention`` version that allowed
    it: all in ``tx``."""
    envelope = events.partner_copy(event, data, tenant, key)
    tx.emit(
        event.type, exchange=OUTBOUND_EXCHANGE, routing_key=routing_key(code), envelope=envelope
    )
    webhooks.enqueue(tx.session, code, envelope, referral_id, now)
    tx.session.add(
        Delivery(
            event_id=envelope["id"],
            source_event_id=event.id,
            partner_code=code,
            event_type=event.type,
            referral_id=referral_id,
            subject=envelope["subject"],
            comune_istat=tenant,
            fields=delivered_paths(data),
            convention_code=convention.code if convention else None,
            convention_version=convention.version if convention else None,
            queued_at=now,
            pseudonymised_at=pseudonymised_at,
        )
    )
    return envelope


def pseudonymise_deliveries(db: Db, keys: dict, event) -> list[dict]:
    """``intake.case_pseudonymised.v1``: forget the copies published to partners about the
    household (their outbox rows: the data each partner got), mark its deliveries (ids and field
    names, no data: they stay as the record of what was shared), and tell each partner that got
    its data (GDPR art. 19: every recipient hears of the erasure), whatever it subscribed to: a
    notice of ids only, signed with that partner's key. One transaction caused by ``event``;
    returns the notices queued."""
    notices = []
    with db.transaction(causation=event) as tx:
        forget_published(tx.session, db.outbox, keys["referral_id"])
        tx.session.execute(  # what each partner got of its referrals, and the notes
            update(PartnerReferral)
            .where(
                PartnerReferral.referral_id == keys["referral_id"],
                PartnerReferral.comune_istat == keys["comune_istat"],
            )
            .values(shared={}, note=None)
        )
        webhooks.forget(tx.session, keys["referral_id"])
        in_scope = (
            Delivery.referral_id == keys["referral_id"],
            Delivery.comune_istat == keys["comune_istat"],
        )
        recipients = tx.session.execute(
            select(Partner.code, Partner.delivery_key)
            .join(Delivery, Delivery.partner_code == Partner.code)
            .where(*in_scope, Delivery.pseudonymised_at.is_(None), Partner.active.is_(True))
            .distinct()
            .order_by(Partner.code)
        ).all()
        now = datetime.now(UTC)
        tx.session.execute(
            update(Delivery)
            .where(*in_scope, Delivery.pseudonymised_at.is_(None))
            .values(pseudonymised_at=now)
        )
        data = {k: event.data.get(k) for k in ("referral_id", "comune_istat", "pseudonymised_at")}
        for code, key in recipients:
            if not key:
                continue  # no key, no delivery (adapters.events): nothing was sent either
            notices.append(
                _deliver(
                    tx,
                    event,
                    code,
                    key,
                    data,
                    keys["referral_id"],
                    keys["comune_istat"],
                    now,
                    pseudonymised_at=now,
                )
            )
    return notices


def get_deliveries(
    db: Db, actor: Actor, referral_id: str, purpose: str | None = None
) -> list[dict]:
    """What was shared about a household, and with whom: its read is audited in the same
    transaction (when there is something to read: an empty list discloses nothing)."""
    permissions.ensure(actor.role, permissions.READ_DELIVERIES)
    with db.transaction() as tx:
        rows = tx.session.execute(
            select(Delivery, Partner.name)
            .join(Partner, Partner.code == Delivery.partner_code)
            .where(Delivery.referral_id == referral_id, Delivery.comune_istat.in_(actor.comuni))
            .order_by(Delivery.queued_at, Delivery.partner_code)
        ).all()
        if rows:
            audit.record(
                tx.session,
                actor,
                "get_deliveries",
                referral_id,
                comune_istat=rows[0][0].comune_istat,
                purpose=purpose,
                data_set="partner_deliveries",
            )
    return [
        {
            "partner_code": d.partner_code,
            "partner_name": name,
            "event_type": d.event_type,
            "event_id": d.event_id,
            "fields": d.fields,
            "convention_code": d.convention_code,
            "convention_version": d.convention_version,
            "field_labels": [field_label(path) for path in d.fields],
            "queued_at": d.queued_at,
            "pseudonymised_at": d.pseudonymised_at,
        }
        for d, name in rows
    ]


def list_audit(db: Db, actor: Actor, referral_id: str) -> list[dict]:
    """Who read the deliveries of ``referral_id``, oldest first (coordinators). Scoped like the
    deliveries: the rows of the actor's comuni only."""
    permissions.ensure(actor.role, permissions.READ_AUDIT)
    with db.session() as session:
        return audit.trail(session, actor, referral_id)


def count_deliveries(db: Db, actor: Actor) -> int:
    permissions.ensure(actor.role, permissions.COUNT_DELIVERIES)
    with db.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.comune_istat.in_(actor.comuni))
        )
