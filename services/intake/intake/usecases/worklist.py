"""The operator's worklist: what needs doing next in the comuni in scope. Each list is one
indexed query, bounded, most urgent first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import reference
from ..adapters.models import CommissionMeeting, CommissionProposal, ProjectAction, Referral
from ..domain import clock, commission, lifecycle, permissions
from ..domain import project as project_rules
from ..domain.eligibility import it_date
from . import audit, cases

HORIZON_DAYS = 30
LIMIT = 100


def get_worklist(db: Db, actor: Actor, purpose: str | None = None) -> dict:
    """Each referral listed (with its head's name) is audited in the same transaction."""
    permissions.ensure(actor.role, permissions.READ_WORKLIST)
    result = {
        "awaiting_triage": [],
        "overdue_actions": [],
        "evictions_within_30_days": [],
        "documents_expiring": [],
        "proposals_awaiting_commission": [],
    }
    if not actor.comuni:
        return result
    today = clock.local_date(clock.now())
    horizon = today + timedelta(days=HORIZON_DAYS)
    scoped = Referral.comune_istat.in_(actor.comuni)
    is_open = Referral.status.in_(lifecycle.OPEN)
    R = Referral
    with db.transaction() as tx:
        session = tx.session
        awaiting = session.execute(
            select(R.id, R.comune_istat, R.received_at, R.status)
            .where(scoped, R.status.in_(lifecycle.TRIAGEABLE))
            .order_by(R.received_at, R.id)
            .limit(LIMIT)
        ).all()
        overdue = session.execute(
            select(
                R.id,
                R.comune_istat,
                ProjectAction.action_id,
                ProjectAction.type,
                ProjectAction.description,
                ProjectAction.due_date,
            )
            .join(ProjectAction, ProjectAction.referral_id == R.id)
            .where(
                scoped,
                R.status == lifecycle.IN_CARICO,
                ProjectAction.due_date < today,
                ProjectAction.status.not_in(project_rules.DONE_STATUSES),
            )
            .order_by(ProjectAction.due_date, R.id)
            .limit(LIMIT)
        ).all()
        evictions = session.execute(
            select(R.id, R.comune_istat, R.eviction_date)
            .where(scoped, is_open, R.eviction_date >= today, R.eviction_date <= horizon)
            .order_by(R.eviction_date, R.id)
            .limit(LIMIT)
        ).all()
        documents = session.execute(
            select(R.id, R.comune_istat, R.documents_expiring_on)
            .where(scoped, is_open, R.documents_expiring_on <= horizon)
            .order_by(R.documents_expiring_on, R.id)
            .limit(LIMIT)
        ).all()
        proposals = session.execute(
            select(
                CommissionProposal.id.label("proposal_id"),
                CommissionProposal.referral_id,
                CommissionProposal.comune_istat,
                CommissionProposal.kind,
                CommissionMeeting.id.label("meeting_id"),
                CommissionMeeting.date,
            )
            .join(CommissionMeeting, CommissionMeeting.id == CommissionProposal.meeting_id)
            .where(
                CommissionProposal.comune_istat.in_(actor.comuni),
                CommissionProposal.status == commission.PENDING,
            )
            .order_by(CommissionMeeting.date, CommissionProposal.proposed_at)
            .limit(LIMIT)
        ).all()
        listed = {r.id for r in (*awaiting, *overdue, *evictions, *documents)} | {
            p.referral_id for p in proposals
        }
        heads = cases.head_names(session, listed)
        for referral_id in sorted(listed):
            audit.record(session, actor, "get_worklist", referral_id, purpose)

    def item(referral_id, comune, day, what, **extra):
        return {
            "referral_id": referral_id,
            "comune_istat": comune,
            "comune_name": reference.comune_name(comune),
            "head_name": heads.get(referral_id),
            "date": day,
            "what": what,
            **extra,
        }

    result["awaiting_triage"] = [
        item(
            r.id,
            r.comune_istat,
            clock.local_date(r.received_at),
            "Informazioni richieste al Comune: rivalutare"
            if r.status == lifecycle.INFORMAZIONI_RICHIESTE
            else "Scheda ricevuta, da valutare",
            status=r.status,
        )
        for r in awaiting
    ]
    result["overdue_actions"] = [
        item(
            r.id,
            r.comune_istat,
            r.due_date,
            f"{project_rules.ACTION_TYPES[r.type]} scaduta il {it_date(r.due_date)}: "
            f"{r.description}",
            action_id=r.action_id,
        )
        for r in overdue
    ]
    result["evictions_within_30_days"] = [
        item(
            r.id, r.comune_istat, r.eviction_date, f"Sfratto fissato il {it_date(r.eviction_date)}"
        )
        for r in evictions
    ]
    result["documents_expiring"] = [
        item(
            r.id,
            r.comune_istat,
            r.documents_expiring_on,
            (
                "Documenti scaduti il "
                if r.documents_expiring_on < today
                else "Documenti in scadenza il "
            )
            + it_date(r.documents_expiring_on),
        )
        for r in documents
    ]
    result["proposals_awaiting_commission"] = [
        item(
            p.referral_id,
            p.comune_istat,
            p.date,
            f"{commission.PROPOSAL_KINDS[p.kind]}: in attesa della Commissione del "
            f"{it_date(p.date)}",
            proposal_id=p.proposal_id,
            meeting_id=p.meeting_id,
        )
        for p in proposals
    ]
    return result
