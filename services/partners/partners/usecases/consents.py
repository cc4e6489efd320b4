"""Use cases on consents: record a household's consent to share its data with a partner for a
service, withdraw it, list them (an audited read). The rules are ``domain.consent``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import ConsentRow, Partner
from ..domain import offers, permissions
from ..domain.consent import CATEGORIES, MAX_VALIDITY_DAYS, Consent
from ..domain.conventions import agency_today
from ..errors import ConsentInvalid, ConsentNotFound


def record_consent(db: Db, actor: Actor, data: dict) -> dict:
    """Record the consent ``data`` (referral_id, comune_istat, partner_code, service, categories,
    given_by, given_on, valid_until) given in the actor's comuni."""
    permissions.ensure(actor.role, permissions.MANAGE_CONSENTS)
    if not actor.can_see(data["comune_istat"]):
        raise ConsentInvalid({"comune_istat": [{"code": "comune_out_of_scope"}]})
    errors: dict[str, list[dict]] = {}
    today = agency_today()
    if offers.offer(data["service"]) is None:
        errors["service"] = [{"code": "service_unknown", "allowed": sorted(offers.OFFERS)}]
    unknown = sorted(set(data["categories"]) - set(CATEGORIES))
    if unknown or not data["categories"]:
        errors["categories"] = [{"code": "category_unknown", "allowed": sorted(CATEGORIES)}]
    if data["given_on"] > today:
        errors["given_on"] = [{"code": "date_in_future"}]
    if data["valid_until"] < data["given_on"]:
        errors["valid_until"] = [{"code": "before_given_on"}]
    elif data["valid_until"] > data["given_on"] + timedelta(days=MAX_VALIDITY_DAYS):
        errors["valid_until"] = [{"code": "consent_too_long", "max_days": MAX_VALIDITY_DAYS}]
    with db.transaction() as tx:
        if tx.session.get(Partner, data["partner_code"]) is None:
            errors["partner_code"] = [{"code": "partner_unknown"}]
        if errors:
            raise ConsentInvalid(errors)
        row = ConsentRow(
            id=str(uuid.uuid4()),
            referral_id=data["referral_id"],
            comune_istat=data["comune_istat"],
            partner_code=data["partner_code"],
            service=data["service"],
            categories=sorted(set(data["categories"])),
            given_by=data["given_by"],
            given_on=data["given_on"],
            valid_until=data["valid_until"],
            recorded_at=datetime.now(UTC),
            recorded_by=actor.sub,
        )
        tx.session.add(row)
        tx.session.flush()
        return consent_record(row)


def withdraw_consent(db: Db, actor: Actor, referral_id: str, consent_id: str, data: dict) -> dict:
    """The household of case ``referral_id`` withdraws one of its consents (``withdrawn_by``:
    who, name as given; ``withdrawn_on``: the day, not in the future nor before it was given).
    Another case's consent is not found, like one outside the actor's comuni. A consent already
    withdrawn cannot be withdrawn again."""
    permissions.ensure(actor.role, permissions.MANAGE_CONSENTS)
    with db.transaction() as tx:
        row = tx.session.get(ConsentRow, consent_id)
        if row is None or row.referral_id != referral_id or not actor.can_see(row.comune_istat):
            raise ConsentNotFound(consent_id=consent_id)
        if row.withdrawn_on is not None:
            raise ConsentInvalid({"consent_id": [{"code": "consent_already_withdrawn"}]})
        if data["withdrawn_on"] > agency_today():
            raise ConsentInvalid({"withdrawn_on": [{"code": "date_in_future"}]})
        if data["withdrawn_on"] < row.given_on:
            raise ConsentInvalid({"withdrawn_on": [{"code": "before_given_on"}]})
        row.withdrawn_on = data["withdrawn_on"]
        row.withdrawn_by = data["withdrawn_by"]
        row.withdrawn_recorded_by = actor.sub
        row.withdrawn_at = datetime.now(UTC)
        return consent_record(row)


def list_consents(db: Db, actor: Actor, referral_id: str, purpose: str | None = None) -> list:
    """The consents of a household, newest first, each with whether it is valid today; the read
    is audited (it names a member)."""
    permissions.ensure(actor.role, permissions.MANAGE_CONSENTS)
    with db.transaction() as tx:
        rows = consents_of(tx.session, referral_id, actor.comuni)
        if rows:
            audit.record(
                tx.session,
                actor,
                "list_consents",
                referral_id,
                comune_istat=rows[0].comune_istat,
                purpose=purpose,
                data_set="partner_consents",
            )
        return [consent_record(r) for r in rows]


def consents_of(session: Session, referral_id: str, comuni) -> list[ConsentRow]:
    return list(
        session.scalars(
            select(ConsentRow)
            .where(ConsentRow.referral_id == referral_id, ConsentRow.comune_istat.in_(comuni))
            .order_by(ConsentRow.given_on.desc(), ConsentRow.recorded_at.desc())
        )
    )


def consent_of(row: ConsentRow) -> Consent:
    return Consent(
        partner_code=row.partner_code,
        service=row.service,
        categories=tuple(row.categories),
        given_on=row.given_on,
        valid_until=row.valid_until,
        withdrawn_on=row.withdrawn_on,
    )


def consent_record(row: ConsentRow) -> dict:
    lapse = consent_of(row).lapse(agency_today())
    return {
        "id": row.id,
        "referral_id": row.referral_id,
        "comune_istat": row.comune_istat,
        "partner_code": row.partner_code,
        "service": row.service,
        "categories": list(row.categories),
        "given_by": row.given_by,
        "given_on": row.given_on,
        "valid_until": row.valid_until,
        "recorded_at": row.recorded_at,
        "recorded_by": row.recorded_by,
        "withdrawn_on": row.withdrawn_on,
        "withdrawn_by": row.withdrawn_by,
        "withdrawn_recorded_by": row.withdrawn_recorded_by,
        "valid_today": lapse is None,
        "lapse": lapse,
    }
