"""The audit trail of case files: append-only rows of who read or changed which case, when and
why. No case content goes in: actor, role, action, referral id, time, purpose."""
from __future__ import annotations

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from . import cases, clock
from .domain import permissions
from .models import AuditEvent

DEFAULT_PURPOSE = "gestione del caso"


def record(session: Session, actor: Actor, action: str, referral_id: str,
           purpose: str | None = None) -> None:
    session.execute(insert(AuditEvent).values(
        at=clock.now(), actor_sub=actor.sub, actor_role=actor.role, action=action,
        referral_id=referral_id, purpose=purpose or DEFAULT_PURPOSE))


def list_audit(db: Db, actor: Actor, referral_id) -> list[dict]:
    """The trail of one case, oldest first (coordinator only)."""
    with db.session() as session:
        cases.load(session, actor, referral_id, permissions.READ_AUDIT)
        rows = session.execute(select(AuditEvent).where(AuditEvent.referral_id == referral_id)
                               .order_by(AuditEvent.at, AuditEvent.id)).scalars().all()
        return [{"id": r.id, "at": clock.as_utc(r.at), "actor_sub": r.actor_sub,
                 "actor_role": r.actor_role, "action": r.action, "referral_id": r.referral_id,
                 "purpose": r.purpose} for r in rows]
