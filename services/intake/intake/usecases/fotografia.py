"""The "Fotografia": counts of the referrals received in a period, as C.A.S.A. reports them
(seeds/003). One GROUP BY per dimension over referral, served by the indexes on received_at and
(comune_istat, received_at); nothing is loaded row by row."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import reference
from ..adapters.models import Referral
from ..domain import clock, permissions
from ..domain.grading import NOT_ASSESSED
from ..domain.household import NOT_CLASSIFIED
from ..domain.scope import visible_comuni

DIMENSIONS = {
    "by_referring_body": Referral.referring_body,
    "by_problem_reported": Referral.problem_reported,
    "by_housing_situation": Referral.housing_situation,
    "by_household_composition": Referral.household_composition,
    "by_comune": Referral.comune_istat,
    "by_grade": Referral.current_grade,
    "by_outcome": Referral.closure_outcome,
    "by_status": Referral.status,
}


def get_fotografia(db: Db, actor: Actor, date_from, date_to, comune_istat=None) -> dict:
    """Counts over referrals received from ``date_from`` to ``date_to`` (days in Milan, both
    included) in the actor's comuni (or only ``comune_istat``). ``by_grade`` counts the current
    grade (``non_valutato`` if none yet); ``by_outcome`` the outcome of closed cases."""
    permissions.ensure(actor.role, permissions.READ_FOTOGRAFIA)
    result = {
        "date_from": date_from,
        "date_to": date_to,
        "comune_istat": comune_istat,
        "total": 0,
        **{name: {} for name in DIMENSIONS},
    }
    comuni = visible_comuni(actor.comuni, comune_istat)
    if not comuni:
        return result
    start = clock.start_of_local_day(date_from)
    end = clock.start_of_local_day(date_to + timedelta(days=1))
    where = (
        Referral.comune_istat.in_(comuni),
        Referral.received_at >= start,
        Referral.received_at < end,
    )
    with db.session() as session:
        result["total"] = session.scalar(select(func.count()).select_from(Referral).where(*where))
        if not result["total"]:
            return result
        for name, column in DIMENSIONS.items():
            rows = session.execute(
                select(column, func.count()).where(*where).group_by(column)
            ).all()
            result[name] = _counts(name, rows)
    return result


def _counts(name: str, rows) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key, count in rows:
        if name == "by_comune":
            key = reference.comune_name(key) or key
        elif name == "by_grade":
            key = NOT_ASSESSED if key is None else str(key)
        elif key is None:
            if name == "by_outcome":
                continue
            key = NOT_CLASSIFIED
        counts[key] = counts.get(key, 0) + count
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
