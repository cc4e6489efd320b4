"""Use cases on housing needs: record one from a referral, read it, count them, say who read it.
Reads are always scoped by the actor's comuni; a need outside the scope does not exist for that
actor. Every read of a need is audited in its transaction (``abitare_chassis.audit``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import func, select

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.outbox import forget_published

from ..adapters.models import HousingNeed
from ..domain import permissions
from ..domain.rooms import minimum_bedrooms
from ..errors import HousingNeedNotFound

log = logging.getLogger(__name__)


def record_housing_need(db: Db, referral: dict, event) -> dict | None:
    """Record the need of ``referral`` (see :func:`housing_stock.schemas.read_referral`), in one
    transaction caused by ``event``. Returns the new need's record, or None if the referral
    already has a need (a redelivered event raises the chassis ``AlreadyHandled`` first)."""
    with db.transaction(causation=event) as tx:
        exists = tx.session.scalar(
            select(HousingNeed.id).where(HousingNeed.referral_id == referral["referral_id"])
        )
        if exists is not None:
            log.info("housing need of referral %s already recorded", referral["referral_id"])
            return None
        household = referral.get("household") or {}
        need = HousingNeed(
            referral_id=referral["referral_id"],
            comune_istat=referral["comune_istat"],
            comune_name=referral.get("comune_name"),
            household_size=household.get("size"),
            minors=household.get("minors"),
            over_65=household.get("over_65"),
            housing_situation=referral.get("housing_situation"),
            eviction_date=referral.get("eviction_date"),
            min_bedrooms=minimum_bedrooms(household.get("size")),
            recorded_at=datetime.now(UTC),
            source_event_id=event.id,
        )
        tx.session.add(need)
    return housing_need_record(need)


def pseudonymise_housing_need(db: Db, keys: dict, event) -> bool:
    """``intake.case_pseudonymised.v1``: the eviction date (with the comune, a court record
    that can single the household out) reduced to its month, the published events about it
    forgotten, in one transaction caused by ``event``. Counts and codes stay. True if a need
    was pseudonymised now."""
    with db.transaction(causation=event) as tx:
        need = tx.session.scalar(
            select(HousingNeed).where(
                HousingNeed.referral_id == keys["referral_id"],
                HousingNeed.comune_istat == keys["comune_istat"],
            )
        )
        forget_published(tx.session, db.outbox, keys["referral_id"])
        if need is None or need.pseudonymised_at is not None:
            return False
        if need.eviction_date is not None:
            need.eviction_date = need.eviction_date.replace(day=1)
        need.pseudonymised_at = datetime.now(UTC)
    log.info("housing need of referral %s pseudonymised", keys["referral_id"])
    return True


def get_housing_need(db: Db, actor: Actor, referral_id: str, purpose: str | None = None) -> dict:
    """The need (household, eviction date: personal data), its read audited in the same
    transaction."""
    permissions.ensure(actor.role, permissions.READ_NEED)
    with db.transaction() as tx:
        need = _need_in_scope(tx.session, actor, referral_id)
        audit.record(
            tx.session,
            actor,
            "get_housing_need",
            need.referral_id,
            comune_istat=need.comune_istat,
            purpose=purpose,
            data_set="housing_need",
        )
    return housing_need_record(need)


def list_audit(db: Db, actor: Actor, referral_id: str) -> list[dict]:
    """Who read the housing need of ``referral_id``, oldest first (coordinators)."""
    permissions.ensure(actor.role, permissions.READ_AUDIT)
    with db.session() as session:
        need = _need_in_scope(session, actor, referral_id)
        return audit.trail(session, actor, need.referral_id)


def _need_in_scope(session, actor: Actor, referral_id: str) -> HousingNeed:
    need = session.scalar(
        select(HousingNeed).where(
            HousingNeed.referral_id == referral_id, HousingNeed.comune_istat.in_(actor.comuni)
        )
    )
    if need is None:
        raise HousingNeedNotFound(referral_id=referral_id)
    return need


def count_needs(db: Db, actor: Actor) -> int:
    permissions.ensure(actor.role, permissions.COUNT_NEEDS)
    with db.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(HousingNeed)
            .where(HousingNeed.comune_istat.in_(actor.comuni))
        )


def housing_need_record(need: HousingNeed) -> dict:
    """What the service answers about a need: dates and aware datetimes, ``jsonable`` at the
    edge."""
    return {
        "referral_id": need.referral_id,
        "comune_istat": need.comune_istat,
        "comune_name": need.comune_name,
        "household_size": need.household_size,
        "minors": need.minors,
        "over_65": need.over_65,
        "housing_situation": need.housing_situation,
        "eviction_date": need.eviction_date,
        "min_bedrooms": need.min_bedrooms,
        "recorded_at": need.recorded_at,
        "pseudonymised_at": need.pseudonymised_at,
    }
