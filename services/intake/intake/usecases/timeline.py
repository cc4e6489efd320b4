"""The household's timeline as intake knows it (issue 8): every dated thing that happened to the
case, oldest first, and the requests the case made to other services with their state. The
gateway adds what the other services answer and writes it in Italian; intake answers codes.

An entry is ``{at, kind, tab, by, ...}``: ``tab`` is the case page's tab with the detail,
``by`` the actor's ``sub`` (``operator:...``, ``client:...``, ``service:...``) or ``None``.
A confidential diary entry the actor may not read comes as a placeholder (no text), as in the
diary (``diary.visible_entries``, which audits each one read).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import (
    Assessment,
    CaseAssignment,
    CaseClosure,
    CommissionProposal,
    Project,
    ProjectVersion,
    Referral,
    TriageDecision,
)
from ..domain import permissions
from ..domain import project as rules
from ..domain.vocabulary import JOINT_INTERVIEW
from . import audit, cases, diary

EXCERPT_CHARS = 160


def get_timeline(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE)
        audit.record(tx.session, actor, "get_timeline", referral.id, purpose)
        session = tx.session
        entries = [
            *_received(referral),
            *_triage(session, referral.id),
            *_assignments(session, referral.id),
            *_diary(session, actor, referral.id, purpose),
            *_assessments(session, referral.id),
            *_project(session, referral.id),
            *_commission(session, referral.id),
            *_closures(session, referral.id),
        ]
        entries.sort(key=lambda e: e["at"])
        return {
            "referral_id": referral.id,
            "entries": entries,
            "requests": requests_of(session, referral.id),
        }


def requests_of(session: Session, referral_id: str) -> list[dict]:
    """Every request the case made to another service, oldest first: the emergency placements
    of grade-4 assessments and the project's actions another service fulfils."""
    found = [
        {
            "kind": rules.EMERGENCY_PLACEMENT,
            "service": rules.EMERGENCY_PLACEMENT_BY,
            "state": rules.REQUEST_SENT,  # no service answers it yet (docs/architecture.md)
            "requested_at": row.at,
            "pis_situation": row.pis_situation,
            "outcome": None,
        }
        for row in _emergencies(session, referral_id)
    ]
    first_seen = _actions_first_seen(session, referral_id)
    project = session.get(Project, referral_id)
    for action in project.actions if project is not None else []:
        if not action.get("fulfilled_by"):
            continue
        found.append(
            {
                "kind": action["type"],
                "service": action["fulfilled_by"],
                "state": rules.request_state(action),
                "requested_at": first_seen.get(action["id"]),
                "action_id": action["id"],
                "partner_code": action.get("partner_code"),
                "description": action.get("description"),
                "outcome": action.get("outcome"),
            }
        )
    found.sort(key=lambda r: str(r["requested_at"] or ""))
    return found


# -- the parts ------------------------------------------------------------------------------------
def _received(referral: Referral) -> list[dict]:
    return [
        {
            "at": referral.received_at,
            "kind": "referral_received",
            "tab": "scheda",
            "by": referral.submitted_by,
            "referring_body": referral.referring_body,
            "problem_reported": referral.problem_reported,
        }
    ]


def _triage(session: Session, referral_id: str) -> list[dict]:
    rows = session.scalars(
        select(TriageDecision).where(TriageDecision.referral_id == referral_id)
    ).all()
    return [
        {
            "at": r.at,
            "kind": "triage",
            "tab": "triage",
            "by": r.by,
            "outcome": r.outcome,
            "reason": r.reason,
        }
        for r in rows
    ]


def _assignments(session: Session, referral_id: str) -> list[dict]:
    rows = session.scalars(
        select(CaseAssignment).where(CaseAssignment.referral_id == referral_id)
    ).all()
    return [
        {
            "at": r.assigned_at,
            "kind": "assigned",
            "tab": "triage",
            "by": r.assigned_by,
            "assigned_to": r.assigned_to,
        }
        for r in rows
    ]


def _diary(session: Session, actor: Actor, referral_id: str, purpose) -> list[dict]:
    shown = []
    for e in diary.visible_entries(session, actor, referral_id, purpose):
        text = e.get("text")
        shown.append(
            {
                "at": e["occurred_at"],
                "kind": "diary",
                "tab": "colloquio" if e["kind"] == JOINT_INTERVIEW else "diario",
                "by": e["author"],
                "by_name": e.get("author_name"),
                "diary_kind": e["kind"],
                "confidential": e["confidential"],
                "readable": text is not None,
                "excerpt": _excerpt(text),
            }
        )
    return shown


def _assessments(session: Session, referral_id: str) -> list[dict]:
    rows = session.scalars(
        select(Assessment).where(Assessment.referral_id == referral_id).order_by(Assessment.at)
    ).all()
    emergencies = {row.id for row in _emergency_rows(rows)}
    found = []
    for r in rows:
        found.append(
            {
                "at": r.at,
                "kind": "assessment",
                "tab": "valutazione",
                "by": r.by,
                "grade": r.grade,
                "suggested_grade": r.suggested_grade,
                "overridden": r.overridden,
                "pis_situation": r.pis_situation,
            }
        )
        if r.id in emergencies:
            found.append(
                {
                    "at": r.at,
                    "kind": "request_sent",
                    "tab": "valutazione",
                    "by": r.by,
                    "request": rules.EMERGENCY_PLACEMENT,
                    "service": rules.EMERGENCY_PLACEMENT_BY,
                    "pis_situation": r.pis_situation,
                }
            )
    return found


def _project(session: Session, referral_id: str) -> list[dict]:
    versions = session.scalars(
        select(ProjectVersion)
        .where(ProjectVersion.referral_id == referral_id)
        .order_by(ProjectVersion.version)
    ).all()
    found, seen, answered = [], set(), set()
    for v in versions:
        by_service = v.saved_by.startswith("service:")
        if not by_service:
            found.append(
                {
                    "at": v.saved_at,
                    "kind": "project_saved",
                    "tab": "progetto",
                    "by": v.saved_by,
                    "version": v.version,
                }
            )
        for action in v.actions:
            if action["id"] not in seen and action.get("fulfilled_by"):
                found.append(
                    {
                        "at": v.saved_at,
                        "kind": "request_sent",
                        "tab": "progetto",
                        "by": v.saved_by,
                        "request": action["type"],
                        "service": action["fulfilled_by"],
                        "partner_code": action.get("partner_code"),
                    }
                )
            seen.add(action["id"])
            outcome = action.get("outcome") or {}
            key = (action["id"], outcome.get("status"), outcome.get("recorded_at"))
            if outcome.get("status") and key not in answered:
                answered.add(key)
                found.append(
                    {
                        "at": _instant(outcome.get("recorded_at")) or v.saved_at,
                        "kind": "request_answered",
                        "tab": "progetto",
                        "by": f"service:{outcome.get('service') or action['fulfilled_by']}",
                        "request": action["type"],
                        "service": action["fulfilled_by"],
                        "state": rules.request_state(action),
                        "outcome": outcome.get("outcome"),
                    }
                )
    return found


def _commission(session: Session, referral_id: str) -> list[dict]:
    """Proposals and decisions: their kind and decision, not the commission's notes."""
    rows = session.scalars(
        select(CommissionProposal).where(CommissionProposal.referral_id == referral_id)
    ).all()
    found = []
    for p in rows:
        common = {"tab": "commissione", "meeting_id": p.meeting_id, "proposal_kind": p.kind}
        found.append({"at": p.proposed_at, "kind": "proposal", "by": p.proposed_by, **common})
        if p.decided_at is not None:
            found.append(
                {
                    "at": p.decided_at,
                    "kind": "decision",
                    "by": p.decided_by,
                    "decision": p.status,
                    **common,
                }
            )
    return found


def _closures(session: Session, referral_id: str) -> list[dict]:
    rows = session.scalars(select(CaseClosure).where(CaseClosure.referral_id == referral_id)).all()
    found = []
    for c in rows:
        found.append(
            {
                "at": c.closed_at,
                "kind": "closed",
                "tab": "chiusura",
                "by": c.closed_by,
                "outcome": c.outcome,
            }
        )
        if c.reopened_at is not None:
            found.append(
                {"at": c.reopened_at, "kind": "reopened", "tab": "chiusura", "by": c.reopened_by}
            )
    return found


# -- helpers --------------------------------------------------------------------------------------
def _emergencies(session: Session, referral_id: str) -> list[Assessment]:
    rows = session.scalars(
        select(Assessment).where(Assessment.referral_id == referral_id).order_by(Assessment.at)
    ).all()
    return _emergency_rows(rows)


def _emergency_rows(rows) -> list[Assessment]:
    """The assessments that asked for an emergency placement: a PIS situation new for the case
    (the rule of ``assessment.record_assessment``)."""
    found, previous = [], None
    for row in rows:
        if row.pis_situation and (previous is None or previous != row.pis_situation):
            found.append(row)
        previous = row.pis_situation
    return found


def _actions_first_seen(session: Session, referral_id: str) -> dict:
    rows = session.execute(
        select(ProjectVersion.saved_at, ProjectVersion.actions)
        .where(ProjectVersion.referral_id == referral_id)
        .order_by(ProjectVersion.version)
    ).all()
    first: dict = {}
    for saved_at, actions in rows:
        for action in actions:
            first.setdefault(action["id"], saved_at)
    return first


def _instant(value) -> datetime | None:
    """An outcome's ``recorded_at`` (ISO text in the project's JSON) as an aware datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _excerpt(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"
