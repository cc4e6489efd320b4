"""Use cases on funds files: open one from a referral, read it, count them. Queries are always
scoped by the actor's comuni; a file outside the scope does not exist for that actor."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import func, insert, select

from .domain.affordability import check_affordability
from .domain.dates import local_date
from .exceptions import FundsFileNotFound
from .models import funds_file

log = logging.getLogger(__name__)


def open_funds_file(session, referral: dict, source_event_id: str) -> bool:
    """Open the file of ``referral`` (see :func:`funds.schemas.read_referral`) with its first
    affordability check. Returns False if the referral already has one."""
    exists = session.execute(select(funds_file.c.id).where(
        funds_file.c.referral_id == referral["referral_id"])).first()
    if exists:
        log.info("funds file of referral %s already open", referral["referral_id"])
        return False
    now = datetime.now(timezone.utc)
    received_at = referral.get("received_at")
    assessed_on = local_date(received_at or now)
    economics = referral.get("economics") or {}
    check = check_affordability(economics.get("monthly_rent_cents"),
                                economics.get("monthly_net_income_cents"), on=assessed_on)
    threshold = check.threshold
    session.execute(insert(funds_file).values(
        referral_id=referral["referral_id"],
        comune_istat=referral["comune_istat"],
        household_size=(referral.get("household") or {}).get("size"),
        monthly_net_income_cents=check.monthly_net_income_cents,
        monthly_rent_cents=check.monthly_rent_cents,
        referral_received_at=received_at,
        opened_at=now,
        assessed_on=assessed_on,
        rent_to_income_ratio=_text(check.rent_to_income_ratio),
        threshold=_text(threshold.value) if threshold else None,
        threshold_valid_from=threshold.valid_from if threshold else None,
        threshold_source=threshold.source if threshold else None,
        outcome=check.outcome,
        explanation=check.explanation,
        source_event_id=source_event_id,
    ))
    return True


def get_funds_file(session, actor, referral_id) -> dict:
    if not isinstance(referral_id, str):
        raise FundsFileNotFound("fascicolo fondi non trovato")
    row = session.execute(select(funds_file).where(
        funds_file.c.referral_id == referral_id,
        funds_file.c.comune_istat.in_(actor.comuni))).mappings().first()
    if row is None:
        raise FundsFileNotFound("fascicolo fondi non trovato")
    return funds_file_to_dict(row)


def count_files(session, actor) -> int:
    return session.execute(select(func.count()).select_from(funds_file).where(
        funds_file.c.comune_istat.in_(actor.comuni))).scalar_one()


def funds_file_to_dict(row) -> dict:
    return {
        "referral_id": row["referral_id"],
        "comune_istat": row["comune_istat"],
        "household_size": row["household_size"],
        "opened_at": _iso(row["opened_at"]),
        "affordability": {
            "monthly_rent_cents": row["monthly_rent_cents"],
            "monthly_net_income_cents": row["monthly_net_income_cents"],
            "rent_to_income_ratio": row["rent_to_income_ratio"],
            "threshold": row["threshold"],
            "threshold_valid_from": _iso(row["threshold_valid_from"]),
            "threshold_source": row["threshold_source"],
            "assessed_on": _iso(row["assessed_on"]),
            "outcome": row["outcome"],
            "explanation": row["explanation"],
        },
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat()
