"""Use cases of morosità incolpevole: open a household's arrears file, record the eviction's
stages with their dates, check the access criteria, compute the contribution, read the file,
list the hearings and executions coming up, and pseudonymise it with its case.

The household must have a funds file in the actor's comuni (the referral's scope); a file
outside the scope does not exist for that actor. Every read and change of a file is audited in
its transaction (``abitare_chassis.audit``); the rules are ``domain.arrears_relief``'s.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import ArrearsContribution, ArrearsFile, ArrearsStage
from ..domain import arrears_relief as rules
from ..domain import permissions
from ..domain.dates import local_date
from ..errors import (
    ArrearsFileExists,
    ArrearsFileNotFound,
    ArrearsFilePseudonymised,
)
from . import files  # the funds file: the household's scope (files imports this module too)

log = logging.getLogger(__name__)

DATA_SET = "arrears_file"
FACT_FIELDS = {f.name: f for f in dataclass_fields(rules.Facts)}
CAUSE_FIELDS = ("cause", "cause_note", "income_loss_on")  # kept in their own columns
DATE_FACTS = ("income_loss_on", "lease_start", "resident_since")
DATE_REQUEST = ("lease_end",)


def _today() -> date:
    return local_date(datetime.now(UTC))


# -- writes ---------------------------------------------------------------------------------------
def open_arrears_file(
    db: Db, actor: Actor, referral_id: str, data: dict, today: date | None = None
) -> dict:
    """The arrears file of ``referral_id`` with its first stage (``morosita_lieve`` or
    ``intimazione_notificata``), the cause of the income loss and the facts known so far."""
    permissions.ensure(actor.role, permissions.WRITE_ARREARS)
    today = today or _today()
    facts = dict(data.get("facts") or {})
    rules.check_cause_input(data.get("cause"), data.get("cause_note"))
    first = rules.check_stage([], _stage(data), today)
    with db.transaction() as tx:
        funds_file = files._file_in_scope(tx.session, actor, referral_id)
        if funds_file.pseudonymised_at is not None:
            raise ArrearsFilePseudonymised(referral_id=referral_id)
        exists = tx.session.scalar(
            select(ArrearsFile.id).where(ArrearsFile.referral_id == funds_file.referral_id)
        )
        if exists is not None:
            raise ArrearsFileExists(referral_id=referral_id)
        now = datetime.now(UTC)
        file = ArrearsFile(
            id=str(uuid.uuid4()),
            referral_id=funds_file.referral_id,
            comune_istat=funds_file.comune_istat,
            stage=first.stage,
            stage_on=first.on,
            due_on=first.due_on,
            due_kind=first.due_kind,
            cause=data.get("cause"),
            cause_note=data.get("cause_note"),
            income_loss_on=data.get("income_loss_on"),
            facts=_facts_json(facts),
            opened_at=now,
            opened_by=actor.sub,
            updated_at=now,
        )
        tx.session.add(file)
        try:
            tx.session.flush()
        except IntegrityError:  # opened at the same moment by someone else: the unique key
            raise ArrearsFileExists(referral_id=referral_id) from None
        tx.session.add(_stage_row(file, first, data.get("note"), actor, now))
        _audit(tx.session, actor, "open_arrears_file", file)
        return _record(tx.session, file)


def record_stage(
    db: Db, actor: Actor, referral_id: str, data: dict, today: date | None = None
) -> dict:
    """The next stage of the eviction with its date (and the date it fixes next): refused with
    a coded error, nothing written, when the move or its dates are impossible."""
    permissions.ensure(actor.role, permissions.WRITE_ARREARS)
    today = today or _today()
    with db.transaction() as tx:
        file = _file_in_scope(tx.session, actor, referral_id, for_update=True)
        history = _history(tx.session, file)
        new = rules.check_stage([_domain_stage(s) for s in history], _stage(data), today)
        now = datetime.now(UTC)
        tx.session.add(_stage_row(file, new, data.get("note"), actor, now))
        file.stage, file.stage_on = new.stage, new.on
        file.due_on, file.due_kind = new.due_on, new.due_kind
        file.updated_at = now
        _audit(tx.session, actor, "record_arrears_stage", file)
        return _record(tx.session, file)


def check_criteria(
    db: Db,
    actor: Actor,
    referral_id: str,
    data: dict | None = None,
    today: date | None = None,
) -> dict:
    """Update the facts given (cause, ISE/ISEE, lease, residence, citizenship, dwelling,
    preferential criteria; the ones not given stay) and check each access criterion on
    ``data["on"]`` (today by default); the check is stored on the file."""
    permissions.ensure(actor.role, permissions.WRITE_ARREARS)
    data = dict(data or {})
    on = data.pop("on", None) or today or _today()
    with db.transaction() as tx:
        file = _file_in_scope(tx.session, actor, referral_id, for_update=True)
        cause = data.get("cause", file.cause)
        note = data.get("cause_note", file.cause_note)
        rules.check_cause_input(cause, note)
        for name in CAUSE_FIELDS:
            if name in data:
                setattr(file, name, data.pop(name))
        file.facts = {**file.facts, **_facts_json(data)}
        history = [_domain_stage(s) for s in _history(tx.session, file)]
        assessment = rules.assess(_facts(file), history, on)
        file.criteria = assessment.as_record()
        file.eligibility, file.checked_on = assessment.eligibility, on
        file.updated_at = datetime.now(UTC)
        _audit(tx.session, actor, "check_arrears_criteria", file)
        return file.criteria


def compute_contribution(
    db: Db,
    actor: Actor,
    referral_id: str,
    data: dict,
    today: date | None = None,
) -> dict:
    """The contribution lines a–d for the amounts asked, capped, stored with the file."""
    permissions.ensure(actor.role, permissions.WRITE_ARREARS)
    data = dict(data)
    on = data.pop("on", None) or today or _today()
    request = rules.ContributionRequest(**data)
    with db.transaction() as tx:
        file = _file_in_scope(tx.session, actor, referral_id, for_update=True)
        contribution = rules.compute_contribution(request, on)
        row = ArrearsContribution(
            id=str(uuid.uuid4()),
            arrears_file_id=file.id,
            request={k: _json_value(v) for k, v in data.items()},
            computation=contribution.as_record(),
            total_cents=contribution.total_cents,
            to_verify=contribution.to_verify,
            computed_on=on,
            created_at=datetime.now(UTC),
            created_by=actor.sub,
        )
        tx.session.add(row)
        file.updated_at = row.created_at
        _audit(tx.session, actor, "compute_arrears_contribution", file)
        return _contribution_record(row, file.eligibility)


# -- reads ----------------------------------------------------------------------------------------
def get_arrears_file(db: Db, actor: Actor, referral_id: str, purpose: str | None = None) -> dict:
    permissions.ensure(actor.role, permissions.READ_ARREARS)
    with db.transaction() as tx:
        file = _file_in_scope(tx.session, actor, referral_id)
        _audit(tx.session, actor, "get_arrears_file", file, purpose)
        return _record(tx.session, file)


def evictions_due(
    db: Db,
    actor: Actor,
    until: date,
    today: date | None = None,
    purpose: str | None = None,
) -> list[dict]:
    """The hearings, executions and accesses fixed from today to ``until`` (inclusive) in the
    actor's comuni, soonest first; files at a final stage wait for nothing. Each household
    listed is audited."""
    permissions.ensure(actor.role, permissions.READ_ARREARS)
    today = today or _today()
    with db.transaction() as tx:
        files = tx.session.scalars(
            select(ArrearsFile)
            .where(
                ArrearsFile.comune_istat.in_(actor.comuni),
                ArrearsFile.due_on.is_not(None),
                ArrearsFile.due_on >= today,
                ArrearsFile.due_on <= until,
                ArrearsFile.stage.not_in(sorted(rules.FINAL)),
            )
            .order_by(ArrearsFile.due_on, ArrearsFile.referral_id)
        ).all()
        for file in files:
            _audit(tx.session, actor, "evictions_due", file, purpose, data_set="arrears_due")
        return [
            {
                "referral_id": f.referral_id,
                "comune_istat": f.comune_istat,
                "due_on": f.due_on,
                "due_kind": f.due_kind,
                "stage": f.stage,
                "stage_words": rules.STAGE_WORDS[f.stage],
                "stage_on": f.stage_on,
            }
            for f in files
        ]


# -- pseudonymisation (intake.case_pseudonymised.v1, in the funds file's transaction) -----------
PSEUDONYMISED_NOTE = "Rimosso alla pseudonimizzazione del caso (conservazione scaduta)."


def pseudonymise_arrears(session: Session, keys: dict) -> bool:
    """Remove the household's facts, notes and amounts from its arrears file (the stages with
    their dates, the eligibility and the totals stay for the counts). True if done now."""
    file = session.scalar(
        select(ArrearsFile).where(
            ArrearsFile.referral_id == keys["referral_id"],
            ArrearsFile.comune_istat == keys["comune_istat"],
        )
    )
    if file is None or file.pseudonymised_at is not None:
        return False
    now = datetime.now(UTC)
    file.facts, file.criteria = {}, None
    file.cause_note = PSEUDONYMISED_NOTE if file.cause_note else None
    file.income_loss_on = None
    file.pseudonymised_at = file.updated_at = now
    for stage in _history(session, file):
        stage.note = None
    for row in session.scalars(
        select(ArrearsContribution).where(ArrearsContribution.arrears_file_id == file.id)
    ):
        row.request = row.computation = None
    log.info("arrears file of referral %s pseudonymised", keys["referral_id"])
    return True


# -- helpers --------------------------------------------------------------------------------------
def _file_in_scope(
    session: Session, actor: Actor, referral_id: str, for_update: bool = False
) -> ArrearsFile:
    query = select(ArrearsFile).where(
        ArrearsFile.referral_id == referral_id, ArrearsFile.comune_istat.in_(actor.comuni)
    )
    if for_update:
        query = query.with_for_update()  # PostgreSQL: stages of one file queue up
    file = session.scalar(query)
    if file is None:
        raise ArrearsFileNotFound(referral_id=referral_id)
    if for_update and file.pseudonymised_at is not None:
        raise ArrearsFilePseudonymised(referral_id=referral_id)
    return file


def _history(session: Session, file: ArrearsFile) -> list[ArrearsStage]:
    return list(
        session.scalars(
            select(ArrearsStage)
            .where(ArrearsStage.arrears_file_id == file.id)
            .order_by(ArrearsStage.id)
        )
    )


def _stage(data: dict) -> rules.Stage:
    return rules.Stage(
        stage=data["stage"],
        on=data["on"],
        due_on=data.get("due_on"),
        hardship=bool(data.get("hardship")),
    )


def _domain_stage(row: ArrearsStage) -> rules.Stage:
    return rules.Stage(row.stage, row.happened_on, row.due_on, row.hardship)


def _stage_row(file, stage: rules.Stage, note, actor: Actor, now) -> ArrearsStage:
    return ArrearsStage(
        arrears_file_id=file.id,
        stage=stage.stage,
        happened_on=stage.on,
        due_on=stage.due_on,
        hardship=stage.hardship,
        note=note,
        recorded_at=now,
        recorded_by=actor.sub,
    )


def _json_value(value):
    return value.isoformat() if isinstance(value, date) else value


def _facts_json(facts: dict) -> dict:
    return {
        k: _json_value(v) for k, v in facts.items() if k in FACT_FIELDS and k not in CAUSE_FIELDS
    }


def _facts(file: ArrearsFile) -> rules.Facts:
    stored = dict(file.facts or {})
    for name in DATE_FACTS:
        if isinstance(stored.get(name), str):
            stored[name] = date.fromisoformat(stored[name])
    return rules.Facts(
        **stored,
        cause=file.cause,
        cause_note=file.cause_note,
        income_loss_on=file.income_loss_on,
    )


def _audit(session, actor, action, file, purpose=None, data_set=DATA_SET) -> None:
    audit.record(
        session,
        actor,
        action,
        file.referral_id,
        comune_istat=file.comune_istat,
        purpose=purpose,
        data_set=data_set,
    )


def _contribution_record(row: ArrearsContribution, eligibility: str | None) -> dict:
    return {
        "id": row.id,
        "computed_on": row.computed_on,
        "created_at": row.created_at,
        "created_by": row.created_by,
        "request": row.request,
        "computation": row.computation,
        "total_cents": row.total_cents,
        "to_verify": row.to_verify,
        "eligibility": eligibility,
    }


def _record(session: Session, file: ArrearsFile) -> dict:
    """What the service answers about a file: dates and aware datetimes, ``jsonable`` at the
    edge."""
    stages = _history(session, file)
    contributions = session.scalars(
        select(ArrearsContribution)
        .where(ArrearsContribution.arrears_file_id == file.id)
        .order_by(ArrearsContribution.created_at, ArrearsContribution.id)
    ).all()
    final = file.stage in rules.FINAL
    return {
        "referral_id": file.referral_id,
        "comune_istat": file.comune_istat,
        "stage": file.stage,
        "stage_words": rules.STAGE_WORDS[file.stage],
        "stage_on": file.stage_on,
        "due_on": None if final else file.due_on,
        "due_kind": None if final else file.due_kind,
        "allowed_next": sorted(rules.allowed_next(file.stage)),
        "cause": file.cause,
        "cause_words": rules.CAUSES.get(file.cause) if file.cause else None,
        "cause_note": file.cause_note,
        "income_loss_on": file.income_loss_on,
        "facts": dict(file.facts or {}),
        "assessment": file.criteria,
        "eligibility": file.eligibility,
        "checked_on": file.checked_on,
        "opened_at": file.opened_at,
        "opened_by": file.opened_by,
        "updated_at": file.updated_at,
        "pseudonymised_at": file.pseudonymised_at,
        "stages": [
            {
                "stage": s.stage,
                "stage_words": rules.STAGE_WORDS[s.stage],
                "on": s.happened_on,
                "due_on": s.due_on,
                "due_kind": _domain_stage(s).due_kind,
                "hardship": s.hardship,
                "note": s.note,
                "recorded_at": s.recorded_at,
                "recorded_by": s.recorded_by,
            }
            for s in stages
        ],
        "contributions": [_contribution_record(c, file.eligibility) for c in contributions],
    }
