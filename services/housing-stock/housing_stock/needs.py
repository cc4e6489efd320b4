"""Use cases on housing needs: record one from a referral, read it, count them. Queries are always
scoped by the actor's comuni; a need outside the scope does not exist for that actor."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import func, insert, select

from .domain.rooms import minimum_bedrooms
from .exceptions import HousingNeedNotFound
from .models import housing_need

log = logging.getLogger(__name__)


def record_housing_need(session, referral: dict, source_event_id: str) -> bool:
    """Record the need of ``referral`` (see :func:`housing_stock.schemas.read_referral`).
    Returns False if the referral already has one."""
    exists = session.execute(select(housing_need.c.id).where(
        housing_need.c.referral_id == referral["referral_id"])).first()
    if exists:
        log.info("housing need of referral %s already recorded", referral["referral_id"])
        return False
    household = referral.get("household") or {}
    session.execute(insert(housing_need).values(
        referral_id=referral["referral_id"],
        comune_istat=referral["comune_istat"],
        comune_name=referral.get("comune_name"),
        household_size=household.get("size"),
        minors=household.get("minors"),
        over_65=household.get("over_65"),
        housing_situation=referral.get("housing_situation"),
        eviction_date=referral.get("eviction_date"),
        min_bedrooms=minimum_bedrooms(household.get("size")),
        recorded_at=datetime.now(timezone.utc),
        source_event_id=source_event_id,
    ))
    return True


def get_housing_need(session, actor, referral_id) -> dict:
    if not isinstance(referral_id, str):
        raise HousingNeedNotFound("bisogno abitativo non trovato")
    row = session.execute(select(housing_need).where(
        housing_need.c.referral_id == referral_id,
        housing_need.c.comune_istat.in_(actor.comuni))).mappings().first()
    if row is None:
        raise HousingNeedNotFound("bisogno abitativo non trovato")
    return housing_need_to_dict(row)


def count_needs(session, actor) -> int:
    return session.execute(select(func.count()).select_from(housing_need).where(
        housing_need.c.comune_istat.in_(actor.comuni))).scalar_one()


def housing_need_to_dict(row) -> dict:
    recorded_at = row["recorded_at"]
    eviction_date = row["eviction_date"]
    return {
        "referral_id": row["referral_id"],
        "comune_istat": row["comune_istat"],
        "comune_name": row["comune_name"],
        "household_size": row["household_size"],
        "minors": row["minors"],
        "over_65": row["over_65"],
        "housing_situation": row["housing_situation"],
        "eviction_date": eviction_date.isoformat() if eviction_date else None,
        "min_bedrooms": row["min_bedrooms"],
        "recorded_at": recorded_at.isoformat(),
    }
