"""Use cases on conventions: read a partner with every version of its conventions, edit a
convention, suspend and resume it (``set_status``).

Every change adds the next version of the convention (rows are never updated): the caller says
which version it edited (``expected_version``), and a convention changed meanwhile is a
``ConventionVersionConflict``. Each change is audited in its transaction (the chassis audit
trail, under the convention's code: a convention is no household).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import ConventionRow, Partner
from ..domain import editing, permissions
from ..domain.conventions import ACTIVE, SUSPENDED
from ..errors import (
    ConventionInvalid,
    ConventionNotFound,
    ConventionStatusConflict,
    ConventionUnchanged,
    ConventionVersionConflict,
    PartnerNotFound,
)
from .catalogue import convention_of, convention_record, partner_summary

PURPOSE = "gestione delle convenzioni con i partner"


def get_partner(db: Db, actor: Actor, partner_code: str, day: date | None = None) -> dict:
    """The partner as the list shows it, with every version of each of its conventions, oldest
    first: who recorded it, when, and what changed from the version before."""
    permissions.ensure(actor.role, permissions.READ_PARTNERS)
    with db.session() as session:
        partner = session.get(Partner, partner_code)
        if partner is None:
            raise PartnerNotFound(partner_code=partner_code)
        rows = session.scalars(
            select(ConventionRow)
            .where(ConventionRow.partner_code == partner_code)
            .order_by(ConventionRow.code, ConventionRow.version)
        ).all()
        summary = partner_summary(partner, [convention_of(r) for r in rows], day)
    histories: dict[str, list[dict]] = {}
    for row in rows:
        versions = histories.setdefault(row.code, [])
        before = columns(rows_by_version(rows, row.code, row.version - 1))
        versions.append(
            {
                **convention_record(convention_of(row)),
                "recorded_at": row.recorded_at,
                "recorded_by": row.recorded_by,
                "changes": editing.changes(before, columns(row)),
            }
        )
    return {
        **summary,
        "conventions": [
            {"code": code, "current": versions[-1], "versions": versions}
            for code, versions in histories.items()
        ],
    }


def edit_convention(
    db: Db,
    actor: Actor,
    partner_code: str,
    convention_code: str,
    expected_version: int,
    changes: dict,
) -> dict:
    """The next version of the convention with ``changes`` (``schemas.ConventionChanges``)."""
    permissions.ensure(actor.role, permissions.EDIT_CONVENTIONS)
    return _next_version(
        db, actor, (partner_code, convention_code), expected_version, changes, "edit_convention"
    )


# status -> (the audited action, the status it changes from)
STATUS_CHANGES = {
    SUSPENDED: ("suspend_convention", ACTIVE),
    ACTIVE: ("resume_convention", SUSPENDED),
}


def set_status(
    db: Db,
    actor: Actor,
    partner_code: str,
    convention_code: str,
    expected_version: int,
    status: str,
    reason: str,
) -> dict:
    """The next version, suspended (``sospesa``: from now on the partner gets nothing under it,
    ``sharing.recipients``) or resumed (``attiva``), with ``reason``; suspending a suspended
    convention or resuming an active one is a ``ConventionStatusConflict``."""
    permissions.ensure(actor.role, permissions.EDIT_CONVENTIONS)
    action, from_status = STATUS_CHANGES[status]
    return _next_version(
        db,
        actor,
        (partner_code, convention_code),
        expected_version,
        {"status": status, "status_reason": reason},
        action,
        from_status,
    )


def _next_version(db, actor, codes, expected_version, changes, action, from_status=None) -> dict:
    """The next version of convention ``codes`` = (partner code, convention code)."""
    partner_code, code = codes
    with db.transaction() as tx:
        current = tx.session.scalar(
            select(ConventionRow)
            .where(ConventionRow.code == code, ConventionRow.partner_code == partner_code)
            .order_by(ConventionRow.version.desc())
            .limit(1)
            .with_for_update()
        )
        if current is None:
            raise ConventionNotFound(convention_code=code, partner_code=partner_code)
        if current.version != expected_version:
            raise ConventionVersionConflict(
                convention_code=code,
                expected_version=expected_version,
                current_version=current.version,
            )
        if from_status is not None and current.status != from_status:
            raise ConventionStatusConflict(convention_code=code, status=current.status)
        before = columns(current)
        after = {**before, **changes}
        errors = editing.rule_errors(after)
        if errors:
            raise ConventionInvalid(errors)
        if not editing.changes(before, after):
            raise ConventionUnchanged(convention_code=code, version=current.version)
        row = ConventionRow(
            partner_code=current.partner_code,
            code=code,
            version=current.version + 1,
            **after,
            recorded_at=datetime.now(UTC),
            recorded_by=actor.sub,
        )
        tx.session.add(row)
        tx.session.flush()
        audit.record(
            tx.session,
            actor,
            action,
            code,
            purpose=PURPOSE,
            data_set=f"convention v{row.version}",
            at=row.recorded_at,
        )
        record = {
            **convention_record(convention_of(row)),
            "recorded_at": row.recorded_at,
            "recorded_by": row.recorded_by,
            "changes": editing.changes(before, after),
        }
    return record


def columns(row: ConventionRow | None) -> dict | None:
    """The columns of a version that an edit or a status change may change."""
    if row is None:
        return None
    return {name: getattr(row, name) for name in editing.COMPARED}


def rows_by_version(rows, code: str, version: int) -> ConventionRow | None:
    return next((r for r in rows if r.code == code and r.version == version), None)
