"""The audit trail of case files: append-only rows of who read or changed which case, when and
why. No case content goes in: actor, role, action, referral id and its comune, time, purpose.
The table and its append-only guard are the chassis' (:mod:`abitare_chassis.audit`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from abitare_chassis import audit as chassis_audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import Referral
from ..domain import clock, permissions
from . import cases

DEFAULT_PURPOSE = chassis_audit.DEFAULT_PURPOSE
EXPORT_ACTION = "export_access_report"


def record(
    session: Session,
    actor: Actor,
    action: str,
    referral_id: str,
    purpose: str | None = None,
    comune_istat: str | None = None,
    data_set: str | None = None,
) -> None:
    """One row in ``session``'s transaction; the case's comune is looked up when not given (the
    caller has usually just loaded the referral, so it comes from the session)."""
    if comune_istat is None:
        referral = session.get(Referral, referral_id) if isinstance(referral_id, str) else None
        comune_istat = referral.comune_istat if referral is not None else None
    chassis_audit.record(
        session,
        actor,
        action,
        referral_id,
        comune_istat=comune_istat,
        purpose=purpose,
        data_set=data_set,
        at=clock.now(),
    )


def list_audit(
    db: Db, actor: Actor, referral_id, purpose: str | None = None, export: bool = False
) -> list[dict]:
    """The trail of one case, oldest first (coordinators of the case's comuni). ``export``: the
    trail is being handed to the household (GDPR art. 15), which is itself recorded."""
    if not export:
        with db.session() as session:
            referral = cases.load(session, actor, referral_id, permissions.READ_AUDIT)
            return chassis_audit.trail(session, actor, referral.id)
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_AUDIT)
        record(
            tx.session,
            actor,
            EXPORT_ACTION,
            referral.id,
            purpose,
            comune_istat=referral.comune_istat,
            data_set="access_report",
        )
        return chassis_audit.trail(tx.session, actor, referral.id)
