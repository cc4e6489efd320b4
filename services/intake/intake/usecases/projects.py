"""The individual project (PEI/PAI), versioned with optimistic concurrency.

A save names the version it was based on (``expected_version``). The current row is updated
with ``UPDATE ... WHERE version = expected`` (the first version is an INSERT on the primary key),
so of two concurrent saves based on the same version exactly one wins, even across processes;
the other gets ``ProjectVersionConflict`` and nothing of it is stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.schemas import jsonable

from ..adapters import events
from ..adapters.models import DiaryEntry, Project, ProjectAction, ProjectVersion, Referral
from ..domain import clock, lifecycle, permissions, vocabulary
from ..domain import project as rules
from ..errors import ActionOutcomeInvalid, ProjectVersionConflict
from . import audit, cases, diary


def get_project(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> dict:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE)
        audit.record(tx.session, actor, "get_project", referral.id, purpose)
        return project_record(referral.id, tx.session.get(Project, referral.id))


def list_project_versions(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> list:
    with db.transaction() as tx:
        referral = cases.load(tx.session, actor, referral_id, permissions.READ_CASE)
        audit.record(tx.session, actor, "list_project_versions", referral.id, purpose)
        rows = tx.session.scalars(
            select(ProjectVersion)
            .where(ProjectVersion.referral_id == referral.id)
            .order_by(ProjectVersion.version.desc())
        )
        return [
            {
                "referral_id": r.referral_id,
                "version": r.version,
                "objectives": list(r.objectives),
                "actions": list(r.actions),
                "agreed_on": r.agreed_on,
                "updated_at": r.saved_at,
                "updated_by": r.saved_by,
            }
            for r in rows
        ]


def save_project(db: Db, actor: Actor, referral_id, expected_version: int, data: dict) -> dict:
    try:
        with db.transaction() as tx:
            referral = cases.load(tx.session, actor, referral_id, permissions.WRITE_PROJECT)
            lifecycle.ensure_in_charge(referral.status, "given a project")
            current = tx.session.get(Project, referral.id)
            current_version = current.version if current else 0
            if expected_version != current_version:
                raise _conflict(expected_version, current_version)
            actions, new = rules.merge_actions(
                current.actions if current else [],
                jsonable(data["actions"]),
                lambda: str(uuid.uuid4()),
            )
            now = clock.now()
            row = {
                "objectives": list(data["objectives"]),
                "actions": actions,
                "agreed_on": data["agreed_on"],
                "updated_at": now,
                "updated_by": actor.sub,
            }
            _write(tx.session, referral.id, expected_version, row)
            for action in new:
                if action["fulfilled_by"]:
                    tx.emit(
                        events.ACTION_REQUESTED,
                        action_requested(referral, action, expected_version + 1, now),
                        actor=actor,
                        subject=referral.id,
                        tenant=referral.comune_istat,
                    )
            cases.touch(referral)
            return project_record(referral.id, None, version=expected_version + 1, **row)
    except IntegrityError:
        # Another save of the same version committed first (first version, or a race the
        # UPDATE's WHERE did not see on this database): the caller must reload.
        raise _conflict(expected_version, None) from None


def _write(session: Session, referral_id: str, expected_version: int, row: dict) -> None:
    """The new version: conditional UPDATE (or INSERT of version 1), history row, action rows."""
    new_version = expected_version + 1
    if expected_version == 0:
        session.execute(insert(Project).values(referral_id=referral_id, version=1, **row))
    else:
        result = session.execute(
            update(Project)
            .where(Project.referral_id == referral_id, Project.version == expected_version)
            .values(version=new_version, **row)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise _conflict(expected_version, None)
    session.execute(
        insert(ProjectVersion).values(
            referral_id=referral_id,
            version=new_version,
            objectives=row["objectives"],
            actions=row["actions"],
            agreed_on=row["agreed_on"],
            saved_at=row["updated_at"],
            saved_by=row["updated_by"],
        )
    )
    session.execute(delete(ProjectAction).where(ProjectAction.referral_id == referral_id))
    if row["actions"]:
        session.execute(
            insert(ProjectAction),
            [
                {
                    "referral_id": referral_id,
                    "action_id": a["id"],
                    "type": a["type"],
                    "description": a["description"],
                    "status": a["status"],
                    "due_date": clock.parse_date(a.get("due_date")),
                }
                for a in row["actions"]
            ],
        )


def _conflict(expected: int, current: int | None) -> ProjectVersionConflict:
    where = f" (current version {current})" if current is not None else ""
    return ProjectVersionConflict(
        f"the project changed since version {expected}{where}: reload it and save again",
        expected_version=expected,
        current_version=current,
    )


def action_requested(referral: Referral, action: dict, version: int, at) -> dict:
    return events.case_event(
        referral,
        "requested_at",
        at,
        action_id=action["id"],
        action_type=action["type"],
        fulfilled_by=action["fulfilled_by"],
        partner_code=action.get("partner_code"),
        partner_service=action.get("partner_service"),
        due_date=action.get("due_date"),
        responsible=action["responsible"],
        project_version=version,
        household=cases.household_counts(referral),
    )


def apply_action_outcome(tx, actor, service: str, data: dict) -> None:
    """``<service>.action_outcome_recorded``: set the action's status, as a new project version
    saved by the service. An unknown case or action, or a case outside the comuni of the
    event's signed actor, is bad data (parked, not retried): nothing changes. A partner's
    answer to a referral sent from the case (no ``action_id``) is the diary entry only: no
    project needed, no action touched. Redelivery is a no-op (the handler's inbox)."""
    referral = tx.session.get(Referral, data["referral_id"])
    if referral is not None and not actor.can_see(referral.comune_istat):
        raise ActionOutcomeInvalid({"referral_id": [{"code": "referral_out_of_actor_scope"}]})
    if data.get("action_id") is None:
        _case_sent_partner_answer(tx, actor, service, referral, data)
        return
    current = tx.session.get(Project, data["referral_id"])
    if referral is None or current is None:
        raise ActionOutcomeInvalid({"referral_id": [{"code": "project_missing"}]})
    if data.get("comune_istat") and data["comune_istat"] != referral.comune_istat:
        raise ActionOutcomeInvalid({"comune_istat": [{"code": "comune_mismatch"}]})
    outcome = {
        "service": service,
        "status": data["status"],
        "outcome": data.get("outcome"),
        "recorded_at": data["recorded_at"],
    }
    actions = rules.apply_outcome(
        current.actions, data["action_id"], service, data["status"], outcome
    )
    if actions is None:
        raise ActionOutcomeInvalid({"action_id": [{"code": "action_unknown", "service": service}]})
    _write(
        tx.session,
        referral.id,
        current.version,
        {
            "objectives": list(current.objectives),
            "actions": actions,
            "agreed_on": current.agreed_on,
            "updated_at": clock.now(),
            "updated_by": f"service:{service}",
        },
    )
    if data.get("partner_code"):
        tx.session.add(partner_diary_entry(referral, actor, data))
    cases.touch(referral)


def _case_sent_partner_answer(tx, actor, service: str, referral, data: dict) -> None:
    """A partner's answer to a referral sent from the case's "Invii ai partner" tab."""
    if service != "partners" or not data.get("partner_code"):
        raise ActionOutcomeInvalid({"action_id": [{"code": "required"}]})
    if referral is None:
        raise ActionOutcomeInvalid({"referral_id": [{"code": "referral_not_found"}]})
    if data.get("comune_istat") and data["comune_istat"] != referral.comune_istat:
        raise ActionOutcomeInvalid({"comune_istat": [{"code": "comune_mismatch"}]})
    tx.session.add(partner_diary_entry(referral, actor, data))
    cases.touch(referral)


def partner_diary_entry(referral: Referral, actor: Actor, data: dict) -> DiaryEntry:
    """A partner's answer to a referral, in the case's diary (not confidential: the partner's
    words on the service, no more)."""
    text = (
        f"Aggiornamento dal partner {data['partner_code']}"
        f"{' (' + data['service_label'] + ')' if data.get('service_label') else ''}: "
        f"{data.get('outcome_label') or data.get('outcome') or data['status']}."
    )
    if data.get("reason"):
        text += f" Motivo: {data['reason']}"
    return diary.new_entry(
        referral,
        actor,
        kind=vocabulary.PARTNER_UPDATE,
        occurred_at=datetime.fromisoformat(data["recorded_at"]),
        text=text,
        confidential=False,
    )


def project_record(referral_id: str, row: Project | None, **values) -> dict:
    if row is not None:
        values = {
            "version": row.version,
            "objectives": row.objectives,
            "actions": row.actions,
            "agreed_on": row.agreed_on,
            "updated_at": row.updated_at,
            "updated_by": row.updated_by,
        }
    elif not values:
        values = {
            "version": 0,
            "objectives": [],
            "actions": [],
            "agreed_on": None,
            "updated_at": None,
            "updated_by": None,
        }
    return {
        "referral_id": referral_id,
        "version": values["version"],
        "objectives": list(values["objectives"]),
        "actions": list(values["actions"]),
        "agreed_on": values["agreed_on"],
        "updated_at": values["updated_at"],
        "updated_by": values["updated_by"],
    }
