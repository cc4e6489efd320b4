"""Closing a case with its outcome (after the joint restitution to the household), and
reopening it. Each closure is kept with its reopening, if any."""

from __future__ import annotations

from sqlalchemy import select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events
from ..adapters.models import CaseClosure
from ..domain import clock, lifecycle, permissions
from ..errors import InvalidInput
from . import audit, cases


def close_case(db: Db, actor: Actor, referral_id, data: dict, purpose: str | None = None) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.CLOSE, for_update=True)
        status = lifecycle.after_closure(referral.status)
        restitution = data.get("restitution_date")
        if restitution is not None and restitution < clock.local_date(referral.received_at):
            raise InvalidInput({"restitution_date": [{"code": "before_received"}]})
        now = clock.now()
        tx.session.add(
            CaseClosure(
                referral_id=referral.id,
                outcome=data["outcome"],
                notes=data.get("notes"),
                restitution_date=restitution,
                closed_at=now,
                closed_by=actor.sub,
            )
        )
        referral.status, referral.closure_outcome, referral.updated_at = (
            status,
            data["outcome"],
            now,
        )
        tx.emit(
            events.CASE_CLOSED,
            events.case_event(
                referral, "closed_at", now, outcome=data["outcome"], restitution_date=restitution
            ),
            actor=actor,
            subject=referral.id,
            tenant=referral.comune_istat,
        )
        audit.record(tx.session, actor, "close_case", referral.id, purpose)
        return {
            "referral_id": referral.id,
            "status": status,
            "outcome": data["outcome"],
            "notes": data.get("notes"),
            "restitution_date": restitution,
            "at": now,
            "by": actor.sub,
        }


def reopen_case(db: Db, actor: Actor, referral_id, reason: str) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.CLOSE, for_update=True)
        status = lifecycle.after_reopening(referral.status)
        now = clock.now()
        closure = tx.session.scalars(
            select(CaseClosure)
            .where(CaseClosure.referral_id == referral.id)
            .order_by(CaseClosure.id.desc())
            .limit(1)
        ).first()
        if closure is not None:
            closure.reopened_at, closure.reopened_by, closure.reopen_reason = now, actor.sub, reason
        referral.status, referral.closure_outcome, referral.updated_at = status, None, now
        tx.emit(
            events.CASE_REOPENED,
            events.case_event(referral, "reopened_at", now),
            actor=actor,
            subject=referral.id,
            tenant=referral.comune_istat,
        )
        return {
            "referral_id": referral.id,
            "status": status,
            "reason": reason,
            "at": now,
            "by": actor.sub,
        }
