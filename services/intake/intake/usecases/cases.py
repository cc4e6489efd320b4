"""What every case use case does first: find the referral in the actor's scope (or answer
``ReferralNotFound``), check the role may do this, and, when writing, lock the row."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from abitare_chassis.actor import Actor

from ..adapters.models import HouseholdMember, Referral
from ..domain import clock, household, permissions
from ..domain.vocabulary import HEAD_OF_HOUSEHOLD
from ..errors import CasePseudonymised, ReferralNotFound


def load(
    session: Session,
    actor: Actor,
    referral_id,
    action: str,
    *,
    members: bool = False,
    for_update: bool = False,
) -> Referral:
    permissions.ensure(actor.role, action)
    if not isinstance(referral_id, str) or not actor.comuni:
        raise not_found(referral_id)
    query = select(Referral).where(Referral.id == referral_id, visible(actor))
    if members:
        query = query.options(selectinload(Referral.members))
    if for_update:
        query = query.with_for_update()  # PostgreSQL: transitions of one case queue up
    referral = session.scalars(query).one_or_none()
    if referral is None:
        raise not_found(referral_id)
    if for_update and referral.pseudonymised_at is not None:
        # kept for the counts only (usecases.retention): nothing more is written on it
        raise CasePseudonymised(
            f"case {referral.id} was pseudonymised", pseudonymised_at=referral.pseudonymised_at
        )
    return referral


def visible(actor: Actor, comuni=None):
    """The referrals ``actor`` may see: those of its comuni (``comuni``, a subset, when it asked
    for fewer); a municipal client (a comune's own system) sees only the ones it sent itself,
    like a letter-box: what the comune's operators entered by hand is theirs to read in the UI."""
    condition = Referral.comune_istat.in_(actor.comuni if comuni is None else comuni)
    if actor.role == permissions.MUNICIPAL_CLIENT:
        condition = and_(condition, Referral.submitted_by == actor.sub)
    return condition


def not_found(referral_id) -> ReferralNotFound:
    """The one answer for a missing referral and for one the actor may not see."""
    return ReferralNotFound(f"referral {referral_id} not found", referral_id=str(referral_id))


def touch(referral: Referral) -> None:
    referral.updated_at = clock.now()


def head_names(session: Session, referral_ids) -> dict[str, str]:
    """ "Cognome Nome" of the head of each referral, in one query."""
    ids = list(set(referral_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(
            HouseholdMember.referral_id, HouseholdMember.last_name, HouseholdMember.first_name
        ).where(
            and_(
                HouseholdMember.referral_id.in_(ids), HouseholdMember.relation == HEAD_OF_HOUSEHOLD
            )
        )
    ).all()
    return {r.referral_id: household.head_name(r.last_name, r.first_name) for r in rows}


def household_counts(referral: Referral) -> dict:
    return {"size": referral.household_size, "minors": referral.minors, "over_65": referral.over_65}
