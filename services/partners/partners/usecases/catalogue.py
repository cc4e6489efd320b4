"""Use cases on partners and subscriptions: list them, subscribe a partner to an event type,
issue a partner's delivery key."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import ConventionRow, Partner, Subscription
from ..domain import permissions, vocabulary
from ..domain.conventions import (
    Convention,
    Grant,
    agency_today,
    convention_in_force,
    latest_versions,
    subscription_refusal,
    why_not_in_force,
)
from ..errors import PartnerNotFound, SubscriptionInvalid


def conventions_of(session: Session, partner_codes) -> dict[str, list[Convention]]:
    """Every version of the conventions of ``partner_codes`` as the rules read them, oldest
    first."""
    rows = session.scalars(
        select(ConventionRow)
        .where(ConventionRow.partner_code.in_(list(partner_codes)))
        .order_by(ConventionRow.valid_from, ConventionRow.code, ConventionRow.version)
    )
    found: dict[str, list[Convention]] = {}
    for row in rows:
        found.setdefault(row.partner_code, []).append(convention_of(row))
    return found


def convention_of(row: ConventionRow) -> Convention:
    return Convention(
        partner_code=row.partner_code,
        grants={
            event_type: Grant(tuple(grant["fields"]), grant.get("purpose", ""))
            for event_type, grant in row.grants.items()
        },
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        reference=row.reference,
        code=row.code,
        version=row.version,
        kind=row.kind,
        title=row.title,
        services=tuple(row.services),
        comuni=tuple(row.comuni),
        status=row.status,
        status_reason=row.status_reason,
        response_days=row.response_days,
        channels=tuple(row.channels),
    )


def list_partners(db: Db, actor: Actor, day: date | None = None) -> list[dict]:
    """Every partner with its convention in force on ``day`` (today in Milan) or why it has none,
    every version of its conventions and its subscriptions."""
    permissions.ensure(actor.role, permissions.READ_PARTNERS)
    with db.session() as session:
        partners = session.scalars(select(Partner).order_by(Partner.code)).all()
        conventions = conventions_of(session, [p.code for p in partners])
        subscriptions: dict[str, list[dict]] = {}
        for row in session.scalars(select(Subscription).order_by(Subscription.id)):
            subscriptions.setdefault(row.partner_code, []).append(subscription_record(row))
        return [
            {
                **partner_summary(p, conventions.get(p.code, []), day),
                "conventions": [convention_record(c) for c in conventions.get(p.code, [])],
                "subscriptions": subscriptions.get(p.code, []),
            }
            for p in partners
        ]


def get_vocabulary(actor: Actor) -> dict:
    permissions.ensure(actor.role, permissions.READ_PARTNERS)
    return vocabulary.vocabulary()


def partner_summary(partner: Partner, conventions, day: date | None = None) -> dict:
    """The partner with the convention in force on ``day`` (``in_force``, None when there is
    none), and when there is none, why (``lapse``: ``Convention.lapse_detail``); ``current``
    is the one in force, else the latest version of its most recent convention (what it offers
    and covers once it is back in force)."""
    day = day or agency_today()
    in_force = convention_in_force(conventions, day)
    latest = latest_versions(conventions)
    current = in_force or (max(latest, key=lambda c: c.valid_from) if latest else None)
    return {
        "code": partner.code,
        "name": partner.name,
        "kind": partner.kind,
        "active": partner.active,
        "in_force": convention_record(in_force) if in_force else None,
        "current": convention_record(current) if current else None,
        "lapse": why_not_in_force(conventions, day),
    }


def subscribe(db: Db, actor: Actor, data: dict, declare_queue: Callable[[str], str]) -> dict:
    """Activate (or create) the subscription of ``data["partner_code"]`` to
    ``data["event_type"]`` if a convention in force allows it; idempotent. The partner's queue is
    declared first (``declare_queue``): once the subscription commits, every delivery has
    somewhere to go."""
    permissions.ensure(actor.role, permissions.MANAGE_SUBSCRIPTIONS)
    code, event_type = data["partner_code"], data["event_type"]
    with db.session() as session:
        partner = session.get(Partner, code)
        if partner is None:
            raise PartnerNotFound(partner_code=code)
        conventions = conventions_of(session, [code]).get(code, [])
        refusal = subscription_refusal(partner.active, conventions, event_type, agency_today())
    if refusal:
        raise SubscriptionInvalid({"event_type": [refusal]})
    queue = declare_queue(code)
    with db.transaction() as tx:
        found = tx.session.scalar(
            select(Subscription).where(
                Subscription.partner_code == code, Subscription.event_type == event_type
            )
        )
        if found is None:
            found = Subscription(
                partner_code=code,
                event_type=event_type,
                active=True,
                created_at=datetime.now(UTC),
                created_by=actor.sub,
            )
            tx.session.add(found)
        found.active = True
        partner = tx.session.get(Partner, code)
        if not partner.delivery_key:  # a partner added without one: its copies need one
            partner.delivery_key = new_delivery_key()
    return {**subscription_record(found), "queue": queue}


def new_delivery_key() -> str:
    return secrets.token_urlsafe(32)


def issue_delivery_key(db: Db, actor: Actor, partner_code: str) -> dict:
    """Replace the partner's delivery key with a new random one and return it, once: the
    coordinator hands it to the partner, which verifies every delivery with it. Copies queued
    before (signed at the time they were made) still carry the previous key's signature: a
    partner keeps its previous key until its queue holds nothing older than the new one."""
    permissions.ensure(actor.role, permissions.ISSUE_DELIVERY_KEY)
    with db.transaction() as tx:
        partner = tx.session.get(Partner, partner_code)
        if partner is None:
            raise PartnerNotFound(partner_code=partner_code)
        partner.delivery_key = new_delivery_key()
        partner.delivery_key_issued_at = datetime.now(UTC)
        return {
            "partner_code": partner.code,
            "delivery_key": partner.delivery_key,
            "issued_at": partner.delivery_key_issued_at,
            "algorithm": "HMAC-SHA256",
        }


def convention_record(c: Convention) -> dict:
    return {
        "code": c.code,
        "version": c.version,
        "kind": c.kind,
        "title": c.title,
        "services": list(c.services),
        "comuni": list(c.comuni),
        "grants": {
            event_type: {"fields": list(grant.fields), "purpose": grant.purpose}
            for event_type, grant in sorted(c.grants.items())
        },
        "allowed_event_types": list(c.allowed_event_types),
        "valid_from": c.valid_from,
        "valid_to": c.valid_to,
        "status": c.status,
        "status_reason": c.status_reason,
        "response_days": c.response_days,
        "channels": list(c.channels),
        "reference": c.reference,
    }


def subscription_record(row: Subscription) -> dict:
    return {
        "partner_code": row.partner_code,
        "event_type": row.event_type,
        "active": row.active,
        "created_at": row.created_at,
        "created_by": row.created_by,
    }
