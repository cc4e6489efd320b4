"""Use cases on partners and subscriptions: list them, subscribe a partner to an event type."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert, select, update

from .domain.conventions import (Convention, agency_today, may_manage_subscriptions,
                                 subscription_refusal)
from .exceptions import PartnerForbidden, PartnerNotFound, SubscriptionInvalid
from .models import convention, partner, subscription
from .schemas import read_subscription


def conventions_of(session, partner_codes) -> dict[str, list[Convention]]:
    rows = session.execute(select(convention).where(
        convention.c.partner_code.in_(list(partner_codes)))
        .order_by(convention.c.valid_from)).mappings()
    found: dict[str, list[Convention]] = {}
    for row in rows:
        found.setdefault(row["partner_code"], []).append(Convention(
            partner_code=row["partner_code"],
            allowed_event_types=tuple(row["allowed_event_types"]),
            allowed_fields=tuple(row["allowed_fields"]),
            valid_from=row["valid_from"], valid_to=row["valid_to"], reference=row["reference"]))
    return found


def list_partners(session) -> list[dict]:
    partners = session.execute(select(partner).order_by(partner.c.code)).mappings().all()
    conventions = conventions_of(session, [p["code"] for p in partners])
    subscriptions: dict[str, list[dict]] = {}
    for row in session.execute(select(subscription).order_by(subscription.c.id)).mappings():
        subscriptions.setdefault(row["partner_code"], []).append(subscription_to_dict(row))
    return [{
        "code": p["code"], "name": p["name"], "kind": p["kind"], "active": p["active"],
        "conventions": [convention_to_dict(c) for c in conventions.get(p["code"], [])],
        "subscriptions": subscriptions.get(p["code"], []),
    } for p in partners]


def check_subscription(session, actor, partner_code, event_type) -> dict:
    """Validate a subscription request; returns ``{partner_code, event_type}`` or raises."""
    if not may_manage_subscriptions(actor.role):
        raise PartnerForbidden("solo i coordinatori possono gestire le iscrizioni dei partner")
    request = read_subscription(partner_code, event_type)
    found = session.execute(select(partner).where(
        partner.c.code == request["partner_code"])).mappings().first()
    if found is None:
        raise PartnerNotFound(f"partner {request['partner_code']} non trovato")
    refusal = subscription_refusal(found["active"],
                                   conventions_of(session, [found["code"]]).get(found["code"], []),
                                   request["event_type"], agency_today())
    if refusal:
        raise SubscriptionInvalid({"event_type": [refusal]})
    return request


def subscribe(session, actor, request: dict) -> dict:
    """Activate (or create) the subscription of a checked ``request``; idempotent."""
    where = (subscription.c.partner_code == request["partner_code"],
             subscription.c.event_type == request["event_type"])
    existing = session.execute(select(subscription).where(*where)).mappings().first()
    if existing is None:
        session.execute(insert(subscription).values(
            partner_code=request["partner_code"], event_type=request["event_type"], active=True,
            created_at=datetime.now(timezone.utc), created_by=actor.sub))
    elif not existing["active"]:
        session.execute(update(subscription).where(*where).values(active=True))
    row = session.execute(select(subscription).where(*where)).mappings().one()
    return subscription_to_dict(row)


def convention_to_dict(c: Convention) -> dict:
    return {"allowed_event_types": list(c.allowed_event_types),
            "allowed_fields": list(c.allowed_fields),
            "valid_from": c.valid_from.isoformat(),
            "valid_to": c.valid_to.isoformat() if c.valid_to else None,
            "reference": c.reference}


def subscription_to_dict(row) -> dict:
    return {"partner_code": row["partner_code"], "event_type": row["event_type"],
            "active": row["active"], "created_at": iso(row["created_at"]),
            "created_by": row["created_by"]}


def iso(moment: datetime) -> str:
    return moment.isoformat()
