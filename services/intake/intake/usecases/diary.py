"""The case diary (diario degli interventi): append-only entries, some confidential, and the
joint interviews (colloqui congiunti) with the comune's social worker."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import DiaryEntry
from ..domain import clock, lifecycle, permissions
from ..domain.eligibility import it_date
from ..domain.vocabulary import JOINT_INTERVIEW
from . import audit, cases


def add_diary_entry(db: Db, actor: Actor, referral_id, data: dict) -> dict:
    with db.transaction() as tx:
        referral = cases.load(
            tx.session, actor, referral_id, permissions.WRITE_DIARY, for_update=True
        )
        lifecycle.ensure_not_declined(referral.status, "given diary entries")
        entry = new_entry(
            referral,
            actor,
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            text=data["text"],
            confidential=data["confidential"],
        )
        tx.session.add(entry)
        cases.touch(referral)
        return entry_record(entry)


def schedule_interview(db: Db, actor: Actor, referral_id, data: dict) -> dict:
    """A joint interview goes in the diary as a ``colloquio_congiunto`` entry at the time it is
    fixed for, with where and who."""
    with db.transaction() as tx:
        referral = cases.load(
            tx.session, actor, referral_id, permissions.SCHEDULE_INTERVIEW, for_update=True
        )
        lifecycle.ensure_open(referral.status, "given an interview")
        local = data["scheduled_at"].astimezone(clock.LOCAL_TIMEZONE)
        text = (
            f"Colloquio congiunto fissato per il {it_date(local.date())} alle "
            f"{local:%H:%M} presso {data['location']}. "
            f"Partecipanti: {', '.join(data['participants'])}."
        )
        entry = new_entry(
            referral,
            actor,
            kind=JOINT_INTERVIEW,
            occurred_at=data["scheduled_at"],
            text=text,
            confidential=False,
            interview={
                "scheduled_at": data["scheduled_at"].isoformat(),
                "location": data["location"],
                "participants": list(data["participants"]),
            },
        )
        tx.session.add(entry)
        cases.touch(referral)
        return entry_record(entry)


def list_diary(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> list[dict]:
    """Oldest first. A confidential entry shows its text only to its author and to the operator
    the case was assigned to when it was written; others see that it exists. Each confidential
    entry shown is audited on its own."""
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE)
        audit.record(tx.session, actor, "list_diary", referral.id, purpose)
        return visible_entries(tx.session, actor, referral.id, purpose)


def visible_entries(session: Session, actor: Actor, referral_id: str, purpose) -> list[dict]:
    """The case's entries as ``actor`` may see them (placeholders for confidential ones they may
    not read; each one they may read is audited), oldest first."""
    entries = session.scalars(
        select(DiaryEntry)
        .where(DiaryEntry.referral_id == referral_id)
        .order_by(DiaryEntry.occurred_at, DiaryEntry.recorded_at, DiaryEntry.id)
    ).all()
    shown = []
    for e in entries:
        if not e.confidential:
            shown.append(entry_record(e))
        elif permissions.may_read_confidential(actor.sub, e.author, e.case_assignee):
            audit.record(session, actor, "read_confidential_entry", referral_id, purpose)
            shown.append(entry_record(e))
        else:
            shown.append(_placeholder(e))
    return shown


def new_entry(referral, actor: Actor, **fields) -> DiaryEntry:
    return DiaryEntry(
        id=str(uuid.uuid4()),
        referral_id=referral.id,
        author=actor.sub,
        author_name=actor.name or None,
        author_role=actor.role,
        recorded_at=clock.now(),
        case_assignee=referral.assigned_to,
        **fields,
    )


def entry_record(entry: DiaryEntry) -> dict:
    return {
        "id": entry.id,
        "referral_id": entry.referral_id,
        "kind": entry.kind,
        "occurred_at": entry.occurred_at,
        "text": entry.text,
        "confidential": entry.confidential,
        "author": entry.author,
        "author_name": entry.author_name,
        "author_role": entry.author_role,
        "recorded_at": entry.recorded_at,
        "interview": entry.interview,
    }


def _placeholder(entry: DiaryEntry) -> dict:
    return {
        "id": entry.id,
        "referral_id": entry.referral_id,
        "confidential": True,
        "kind": entry.kind,
        "occurred_at": entry.occurred_at,
        "author": entry.author,
        "author_name": entry.author_name,
        "recorded_at": entry.recorded_at,
    }
