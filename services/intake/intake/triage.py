"""The case file and its first steps: reading the case (and its status view), eligibility,
possible duplicates, triage, assignment."""
from __future__ import annotations

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, cases, clock, events, reference, referrals
from .domain import eligibility, lifecycle, permissions
from .errors import DuplicatesNotAcknowledged
from .models import CaseClosure, HouseholdMember, Referral, TriageDecision

TRIAGE_EVENTS = {
    lifecycle.PRESA_IN_CARICO: (events.CASE_OPENED, "opened_at"),
    lifecycle.RICHIESTA_INFORMAZIONI: (events.INFORMATION_REQUESTED, "requested_at"),
    lifecycle.RESPINTA_OUTCOME: (events.REFERRAL_DECLINED, "declined_at"),
}


# -- reading ----------------------------------------------------------------------------------
def get_case(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE, members=True)
        audit.record(tx.session, actor, "get_case", referral.id, purpose)
        return case_record(tx.session, actor, referral)


def case_record(session: Session, actor: Actor, referral: Referral) -> dict:
    """The referral plus the state of the case (members must be loaded)."""
    record = referrals.referral_record(referral)
    triage = session.scalars(select(TriageDecision).where(
        TriageDecision.referral_id == referral.id)
        .order_by(TriageDecision.at.desc(), TriageDecision.id.desc()).limit(1)).first()
    closure = None
    if referral.status == lifecycle.CHIUSA:
        row = session.scalars(select(CaseClosure).where(CaseClosure.referral_id == referral.id)
                              .order_by(CaseClosure.id.desc()).limit(1)).first()
        closure = {"outcome": row.outcome, "notes": row.notes,
                   "restitution_date": row.restitution_date,
                   "at": clock.as_utc(row.closed_at), "by": row.closed_by}
    record.update({
        "status": referral.status,
        "updated_at": clock.as_utc(referral.updated_at or referral.received_at),
        "assigned_to": referral.assigned_to,
        "assigned_at": referral.assigned_at and clock.as_utc(referral.assigned_at),
        "triage": triage and {"outcome": triage.outcome, "reason": triage.reason,
                              "at": clock.as_utc(triage.at), "by": triage.by,
                              "duplicates_acknowledged": triage.duplicates_acknowledged},
        "eligibility": eligibility_of(referral),
        "possible_duplicates": duplicates_of(session, actor, referral),
        "current_grade": referral.current_grade,
        "household_composition": referral.household_composition,
        "closure": closure,
    })
    return record


def get_case_status(db: Db, actor: Actor, referral_id) -> dict:
    """What a comune's system may read of its referral: where it stands, no case content. The
    triage reason is added when the agency asked the comune for information or declined."""
    with db.session() as session:
        referral = cases.load(session, actor, referral_id, permissions.READ_STATUS)
        reason = None
        if referral.status in (lifecycle.INFORMAZIONI_RICHIESTE, lifecycle.RESPINTA):
            reason = session.scalar(select(TriageDecision.reason).where(
                TriageDecision.referral_id == referral.id)
                .order_by(TriageDecision.at.desc(), TriageDecision.id.desc()).limit(1))
        return {"id": referral.id, "comune_istat": referral.comune_istat,
                "status": referral.status, "received_at": clock.as_utc(referral.received_at),
                "updated_at": clock.as_utc(referral.updated_at or referral.received_at),
                "status_reason": reason}


# -- eligibility and duplicates ---------------------------------------------------------------
def check_eligibility(db: Db, actor: Actor, referral_id) -> dict:
    with db.session() as session:
        referral = cases.load(session, actor, referral_id, permissions.READ_CASE)
        return eligibility_of(referral)


def eligibility_of(referral: Referral) -> dict:
    received_on = clock.local_date(referral.received_at)
    served = eligibility.served(reference.ambiti(), referral.comune_istat,
                                reference.comune_name(referral.comune_istat), received_on)
    timing = eligibility.eviction_timing(received_on, referral.eviction_date)
    return {"served": served.served, "served_explanation": served.explanation,
            "ambito": served.ambito_name,
            "eviction": timing and {"execution_date": timing.execution_date,
                                    "days_before": timing.days_before, "late": timing.late,
                                    "explanation": timing.explanation}}


def find_possible_duplicates(db: Db, actor: Actor, referral_id) -> list[dict]:
    with db.session() as session:
        referral = cases.load(session, actor, referral_id, permissions.READ_CASE)
        return duplicates_of(session, actor, referral)


def duplicates_of(session: Session, actor: Actor, referral: Referral) -> list[dict]:
    """Other referrals (any comune, any status) with a member sharing a codice fiscale with this
    one: one item per referral, newest first. Out of the actor's scope only the comune and the
    status are told, not the referral."""
    own_codes = select(HouseholdMember.codice_fiscale).where(
        HouseholdMember.referral_id == referral.id)
    rows = session.execute(
        select(Referral.id, Referral.comune_istat, Referral.status, Referral.received_at,
               HouseholdMember.codice_fiscale)
        .join(HouseholdMember, HouseholdMember.referral_id == Referral.id)
        .where(HouseholdMember.codice_fiscale.in_(own_codes), Referral.id != referral.id)
        .order_by(Referral.received_at.desc(), Referral.id, HouseholdMember.position)).all()
    found, seen = [], set()
    for row in rows:
        if row.id in seen:
            continue
        seen.add(row.id)
        visible = row.comune_istat in actor.comuni
        found.append({"match": "codice_fiscale", "codice_fiscale": row.codice_fiscale,
                      "comune_istat": row.comune_istat,
                      "comune_name": reference.comune_name(row.comune_istat),
                      "status": row.status, "received_at": clock.as_utc(row.received_at),
                      "referral_id": row.id if visible else None})
    return found


# -- triage and assignment --------------------------------------------------------------------
def triage_referral(db: Db, actor: Actor, referral_id, data: dict) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.TRIAGE, members=True,
                              for_update=True)
        outcome = data["outcome"]
        status = lifecycle.after_triage(referral.status, outcome)
        if outcome == lifecycle.PRESA_IN_CARICO and not data["duplicates_acknowledged"] \
                and duplicates_of(tx.session, actor, referral):
            raise DuplicatesNotAcknowledged(
                "the household is already known to the agency: look at the possible "
                "duplicates and confirm with duplicates_acknowledged=true",
                field="duplicates_acknowledged")
        now = clock.now()
        tx.session.add(TriageDecision(referral_id=referral.id, outcome=outcome,
                                      reason=data.get("reason"),
                                      duplicates_acknowledged=data["duplicates_acknowledged"],
                                      at=now, by=actor.sub))
        referral.status = status
        referral.updated_at = now
        event, at_name = TRIAGE_EVENTS[outcome]
        extra = {"household": cases.household_counts(referral)} \
            if outcome == lifecycle.PRESA_IN_CARICO else {}
        tx.emit(event, events.case_event(referral, at_name, now, **extra), actor=actor,
                subject=referral.id, tenant=referral.comune_istat)
        tx.session.flush()
        return case_record(tx.session, actor, referral)


def assign_case(db: Db, actor: Actor, referral_id, operator_sub: str) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.ASSIGN, members=True,
                              for_update=True)
        lifecycle.ensure_open(referral.status, "assigned")
        now = clock.now()
        referral.assigned_to, referral.assigned_at, referral.assigned_by = \
            operator_sub, now, actor.sub
        referral.updated_at = now
        tx.session.flush()
        return case_record(tx.session, actor, referral)
