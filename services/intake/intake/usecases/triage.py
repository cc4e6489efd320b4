"""The case file and its first steps: reading the case (and its status view), eligibility,
possible duplicates, triage, assignment."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events, reference
from ..adapters.models import (
    CaseAssignment,
    CaseClosure,
    DuplicateCheck,
    HouseholdMember,
    Referral,
    TriageDecision,
)
from ..domain import clock, duplicates, eligibility, lifecycle, permissions
from ..errors import AssigneeOutOfScope, DuplicateChecksLimited, DuplicatesNotAcknowledged
from . import audit, cases, referrals, retention, timeline

TRIAGE_EVENTS = {
    lifecycle.PRESA_IN_CARICO: (events.CASE_OPENED, "opened_at"),
    lifecycle.RICHIESTA_INFORMAZIONI: (events.INFORMATION_REQUESTED, "requested_at"),
    lifecycle.RESPINTA_OUTCOME: (events.REFERRAL_DECLINED, "declined_at"),
}
CHECK_LIMIT_VARIABLE = "ABITARE_INTAKE_DUPLICATE_CHECKS_PER_HOUR"

# What ``duplicates_check`` of a case record says about ``possible_duplicates``.
CHECKED, NOT_ALLOWED, LIMITED = "checked", "not_allowed", "limited"


# -- reading ----------------------------------------------------------------------------------
def get_case(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE, members=True)
        audit.record(tx.session, actor, "get_case", referral.id, purpose)
        return case_record(tx.session, actor, referral, purpose)


def case_record(
    session: Session, actor: Actor, referral: Referral, purpose: str | None = None
) -> dict:
    """The referral plus the state of the case (members must be loaded). Its possible
    duplicates are looked for (and counted, and audited) only for roles that triage, and left
    out once the operator's hourly limit is reached (``duplicates_check`` says which)."""
    record = referrals.referral_record(referral)
    triage = session.scalars(
        select(TriageDecision)
        .where(TriageDecision.referral_id == referral.id)
        .order_by(TriageDecision.at.desc(), TriageDecision.id.desc())
        .limit(1)
    ).first()
    closure = None
    if referral.status == lifecycle.CHIUSA:
        row = session.scalars(
            select(CaseClosure)
            .where(CaseClosure.referral_id == referral.id)
            .order_by(CaseClosure.id.desc())
            .limit(1)
        ).first()
        closure = {
            "outcome": row.outcome,
            "notes": row.notes,
            "restitution_date": row.restitution_date,
            "at": row.closed_at,
            "by": row.closed_by,
        }
    record.update(
        {
            "status": referral.status,
            "updated_at": referral.updated_at or referral.received_at,
            "assigned_to": referral.assigned_to,
            "assigned_at": referral.assigned_at,
            "triage": triage
            and {
                "outcome": triage.outcome,
                "reason": triage.reason,
                "at": triage.at,
                "by": triage.by,
                "duplicates_acknowledged": triage.duplicates_acknowledged,
            },
            "eligibility": eligibility_of(referral),
            "possible_duplicates": None,
            "duplicates_check": NOT_ALLOWED,
            "assignments": assignment_history(session, referral.id),
            "current_grade": referral.current_grade,
            "household_composition": referral.household_composition,
            "closure": closure,
            "requests": timeline.requests_of(session, referral.id),
            "retention": retention.retention_record(
                referral,
                triage.at
                if referral.status == lifecycle.RESPINTA and triage
                else closure and closure["at"],
            ),
        }
    )
    if permissions.may(actor.role, permissions.TRIAGE):
        try:
            record["possible_duplicates"] = checked_duplicates(session, actor, referral, purpose)
            record["duplicates_check"] = CHECKED
        except DuplicateChecksLimited:
            record["duplicates_check"] = LIMITED
    return record


def assignment_history(session: Session, referral_id: str) -> list[dict]:
    rows = session.scalars(
        select(CaseAssignment)
        .where(CaseAssignment.referral_id == referral_id)
        .order_by(CaseAssignment.assigned_at, CaseAssignment.id)
    ).all()
    return [
        {"assigned_to": r.assigned_to, "assigned_at": r.assigned_at, "assigned_by": r.assigned_by}
        for r in rows
    ]


def get_case_status(db: Db, actor: Actor, referral_id) -> dict:
    """What a comune's system may read of its referral: where it stands, no case content. The
    triage reason is added when the agency asked the comune for information or declined. A
    municipal client reads only the referrals it sent itself (docs/contracts-case.md)."""
    with db.session() as session:
        referral = cases.load(session, actor, referral_id, permissions.READ_STATUS)
        reason = None
        if referral.status in (lifecycle.INFORMAZIONI_RICHIESTE, lifecycle.RESPINTA):
            reason = session.scalar(
                select(TriageDecision.reason)
                .where(TriageDecision.referral_id == referral.id)
                .order_by(TriageDecision.at.desc(), TriageDecision.id.desc())
                .limit(1)
            )
        return {
            "id": referral.id,
            "comune_istat": referral.comune_istat,
            "status": referral.status,
            "received_at": referral.received_at,
            "updated_at": referral.updated_at or referral.received_at,
            "status_reason": reason,
        }


# -- eligibility and duplicates ---------------------------------------------------------------
def check_eligibility(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE)
        audit.record(tx.session, actor, "check_eligibility", referral.id, purpose)
        return eligibility_of(referral)


def eligibility_of(referral: Referral) -> dict:
    received_on = clock.local_date(referral.received_at)
    served = eligibility.served(
        reference.ambiti(),
        referral.comune_istat,
        reference.comune_name(referral.comune_istat),
        received_on,
    )
    timing = eligibility.eviction_timing(received_on, referral.eviction_date)
    return {
        "served": served.served,
        "served_explanation": served.explanation,
        "ambito": served.ambito_name,
        "eviction": timing
        and {
            "execution_date": timing.execution_date,
            "days_before": timing.days_before,
            "late": timing.late,
            "explanation": timing.explanation,
        },
    }


def find_possible_duplicates(
    db: Db, actor: Actor, referral_id, purpose: str | None = None
) -> list[dict]:
    """Triage roles only; counted against the hourly limit, audited on the referral checked
    and on every referral found (whose comune can then see who looked)."""
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.TRIAGE)
        audit.record(tx.session, actor, "find_possible_duplicates", referral.id, purpose)
        return checked_duplicates(tx.session, actor, referral, purpose)


def checked_duplicates(
    session: Session, actor: Actor, referral: Referral, purpose: str | None
) -> list[dict]:
    """The possible duplicates as ``actor`` may see them (``domain.duplicates``), after
    counting the check (``DuplicateChecksLimited`` past the limit, nothing written)."""
    _count_check(session, actor, referral.id)
    matches = duplicate_matches(session, referral)
    for match in matches:
        audit.record(session, actor, "duplicate_match", match["id"], purpose)
    today = clock.local_date(clock.now())
    told = duplicates.disclose(
        matches, actor.comuni, duplicates.triage_area(reference.ambiti(), actor.comuni, today)
    )
    for item in told:
        item["comune_name"] = item["comune_istat"] and reference.comune_name(item["comune_istat"])
    return told


def _count_check(session: Session, actor: Actor, referral_id: str) -> None:
    now = clock.now()
    if session.get_bind().dialect.name == "postgresql":  # one operator's checks queue up
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:sub))"), {"sub": actor.sub})
    recent = set(
        session.scalars(
            select(DuplicateCheck.referral_id).where(
                DuplicateCheck.actor_sub == actor.sub,
                DuplicateCheck.at > now - timedelta(minutes=duplicates.WINDOW_MINUTES),
            )
        ).all()
    )
    limit = duplicates.check_limit(clock.local_date(now), _configured_limit())
    if referral_id not in recent and len(recent) >= limit:
        raise DuplicateChecksLimited(
            f"{limit} households checked for duplicates in the last "
            f"{duplicates.WINDOW_MINUTES} minutes",
            limit=limit,
            window_minutes=duplicates.WINDOW_MINUTES,
        )
    session.add(DuplicateCheck(actor_sub=actor.sub, referral_id=referral_id, at=now))


def _configured_limit() -> int | None:
    value = os.environ.get(CHECK_LIMIT_VARIABLE)
    return int(value) if value else None


def duplicate_matches(session: Session, referral: Referral) -> list[dict]:
    """Other referrals (any comune, any status) with a member sharing a codice fiscale with this
    one: one item per referral, newest first. For the rules only: callers see them through
    :func:`checked_duplicates`."""
    own_codes = select(HouseholdMember.codice_fiscale).where(
        HouseholdMember.referral_id == referral.id
    )
    rows = session.execute(
        select(
            Referral.id,
            Referral.comune_istat,
            Referral.status,
            Referral.received_at,
            HouseholdMember.codice_fiscale,
        )
        .join(HouseholdMember, HouseholdMember.referral_id == Referral.id)
        .where(HouseholdMember.codice_fiscale.in_(own_codes), Referral.id != referral.id)
        .order_by(Referral.received_at.desc(), Referral.id, HouseholdMember.position)
    ).all()
    found, seen = [], set()
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            found.append(
                {
                    "id": row.id,
                    "comune_istat": row.comune_istat,
                    "status": row.status,
                    "received_at": row.received_at,
                    "codice_fiscale": row.codice_fiscale,
                }
            )
    return found


# -- triage and assignment --------------------------------------------------------------------
def triage_referral(
    db: Db, actor: Actor, referral_id, data: dict, purpose: str | None = None
) -> dict:
    with db.transaction() as tx:
        referral = cases.load(
            tx.session, actor, referral_id, permissions.TRIAGE, members=True, for_update=True
        )
        outcome = data["outcome"]
        status = lifecycle.after_triage(referral.status, outcome)
        if (
            outcome == lifecycle.PRESA_IN_CARICO
            and not data["duplicates_acknowledged"]
            and duplicate_matches(tx.session, referral)
        ):
            raise DuplicatesNotAcknowledged(
                "the household is already known to the agency: look at the possible "
                "duplicates and confirm with duplicates_acknowledged=true",
                field="duplicates_acknowledged",
            )
        now = clock.now()
        tx.session.add(
            TriageDecision(
                referral_id=referral.id,
                outcome=outcome,
                reason=data.get("reason"),
                duplicates_acknowledged=data["duplicates_acknowledged"],
                at=now,
                by=actor.sub,
            )
        )
        referral.status = status
        referral.updated_at = now
        event, at_name = TRIAGE_EVENTS[outcome]
        extra = (
            {"household": cases.household_counts(referral)}
            if outcome == lifecycle.PRESA_IN_CARICO
            else {}
        )
        tx.emit(
            event,
            events.case_event(referral, at_name, now, **extra),
            actor=actor,
            subject=referral.id,
            tenant=referral.comune_istat,
        )
        tx.session.flush()
        audit.record(tx.session, actor, "triage_referral", referral.id, purpose)
        return case_record(tx.session, actor, referral, purpose)


def assign_case(
    db: Db, actor: Actor, referral_id, assignee: dict, purpose: str | None = None
) -> dict:
    """Assign the case to ``assignee`` (``{sub, role, comuni}``, from the gateway's identity
    store): an operator of a role that works cases with the case's comune in scope. Every
    assignment goes in the history."""
    with db.transaction() as tx:
        referral = cases.load(
            tx.session, actor, referral_id, permissions.ASSIGN, members=True, for_update=True
        )
        lifecycle.ensure_open(referral.status, "assigned")
        if not (
            permissions.may_be_assigned(assignee["role"])
            and referral.comune_istat in assignee["comuni"]
        ):
            raise AssigneeOutOfScope()
        now = clock.now()
        referral.assigned_to, referral.assigned_at, referral.assigned_by = (
            assignee["sub"],
            now,
            actor.sub,
        )
        referral.updated_at = now
        tx.session.add(
            CaseAssignment(
                referral_id=referral.id,
                assigned_to=assignee["sub"],
                assigned_at=now,
                assigned_by=actor.sub,
            )
        )
        tx.session.flush()
        audit.record(tx.session, actor, "assign_case", referral.id, purpose)
        return case_record(tx.session, actor, referral, purpose)
