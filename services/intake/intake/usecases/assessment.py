"""Assessment of the grade of housing distress (C.A.S.A. grades 1-4): the rules suggest, the
social worker confirms or overrides with a reason; every assessment is kept. A Pronto
Intervento Sociale situation makes the case grade 4 and asks for an emergency placement at once."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events, reference
from ..adapters.models import Assessment, Referral
from ..domain import clock, grading, lifecycle, permissions
from . import audit, cases


def record_assessment(db: Db, actor: Actor, referral_id, data: dict) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.ASSESS, for_update=True)
        lifecycle.ensure_open(referral.status, "assessed")
        today = clock.local_date(clock.now())
        pis = data["pis_situation"]
        indicators, suggestion = grading.suggest_for_referral(
            data["indicators"], referral_facts(referral), pis, today
        )
        decided = grading.decide(suggestion, data["confirmed_grade"], data["override_reason"], pis)
        previous = tx.session.scalars(
            select(Assessment)
            .where(Assessment.referral_id == referral.id)
            .order_by(Assessment.at.desc())
            .limit(1)
        ).first()
        now = clock.now()
        row = Assessment(
            id=str(uuid.uuid4()),
            referral_id=referral.id,
            indicators={
                k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in indicators.items()
            },
            pis_situation=pis,
            suggested_grade=decided.suggested_grade,
            explanation=decided.explanation,
            grade=decided.grade,
            overridden=decided.overridden,
            override_reason=data["override_reason"] if decided.overridden else None,
            at=now,
            by=actor.sub,
        )
        tx.session.add(row)
        referral.current_grade = decided.grade
        referral.documents_expiring_on = indicators.get("documents_expiring_on")
        if indicators.get("eviction_date") is not None:
            # the date the operator verified is the one the worklist counts the days to
            referral.eviction_date = indicators["eviction_date"]
        referral.updated_at = now
        emergency = bool(pis) and (previous is None or previous.pis_situation != pis)
        if emergency:
            tx.emit(
                events.EMERGENCY_PLACEMENT_REQUESTED,
                emergency_data(referral, row),
                actor=actor,
                subject=referral.id,
                tenant=referral.comune_istat,
            )
        result = assessment_record(row)
        result["emergency_placement_requested"] = emergency
        return result


def referral_facts(referral: Referral) -> dict:
    """What the grading rules read of the referral (``grading.referral_indicators``)."""
    return {
        "problem_reported": referral.problem_reported,
        "housing_situation": referral.housing_situation,
        "eviction_date": referral.eviction_date,
        "monthly_rent_cents": referral.monthly_rent_cents,
        "monthly_net_income_cents": referral.monthly_net_income_cents,
        "minors": referral.minors,
        "over_65": referral.over_65,
    }


def emergency_data(referral: Referral, assessment: Assessment) -> dict:
    return events.case_event(
        referral,
        "requested_at",
        assessment.at,
        comune_name=reference.comune_name(referral.comune_istat),
        assessment_id=assessment.id,
        pis_situation=assessment.pis_situation,
        grade=4,
        household=cases.household_counts(referral),
    )


def list_assessments(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> list:
    """Every assessment of the case, newest first."""
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE)
        audit.record(tx.session, actor, "list_assessments", referral.id, purpose)
        rows = tx.session.scalars(
            select(Assessment)
            .where(Assessment.referral_id == referral.id)
            .order_by(Assessment.at.desc())
        ).all()
        return [assessment_record(r) for r in rows]


def assessment_record(row: Assessment) -> dict:
    return {
        "id": row.id,
        "referral_id": row.referral_id,
        "suggested_grade": row.suggested_grade,
        "explanation": list(row.explanation),
        "grade": row.grade,
        "overridden": row.overridden,
        "override_reason": row.override_reason,
        "pis_situation": row.pis_situation,
        "indicators": dict(row.indicators),
        "at": row.at,
        "by": row.by,
    }
