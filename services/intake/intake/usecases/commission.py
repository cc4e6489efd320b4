"""The Commissione (coordinator only): meetings, proposals about cases, decisions, minutes.
A decision is announced as ``intake.commission_decision_made.v1``.

A meeting is for a set of comuni (stored with it; by default the creator's): it is visible to,
and run by, coordinators whose scope covers every one of them, since its minutes are free text
about all its cases; only cases of those comuni are proposed to it. Anything else answers
``MeetingNotFound`` / ``ProposalNotFound``, and no answer counts or names another comune's
proposals. Every list or record showing proposals (head of household names) is audited."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events, reference
from ..adapters.models import (
    CommissionMeeting,
    CommissionMeetingComune,
    CommissionProposal,
    HouseholdMember,
    Project,
    Referral,
)
from ..domain import clock, codice_fiscale, household, lifecycle, permissions
from ..domain import commission as rules
from ..errors import (
    InvalidInput,
    MeetingComuniOutOfScope,
    MeetingNotFound,
    NoProjectToValidate,
    ProposalNotFound,
    ProposalsPending,
)
from . import audit, cases, referrals


def create_meeting(db: Db, actor: Actor, data: dict) -> dict:
    permissions.ensure(actor.role, permissions.COMMISSION)
    comuni = sorted(set(data.get("comuni") or actor.comuni))
    if not comuni or not set(comuni) <= set(actor.comuni):
        raise MeetingComuniOutOfScope()
    with db.transaction() as tx:
        meeting = CommissionMeeting(
            id=str(uuid.uuid4()),
            date=data["date"],
            location=data["location"],
            created_at=clock.now(),
            created_by=actor.sub,
        )
        tx.session.add(meeting)
        tx.session.flush()
        tx.session.add_all(
            [CommissionMeetingComune(meeting_id=meeting.id, comune_istat=code) for code in comuni]
        )
        return meeting_record(meeting, comuni, [])


def add_proposal(db: Db, actor: Actor, meeting_id, data: dict) -> dict:
    with db.transaction() as tx:
        referral = cases.load(
            tx.session, actor, data["referral_id"], permissions.COMMISSION, for_update=True
        )
        meeting = _meeting(tx.session, actor, meeting_id, for_update=True)
        rules.ensure_meeting_open(meeting.minutes_at is not None)
        if referral.comune_istat not in _comuni(tx.session, [meeting.id])[meeting.id]:
            raise InvalidInput({"referral_id": [{"code": "referral_not_in_meeting_comuni"}]})
        lifecycle.ensure_in_charge(referral.status, "proposed to the commission")
        if data["kind"] == rules.VALIDATE_PROJECT and not tx.session.scalar(
            select(Project.referral_id).where(Project.referral_id == referral.id)
        ):
            # nothing to validate yet: the project is written first (Progetto tab)
            raise NoProjectToValidate(f"case {referral.id} has no project to validate")
        proposal = CommissionProposal(
            id=str(uuid.uuid4()),
            meeting_id=meeting.id,
            referral_id=referral.id,
            comune_istat=referral.comune_istat,
            kind=data["kind"],
            notes=data.get("notes"),
            status=rules.PENDING,
            proposed_at=clock.now(),
            proposed_by=actor.sub,
        )
        tx.session.add(proposal)
        tx.session.flush()
        audit.record(tx.session, actor, "add_proposal", referral.id)
        return proposal_record(proposal, meeting, cases.head_names(tx.session, [referral.id]))


def agenda_candidates(
    db: Db, actor: Actor, meeting_id, text: str, purpose: str | None = None, limit: int = 20
) -> list[dict]:
    """The cases a coordinator may put on the meeting's agenda, found by the head's or any
    member's name (each word the start of a surname or first name: "ross mar") or by a member's
    codice fiscale (exact, any case): cases in charge in the meeting's comuni, those whose
    project waits for validation first, then by name. Without ``text``, only those waiting.
    Each case listed is audited."""
    permissions.ensure(actor.role, permissions.COMMISSION)
    words = (text or "").split()
    with db.transaction() as tx:
        meeting = _meeting(tx.session, actor, meeting_id)
        comuni = _comuni(tx.session, [meeting.id])[meeting.id]
        waiting = _awaiting_validation()
        query = (
            select(Referral, waiting.label("awaiting_validation"))
            .where(
                Referral.comune_istat.in_(comuni),
                Referral.comune_istat.in_(actor.comuni),
                Referral.status == lifecycle.IN_CARICO,
            )
            .order_by(waiting.desc(), Referral.received_at.desc(), Referral.id)
            .limit(limit)
        )
        if words:
            query = query.where(_household_matches(words))
        else:
            query = query.where(waiting)
        rows = tx.session.execute(query).all()
        ids = [referral.id for referral, _ in rows]
        heads = cases.head_names(tx.session, ids)
        on_agenda = set(
            tx.session.scalars(
                select(CommissionProposal.referral_id).where(
                    CommissionProposal.meeting_id == meeting.id,
                    CommissionProposal.referral_id.in_(ids),
                )
            )
        )
        for referral, _ in rows:
            audit.record(
                tx.session, actor, "agenda_candidates", referral.id, purpose, referral.comune_istat
            )
        found = [
            {
                "referral_id": referral.id,
                "head_name": heads.get(referral.id),
                "comune_istat": referral.comune_istat,
                "comune_name": reference.comune_name(referral.comune_istat),
                "received_at": referral.received_at,
                "current_grade": referral.current_grade,
                "awaiting_validation": bool(awaiting),
                "on_agenda": referral.id in on_agenda,
            }
            for referral, awaiting in rows
        ]
    return sorted(found, key=lambda c: (not c["awaiting_validation"], (c["head_name"] or "")))


def _awaiting_validation():
    """A project whose validation is neither decided in favour nor already proposed."""
    proposed = select(CommissionProposal.referral_id).where(
        CommissionProposal.referral_id == Referral.id,
        CommissionProposal.kind == rules.VALIDATE_PROJECT,
        CommissionProposal.status.in_((rules.PENDING, rules.APPROVED)),
    )
    project = select(Project.referral_id).where(Project.referral_id == Referral.id)
    return and_(project.exists(), ~proposed.exists())


def _household_matches(words: list[str]):
    """A member with that codice fiscale, or whose surname or first name starts with each word,
    on the indexed search keys the Schede search uses ("d'ang" finds D'Àngelo)."""
    member = select(HouseholdMember.referral_id).where(HouseholdMember.referral_id == Referral.id)
    if len(words) == 1 and len(words[0]) == codice_fiscale.LENGTH:
        by_code = member.where(HouseholdMember.codice_fiscale == words[0].upper())
    else:
        by_code = None
    keys = [key for key in map(household.search_key, words) if key]
    if not keys:  # only punctuation typed: no name to look for
        return by_code.exists() if by_code is not None else false()
    by_name = member
    for key in keys:
        by_name = by_name.where(
            or_(
                referrals.starts_with(HouseholdMember.last_name_key, key),
                referrals.starts_with(HouseholdMember.first_name_key, key),
            )
        )
    return or_(by_name.exists(), by_code.exists()) if by_code is not None else by_name.exists()


def decide_proposal(db: Db, actor: Actor, proposal_id, data: dict) -> dict:
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.transaction() as tx:
        proposal = _proposal(tx.session, actor, proposal_id)
        try:
            meeting = _meeting(tx.session, actor, proposal.meeting_id, for_update=True)
        except MeetingNotFound:
            raise _proposal_not_found(proposal_id) from None
        rules.ensure_meeting_open(meeting.minutes_at is not None)
        rules.ensure_pending(proposal.status)
        now = clock.now()
        proposal.status = data["decision"]
        proposal.decision_notes = data.get("notes")
        proposal.decided_at, proposal.decided_by = now, actor.sub
        tx.emit(
            events.COMMISSION_DECISION_MADE,
            {
                "proposal_id": proposal.id,
                "meeting_id": meeting.id,
                "meeting_date": meeting.date.isoformat(),
                "referral_id": proposal.referral_id,
                "comune_istat": proposal.comune_istat,
                "kind": proposal.kind,
                "decision": proposal.status,
                "decided_at": now.isoformat(),
            },
            actor=actor,
            subject=proposal.referral_id,
            tenant=proposal.comune_istat,
        )
        tx.session.flush()
        audit.record(tx.session, actor, "decide_proposal", proposal.referral_id)
        return proposal_record(
            proposal, meeting, cases.head_names(tx.session, [proposal.referral_id])
        )


def record_minutes(db: Db, actor: Actor, meeting_id, text: str) -> dict:
    """The verbale closes the meeting: every proposal must be decided (or postponed) first."""
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.transaction() as tx:
        meeting = _meeting(tx.session, actor, meeting_id, for_update=True)
        rules.ensure_meeting_open(meeting.minutes_at is not None)
        pending = tx.session.scalar(
            select(func.count())
            .select_from(CommissionProposal)
            .where(
                CommissionProposal.meeting_id == meeting.id,
                CommissionProposal.status == rules.PENDING,
            )
        )
        if pending:  # every proposal of a visible meeting is of a comune in the actor's scope
            raise ProposalsPending(
                f"{pending} proposal(s) still to decide or postpone", pending=pending
            )
        meeting.minutes, meeting.minutes_at, meeting.minutes_by = text, clock.now(), actor.sub
        tx.session.flush()
        return _records(tx.session, actor, [meeting], "record_minutes", None)[0]


def get_meeting(db: Db, actor: Actor, meeting_id, purpose: str | None = None) -> dict:
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.transaction() as tx:
        meeting = _meeting(tx.session, actor, meeting_id)
        return _records(tx.session, actor, [meeting], "get_meeting", purpose)[0]


def list_meetings(db: Db, actor: Actor, purpose: str | None = None) -> list[dict]:
    """The meetings the actor may see, latest date first, with their proposals."""
    permissions.ensure(actor.role, permissions.COMMISSION)
    with db.transaction() as tx:
        meetings = tx.session.scalars(
            select(CommissionMeeting)
            .where(_visible(actor))
            .order_by(CommissionMeeting.date.desc(), CommissionMeeting.created_at.desc())
        ).all()
        return _records(tx.session, actor, meetings, "list_meetings", purpose)


def _records(
    session: Session, actor: Actor, meetings, action: str, purpose: str | None
) -> list[dict]:
    ids = [m.id for m in meetings]
    proposals, comuni = _proposals(session, actor, ids), _comuni(session, ids)
    for referral_id in sorted({p["referral_id"] for p in proposals}):
        audit.record(session, actor, action, referral_id, purpose)
    return [
        meeting_record(m, comuni[m.id], [p for p in proposals if p["meeting_id"] == m.id])
        for m in meetings
    ]


def _visible(actor: Actor):
    """A meeting with comuni, all of them in the actor's scope."""
    mc = CommissionMeetingComune
    mine = select(mc.meeting_id).where(mc.meeting_id == CommissionMeeting.id)
    outside = mine.where(mc.comune_istat.not_in(actor.comuni))
    return and_(mine.exists(), ~outside.exists())


def _comuni(session: Session, meeting_ids) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {meeting_id: [] for meeting_id in meeting_ids}
    if meeting_ids:
        for row in session.execute(
            select(CommissionMeetingComune)
            .where(CommissionMeetingComune.meeting_id.in_(meeting_ids))
            .order_by(CommissionMeetingComune.comune_istat)
        ).scalars():
            found[row.meeting_id].append(row.comune_istat)
    return found


def _meeting(
    session: Session, actor: Actor, meeting_id, for_update: bool = False
) -> CommissionMeeting:
    if not isinstance(meeting_id, str) or not actor.comuni:
        raise MeetingNotFound(f"meeting {meeting_id} not found", meeting_id=str(meeting_id))
    query = select(CommissionMeeting).where(CommissionMeeting.id == meeting_id, _visible(actor))
    meeting = session.scalars(query.with_for_update() if for_update else query).one_or_none()
    if meeting is None:
        raise MeetingNotFound(f"meeting {meeting_id} not found", meeting_id=str(meeting_id))
    return meeting


def _proposal_not_found(proposal_id) -> ProposalNotFound:
    return ProposalNotFound(f"proposal {proposal_id} not found", proposal_id=str(proposal_id))


def _proposal(session: Session, actor: Actor, proposal_id) -> CommissionProposal:
    if not isinstance(proposal_id, str) or not actor.comuni:
        raise _proposal_not_found(proposal_id)
    proposal = session.scalars(
        select(CommissionProposal)
        .where(
            CommissionProposal.id == proposal_id, CommissionProposal.comune_istat.in_(actor.comuni)
        )
        .with_for_update()
    ).one_or_none()
    if proposal is None:
        raise _proposal_not_found(proposal_id)
    return proposal


def _proposals(session: Session, actor: Actor, meeting_ids) -> list[dict]:
    if not meeting_ids or not actor.comuni:
        return []
    rows = session.scalars(
        select(CommissionProposal)
        .where(
            CommissionProposal.meeting_id.in_(meeting_ids),
            CommissionProposal.comune_istat.in_(actor.comuni),
        )
        .order_by(CommissionProposal.proposed_at, CommissionProposal.id)
    ).all()
    heads = cases.head_names(session, [r.referral_id for r in rows])
    return [proposal_record(r, None, heads) for r in rows]


def proposal_record(p: CommissionProposal, meeting: CommissionMeeting | None, heads: dict) -> dict:
    record = {
        "id": p.id,
        "meeting_id": p.meeting_id,
        "referral_id": p.referral_id,
        "comune_istat": p.comune_istat,
        "comune_name": reference.comune_name(p.comune_istat),
        "head_name": heads.get(p.referral_id),
        "kind": p.kind,
        "notes": p.notes,
        "status": p.status,
        "decision": None if p.status == rules.PENDING else p.status,
        "decision_notes": p.decision_notes,
        "decided_at": p.decided_at,
        "decided_by": p.decided_by,
        "proposed_at": p.proposed_at,
        "proposed_by": p.proposed_by,
    }
    if meeting is not None:
        record["meeting_date"] = meeting.date
    return record


def meeting_record(m: CommissionMeeting, comuni: list[str], proposals: list[dict]) -> dict:
    return {
        "id": m.id,
        "date": m.date,
        "location": m.location,
        "comuni": [{"istat": code, "name": reference.comune_name(code)} for code in comuni],
        "minutes": m.minutes,
        "minutes_at": m.minutes_at,
        "minutes_by": m.minutes_by,
        "closed": m.minutes_at is not None,
        "created_at": m.created_at,
        "created_by": m.created_by,
        "proposals": proposals,
    }
