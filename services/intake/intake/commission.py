"""The Commissione (coordinator only): meetings, proposals about cases, decisions, minutes.
A decision is announced as ``intake.commission_decision_made.v1``. Proposals about cases outside
the coordinator's comuni are not shown (and answer ``ProposalNotFound``)."""
from __future__ import annotations

import uuid

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import cases, clock, events, reference
from .domain import commission as rules
from .domain import lifecycle, permissions
from .errors import MeetingNotFound, ProposalNotFound, ProposalsPending
from .models import CommissionMeeting, CommissionProposal


def create_meeting(db: Db, actor: Actor, data: dict) -> dict:
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.transaction() as tx:
        meeting = CommissionMeeting(id=str(uuid.uuid4()), date=data["date"],
                                    location=data["location"], created_at=clock.now(),
                                    created_by=actor.sub)
        tx.session.add(meeting)
        return meeting_record(meeting, [])


def add_proposal(db: Db, actor: Actor, meeting_id, data: dict) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, data["referral_id"], permissions.COMMISSION,
                              for_update=True)
        meeting = _meeting(tx.session, meeting_id, for_update=True)
        rules.ensure_meeting_open(meeting.minutes_at is not None)
        lifecycle.ensure_in_charge(referral.status, "proposed to the commission")
        proposal = CommissionProposal(
            id=str(uuid.uuid4()), meeting_id=meeting.id, referral_id=referral.id,
            comune_istat=referral.comune_istat, kind=data["kind"], notes=data.get("notes"),
            status=rules.PENDING, proposed_at=clock.now(), proposed_by=actor.sub)
        tx.session.add(proposal)
        tx.session.flush()
        return proposal_record(proposal, meeting, cases.head_names(tx.session, [referral.id]))


def decide_proposal(db: Db, actor: Actor, proposal_id, data: dict) -> dict:
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.transaction() as tx:
        proposal = _proposal(tx.session, actor, proposal_id)
        meeting = _meeting(tx.session, proposal.meeting_id, for_update=True)
        rules.ensure_meeting_open(meeting.minutes_at is not None)
        rules.ensure_pending(proposal.status)
        now = clock.now()
        proposal.status = data["decision"]
        proposal.decision_notes = data.get("notes")
        proposal.decided_at, proposal.decided_by = now, actor.sub
        tx.emit(events.COMMISSION_DECISION_MADE, {
            "proposal_id": proposal.id, "meeting_id": meeting.id,
            "meeting_date": meeting.date.isoformat(), "referral_id": proposal.referral_id,
            "comune_istat": proposal.comune_istat, "kind": proposal.kind,
            "decision": proposal.status, "decided_at": now.isoformat()},
            actor=actor, subject=proposal.referral_id, tenant=proposal.comune_istat)
        tx.session.flush()
        return proposal_record(proposal, meeting,
                               cases.head_names(tx.session, [proposal.referral_id]))


def record_minutes(db: Db, actor: Actor, meeting_id, text: str) -> dict:
    """The verbale closes the meeting: every proposal must be decided (or postponed) first."""
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.transaction() as tx:
        meeting = _meeting(tx.session, meeting_id, for_update=True)
        rules.ensure_meeting_open(meeting.minutes_at is not None)
        pending = tx.session.scalar(select(func.count()).select_from(CommissionProposal).where(
            CommissionProposal.meeting_id == meeting.id,
            CommissionProposal.status == rules.PENDING))
        if pending:
            raise ProposalsPending(f"{pending} proposal(s) still to decide or postpone",
                                   pending=pending)
        meeting.minutes, meeting.minutes_at, meeting.minutes_by = text, clock.now(), actor.sub
        tx.session.flush()
        return meeting_record(meeting, _proposals(tx.session, actor, [meeting.id]))


def get_meeting(db: Db, actor: Actor, meeting_id) -> dict:
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.session() as session:
        meeting = _meeting(session, meeting_id)
        return meeting_record(meeting, _proposals(session, actor, [meeting.id]))


def list_meetings(db: Db, actor: Actor) -> list[dict]:
    """Every meeting, latest date first, with its proposals in the actor's scope."""
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.session() as session:
        meetings = session.scalars(select(CommissionMeeting).order_by(
            CommissionMeeting.date.desc(), CommissionMeeting.created_at.desc())).all()
        proposals = _proposals(session, actor, [m.id for m in meetings])
        return [meeting_record(m, [p for p in proposals if p["meeting_id"] == m.id])
                for m in meetings]


def _meeting(session: Session, meeting_id, for_update: bool = False) -> CommissionMeeting:
    if not isinstance(meeting_id, str):
        raise MeetingNotFound(f"meeting {meeting_id} not found", meeting_id=str(meeting_id))
    query = select(CommissionMeeting).where(CommissionMeeting.id == meeting_id)
    meeting = session.scalars(query.with_for_update() if for_update else query).one_or_none()
    if meeting is None:
        raise MeetingNotFound(f"meeting {meeting_id} not found", meeting_id=str(meeting_id))
    return meeting


def _proposal(session: Session, actor: Actor, proposal_id) -> CommissionProposal:
    if not isinstance(proposal_id, str) or not actor.comuni:
        raise ProposalNotFound(f"proposal {proposal_id} not found",
                               proposal_id=str(proposal_id))
    proposal = session.scalars(select(CommissionProposal).where(
        CommissionProposal.id == proposal_id,
        CommissionProposal.comune_istat.in_(actor.comuni)).with_for_update()).one_or_none()
    if proposal is None:
        raise ProposalNotFound(f"proposal {proposal_id} not found",
                               proposal_id=str(proposal_id))
    return proposal


def _proposals(session: Session, actor: Actor, meeting_ids) -> list[dict]:
    if not meeting_ids or not actor.comuni:
        return []
    rows = session.scalars(select(CommissionProposal).where(
        CommissionProposal.meeting_id.in_(meeting_ids),
        CommissionProposal.comune_istat.in_(actor.comuni))
        .order_by(CommissionProposal.proposed_at, CommissionProposal.id)).all()
    heads = cases.head_names(session, [r.referral_id for r in rows])
    return [proposal_record(r, None, heads) for r in rows]


def proposal_record(p: CommissionProposal, meeting: CommissionMeeting | None,
                    heads: dict) -> dict:
    record = {"id": p.id, "meeting_id": p.meeting_id, "referral_id": p.referral_id,
              "comune_istat": p.comune_istat, "comune_name": reference.comune_name(p.comune_istat),
              "head_name": heads.get(p.referral_id), "kind": p.kind, "notes": p.notes,
              "status": p.status, "decision": None if p.status == rules.PENDING else p.status,
              "decision_notes": p.decision_notes,
              "decided_at": p.decided_at and clock.as_utc(p.decided_at),
              "decided_by": p.decided_by, "proposed_at": clock.as_utc(p.proposed_at),
              "proposed_by": p.proposed_by}
    if meeting is not None:
        record["meeting_date"] = meeting.date
    return record


def meeting_record(m: CommissionMeeting, proposals: list[dict]) -> dict:
    return {"id": m.id, "date": m.date, "location": m.location, "minutes": m.minutes,
            "minutes_at": m.minutes_at and clock.as_utc(m.minutes_at),
            "minutes_by": m.minutes_by, "closed": m.minutes_at is not None,
            "created_at": clock.as_utc(m.created_at), "created_by": m.created_by,
            "proposals": proposals}
