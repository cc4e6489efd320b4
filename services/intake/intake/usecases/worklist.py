"""The operator's worklist: what needs doing next in the comuni in scope. Each section is one
indexed query, counted in full and answered one page at a time, most urgent first: triage with
an eviction within 30 days (or past) first by its date, then by received date, oldest first;
overdue actions by days late, most first; evictions, documents and commission meetings by their
date, soonest first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, case, func, select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import reference
from ..adapters.models import CommissionMeeting, CommissionProposal, ProjectAction, Referral
from ..domain import clock, commission, lifecycle, permissions
from ..domain import project as project_rules
from ..domain.eligibility import it_date
from ..domain.scope import visible_comuni
from ..schemas.cases import WORKLIST_PAGE_SIZE, WORKLIST_SECTIONS
from . import audit, cases

HORIZON_DAYS = 30
PAGE_SIZE = WORKLIST_PAGE_SIZE
SECTIONS = WORKLIST_SECTIONS


def get_worklist(
    db: Db,
    actor: Actor,
    purpose: str | None = None,
    comune_istat: str | None = None,
    mine: bool = False,
    pages: dict[str, int] | None = None,
    page_size: int = PAGE_SIZE,
) -> dict:
    """One page of each section (``pages``: section -> page number, 1 if absent) and each
    section's real count, in the comuni in scope (or the one ``comune_istat``), only the
    cases assigned to the actor when ``mine``. Each referral listed (with its head's name) is
    audited in the same transaction."""
    permissions.ensure(actor.role, permissions.READ_WORKLIST)
    pages = {name: max(1, int((pages or {}).get(name) or 1)) for name in SECTIONS}
    result: dict = {name: [] for name in SECTIONS}
    result |= {
        "totals": dict.fromkeys(SECTIONS, 0),
        "pages": pages,
        "page_size": page_size,
    }
    comuni = visible_comuni(actor.comuni, comune_istat)
    if not comuni:
        return result
    today = clock.local_date(clock.now())
    horizon = today + timedelta(days=HORIZON_DAYS)
    R = Referral
    scoped = [R.comune_istat.in_(comuni)]
    if mine:
        scoped.append(R.assigned_to == actor.sub)
    is_open = R.status.in_(lifecycle.OPEN)
    eviction_near = and_(R.eviction_date.is_not(None), R.eviction_date <= horizon)
    queries = {
        "awaiting_triage": (
            select(R.id, R.comune_istat, R.received_at, R.status, R.eviction_date)
            .where(*scoped, R.status.in_(lifecycle.TRIAGEABLE))
            .order_by(
                case((eviction_near, 0), else_=1),
                case((eviction_near, R.eviction_date), else_=None),
                R.received_at,
                R.id,
            )
        ),
        "overdue_actions": (
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
                *scoped,
                R.status == lifecycle.IN_CARICO,
                ProjectAction.due_date < today,
                ProjectAction.status.not_in(project_rules.DONE_STATUSES),
            )
            .order_by(ProjectAction.due_date, R.id, ProjectAction.action_id)
        ),
        "evictions_within_30_days": (
            select(R.id, R.comune_istat, R.eviction_date)
            .where(*scoped, is_open, R.eviction_date >= today, R.eviction_date <= horizon)
            .order_by(R.eviction_date, R.id)
        ),
        "documents_expiring": (
            select(R.id, R.comune_istat, R.documents_expiring_on)
            .where(*scoped, is_open, R.documents_expiring_on <= horizon)
            .order_by(R.documents_expiring_on, R.id)
        ),
        "awaiting_assignment": (
            select(R.id, R.comune_istat, R.received_at)
            .where(*scoped, R.status == lifecycle.IN_CARICO, R.assigned_to.is_(None))
            .order_by(R.received_at, R.id)
        ),
        "proposals_awaiting_commission": (
            select(
                CommissionProposal.id.label("proposal_id"),
                CommissionProposal.referral_id.label("id"),
                CommissionProposal.comune_istat,
                CommissionProposal.kind,
                CommissionMeeting.id.label("meeting_id"),
                CommissionMeeting.date,
            )
            .join(CommissionMeeting, CommissionMeeting.id == CommissionProposal.meeting_id)
            .join(R, R.id == CommissionProposal.referral_id)
            .where(*scoped, CommissionProposal.status == commission.PENDING)
            .order_by(CommissionMeeting.date, CommissionProposal.proposed_at, CommissionProposal.id)
        ),
    }
    rows = {}
    with db.transaction() as tx:
        session = tx.session
        for name, query in queries.items():
            result["totals"][name] = session.scalar(
                select(func.count()).select_from(query.order_by(None).subquery())
            )
            rows[name] = session.execute(
                query.limit(page_size).offset((pages[name] - 1) * page_size)
            ).all()
        listed = {r.id: r.comune_istat for section in rows.values() for r in section}
        heads = cases.head_names(session, listed)
        for referral_id in sorted(listed):
            audit.record(session, actor, "get_worklist", referral_id, purpose, listed[referral_id])
    awaiting, overdue, evictions, documents, proposals, unassigned = (
        rows[name] for name in SECTIONS
    )

    def item(referral_id, comune, day, what, **extra):
        return {
            "referral_id": referral_id,
            "comune_istat": comune,
            "comune": reference.comune_name(comune),
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
            eviction_date=r.eviction_date,
            urgent=bool(r.eviction_date and r.eviction_date <= horizon),
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
            days_late=(today - r.due_date).days,
        )
        for r in overdue
    ]
    result["awaiting_assignment"] = [
        item(
            r.id,
            r.comune_istat,
            clock.local_date(r.received_at),
            "Presa in carico, nessun operatore assegnato",
        )
        for r in unassigned
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
            p.id,
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
