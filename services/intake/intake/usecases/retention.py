"""Retention of closed cases (``domain.retention``): the legal hold a coordinator puts and lifts,
and the job that pseudonymises the closed cases past their retention period.

The job looks at the closed cases of the actor's comuni (all served comuni for the scheduled
run), pseudonymises each due case in a transaction of its own (its rows, the published events
of it in the outbox, an audit row and ``intake.case_pseudonymised.v1``, together), and logs one
line with the counts. Running it again changes nothing: a pseudonymised case is never due again.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from abitare_chassis.actor import SYSTEM, Actor
from abitare_chassis.database import Db
from abitare_chassis.outbox import forget_published

from ..adapters import events, reference
from ..adapters.models import (
    Assessment,
    CaseClosure,
    CommissionMeeting,
    CommissionProposal,
    DiaryEntry,
    Project,
    ProjectAction,
    ProjectVersion,
    Referral,
    TriageDecision,
)
from ..domain import clock, lifecycle, permissions, retention
from ..domain.retention import REDACTED, birth_year_only, month_only, redact
from . import audit, cases

log = logging.getLogger(__name__)

PURPOSE = "conservazione e pseudonimizzazione (art. 5(1)(e) GDPR)"
SCHEDULED_ACTOR_SUB = "system:retention"


def scheduled_actor() -> Actor:
    """Who the scheduled run acts as: the system, over every comune intake knows."""
    comuni = tuple(c["istat"] for c in reference.comuni_list())
    return Actor(sub=SCHEDULED_ACTOR_SUB, role=SYSTEM, comuni=comuni, name="Conservazione")


# -- legal hold -------------------------------------------------------------------------------
def set_legal_hold(db: Db, actor: Actor, referral_id, reason: str) -> dict:
    """Put (or re-word) the legal hold of a case: it is never pseudonymised while held."""
    with db.transaction() as tx:
        referral = _writable(tx.session, actor, referral_id)
        referral.legal_hold_reason, referral.legal_hold_at, referral.legal_hold_by = (
            reason,
            clock.now(),
            actor.sub,
        )
        audit.record(tx.session, actor, "set_legal_hold", referral.id, PURPOSE)
        return legal_hold_record(referral)


def lift_legal_hold(db: Db, actor: Actor, referral_id) -> dict:
    """Lift the hold (nothing to do if there is none); the next run may pseudonymise the case."""
    with db.transaction() as tx:
        referral = _writable(tx.session, actor, referral_id)
        if referral.legal_hold_at is not None:
            referral.legal_hold_reason = referral.legal_hold_at = referral.legal_hold_by = None
            audit.record(tx.session, actor, "lift_legal_hold", referral.id, PURPOSE)
        return legal_hold_record(referral)


def _writable(session: Session, actor: Actor, referral_id) -> Referral:
    """The case, locked; a pseudonymised one is refused (``CasePseudonymised``)."""
    return cases.load(session, actor, referral_id, permissions.LEGAL_HOLD, for_update=True)


def legal_hold_record(referral: Referral) -> dict | None:
    if referral.legal_hold_at is None:
        return None
    return {
        "reason": referral.legal_hold_reason,
        "at": referral.legal_hold_at,
        "by": referral.legal_hold_by,
    }


def retention_record(referral: Referral, ended_at=None) -> dict:
    """What the case page shows: when it was pseudonymised, or until when it is kept whole, and
    the parameter that says so (flagged ``to_verify`` when no source gives the figure).
    ``ended_at``: the last closure, or the triage that declined the referral."""
    closed_on = clock.local_date(ended_at) if ended_at is not None else None
    purpose = retention.PURPOSE_OF_STATUS.get(referral.status, retention.CASE_FILE)
    period = retention.period_on(purpose, closed_on) if closed_on else None
    return {
        "pseudonymised_at": referral.pseudonymised_at,
        "legal_hold": legal_hold_record(referral),
        "retained_until": retention.retained_until(closed_on, purpose) if closed_on else None,
        "period": period
        and {
            "purpose": period.purpose,
            "years": period.years,
            "valid_from": period.valid_from,
            "source": period.source,
            "to_verify": period.to_verify,
        },
    }


# -- the job ------------------------------------------------------------------------------------
def run_retention(db: Db, actor: Actor, today: date | None = None) -> dict:
    """Pseudonymise every due case of the actor's comuni. Returns (and logs) the counts:
    ``examined`` closed cases and declined referrals not yet pseudonymised, ``held`` of them
    under a legal hold, ``due`` and ``pseudonymised``."""
    permissions.ensure(actor.role, permissions.RUN_RETENTION)
    today = today or clock.local_date(clock.now())
    counts = {"examined": 0, "held": 0, "due": 0, "pseudonymised": 0}
    if actor.comuni:
        with db.session() as session:
            candidates = session.execute(_closed_cases(actor.comuni)).all()
        for referral_id, status, held, closed_at, declined_at in candidates:
            counts["examined"] += 1
            counts["held"] += held
            ended_at = closed_at if status == lifecycle.CHIUSA else declined_at
            state = retention.CaseState(
                status=status,
                closed_on=clock.local_date(ended_at) if ended_at else None,
                legal_hold=bool(held),
                pseudonymised=False,
            )
            if retention.is_due(state, today):
                counts["due"] += 1
                counts["pseudonymised"] += pseudonymise_case(db, actor, referral_id, today)
    log.info(
        "retention run actor=%s examined=%d held=%d due=%d pseudonymised=%d",
        actor.sub,
        *counts.values(),
        extra={"retention": counts},
    )
    return counts


def _closed_cases(comuni):
    """(id, status, held, last closure, last decline) of the closed cases and declined
    referrals of ``comuni`` not yet pseudonymised."""
    last_closure = (
        select(CaseClosure.referral_id, func.max(CaseClosure.closed_at).label("closed_at"))
        .where(CaseClosure.reopened_at.is_(None))
        .group_by(CaseClosure.referral_id)
        .subquery()
    )
    last_decline = (
        select(TriageDecision.referral_id, func.max(TriageDecision.at).label("declined_at"))
        .where(TriageDecision.outcome == lifecycle.RESPINTA_OUTCOME)
        .group_by(TriageDecision.referral_id)
        .subquery()
    )
    return (
        select(
            Referral.id,
            Referral.status,
            Referral.legal_hold_at.is_not(None).label("held"),
            last_closure.c.closed_at,
            last_decline.c.declined_at,
        )
        .outerjoin(last_closure, last_closure.c.referral_id == Referral.id)
        .outerjoin(last_decline, last_decline.c.referral_id == Referral.id)
        .where(
            Referral.status.in_((lifecycle.CHIUSA, lifecycle.RESPINTA)),
            Referral.pseudonymised_at.is_(None),
            Referral.comune_istat.in_(comuni),
        )
        .order_by(Referral.id)
    )


def pseudonymise_case(db: Db, actor: Actor, referral_id: str, today: date) -> int:
    """Pseudonymise one case if it is still due (checked again under the row lock: a hold or a
    reopening since the scan wins). Returns 1 if it did, else 0."""
    with db.transaction() as tx:
        session = tx.session
        referral = session.scalars(
            select(Referral)
            .where(Referral.id == referral_id, Referral.comune_istat.in_(actor.comuni))
            .options(selectinload(Referral.members))
            .with_for_update()
        ).one_or_none()
        closed_at = _ended_at(session, referral) if referral is not None else None
        if referral is None or not retention.is_due(
            retention.CaseState(
                status=referral.status,
                closed_on=clock.local_date(closed_at) if closed_at else None,
                legal_hold=referral.legal_hold_at is not None,
                pseudonymised=referral.pseudonymised_at is not None,
            ),
            today,
        ):
            return 0
        now = clock.now()
        _pseudonymise_rows(session, referral)
        referral.pseudonymised_at = referral.updated_at = now
        forget_published(session, db.outbox, referral.id)
        audit.record(tx.session, actor, "pseudonymise_case", referral.id, PURPOSE)
        tx.emit(
            events.CASE_PSEUDONYMISED,
            events.case_event(referral, "pseudonymised_at", now, closed_at=closed_at),
            actor=Actor(sub=actor.sub, role=actor.role, comuni=(referral.comune_istat,)),
            subject=referral.id,
            tenant=referral.comune_istat,
        )
        return 1


def _ended_at(session: Session, referral: Referral):
    """When the case ended: its last closure, or the last triage that declined it."""
    if referral.status == lifecycle.RESPINTA:
        return session.scalar(
            select(func.max(TriageDecision.at)).where(
                TriageDecision.referral_id == referral.id,
                TriageDecision.outcome == lifecycle.RESPINTA_OUTCOME,
            )
        )
    return session.scalar(
        select(func.max(CaseClosure.closed_at)).where(
            CaseClosure.referral_id == referral.id, CaseClosure.reopened_at.is_(None)
        )
    )


def _pseudonymise_rows(session: Session, referral: Referral) -> None:
    """Replace what identifies the household; keep what the Fotografia counts (comune, dates,
    codes, grades, outcomes, household size and composition, members' relation and birth year)."""
    names = [
        term
        for m in referral.members
        for term in (
            m.codice_fiscale,
            m.last_name,
            f"{m.first_name} {m.last_name}",
            f"{m.last_name} {m.first_name}",
        )
    ]
    for member in referral.members:
        member.codice_fiscale = member.first_name = member.last_name = ""
        member.first_name_key = member.last_name_key = ""  # no longer found by name
        member.codice_fiscale_warnings = None  # nor among the anomalies
        member.birth_date = birth_year_only(member.birth_date)
    for column in (
        "description",
        "contact_phone",
        "referring_body_name",
        "monthly_net_income_cents",
        "monthly_rent_cents",
        "idempotency_key",
        "idempotency_payload_hash",
    ):
        setattr(referral, column, None)
    referral.eviction_date = month_only(referral.eviction_date)
    rows = _rows_of(session, referral.id)
    for triage in rows[TriageDecision]:
        triage.reason = None
    for entry in rows[DiaryEntry]:
        entry.text, entry.interview = REDACTED, None
    for assessment in rows[Assessment]:
        assessment.override_reason, assessment.explanation = None, []
        assessment.indicators = {
            key: month_only(clock.parse_date(value)).isoformat()
            if key in ("eviction_date", "documents_expiring_on") and value
            else value
            for key, value in assessment.indicators.items()
        }
    for project in rows[Project] + rows[ProjectVersion]:
        project.objectives = [REDACTED for _ in project.objectives]
        project.actions = [{**action, "description": REDACTED} for action in project.actions]
    for action in rows[ProjectAction]:
        action.description = REDACTED
    for closure in rows[CaseClosure]:
        closure.notes = closure.reopen_reason = None
    for proposal in rows[CommissionProposal]:
        proposal.notes = proposal.decision_notes = None
    meeting_ids = {p.meeting_id for p in rows[CommissionProposal]}
    if meeting_ids:
        for meeting in session.scalars(
            select(CommissionMeeting).where(CommissionMeeting.id.in_(meeting_ids))
        ):
            meeting.minutes = redact(meeting.minutes, names)


def _rows_of(session: Session, referral_id: str) -> dict:
    models = (
        TriageDecision,
        DiaryEntry,
        Assessment,
        Project,
        ProjectVersion,
        ProjectAction,
        CaseClosure,
        CommissionProposal,
    )
    return {
        model: list(session.scalars(select(model).where(model.referral_id == referral_id)))
        for model in models
    }
