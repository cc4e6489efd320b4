"""The audit trail every service keeps of personal data read or changed: append-only rows of who
(subject, role) did what (action, and which set of fields: a short name, never content) to which
household (``referral_id``, with its comune), when and why (purpose).

- :func:`add_audit_table` adds ``audit_event`` to a service's metadata, like the outbox and inbox
  (:mod:`abitare_chassis.tables`); a service migration creates it and then calls
  :func:`install_append_only`, which makes the database itself refuse UPDATE and DELETE on it
  (a trigger on SQLite and on PostgreSQL; on PostgreSQL also REVOKE from the service's user when
  it is not the owner).
- :func:`record` writes one row in the caller's session, so it commits (or rolls back) with the
  read or change it describes.
- :func:`trail` reads the rows of one household within the actor's comuni, oldest first.

Roles are the service's business: each service's ``domain/permissions.py`` says who may read the
trail (coordinators) before it calls :func:`trail`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session

from .actor import Actor
from .types import UtcDateTime

AUDIT = "audit_event"
DEFAULT_PURPOSE = "gestione del caso"
PURPOSE_MAX = 200
APPEND_ONLY_MESSAGE = "audit_event is append-only"


_COLUMNS = (
    lambda: Column("id", Integer, primary_key=True, autoincrement=True),
    lambda: Column("at", UtcDateTime, nullable=False),
    lambda: Column("actor_sub", String(200), nullable=False),
    lambda: Column("actor_role", String(30), nullable=False),
    lambda: Column("action", String(40), nullable=False),
    lambda: Column("referral_id", String(36), nullable=False),
    lambda: Column("comune_istat", String(6), nullable=True),
    lambda: Column("purpose", String(PURPOSE_MAX), nullable=True),
    lambda: Column("data_set", String(60), nullable=True),
)


def add_audit_table(metadata: MetaData) -> Table:
    """Add (or return the already added) ``audit_event`` table of ``metadata``."""
    if AUDIT in metadata.tables:
        return metadata.tables[AUDIT]
    return Table(
        AUDIT,
        metadata,
        *(make() for make in _COLUMNS),
        Index("ix_audit_event_referral_id_at", "referral_id", "at"),
    )


# The same table on its own: every service's copy has these columns, so the SQL written through
# it is the same whichever service's session runs it.
audit_event = add_audit_table(MetaData())


def record(
    session: Session,
    actor: Actor,
    action: str,
    referral_id: str,
    comune_istat: str | None = None,
    purpose: str | None = DEFAULT_PURPOSE,
    data_set: str | None = None,
    at: datetime | None = None,
) -> None:
    """One audit row in ``session``'s transaction. ``data_set`` names what was read
    (``"funds_file"``), never its content; ``at`` defaults to now (a service with its own clock
    passes it)."""
    session.execute(
        insert(audit_event).values(
            at=at or datetime.now(UTC),
            actor_sub=actor.sub,
            actor_role=actor.role,
            action=action,
            referral_id=str(referral_id),
            comune_istat=comune_istat,
            purpose=(purpose or DEFAULT_PURPOSE)[:PURPOSE_MAX],
            data_set=data_set,
        )
    )


def trail(session: Session, actor: Actor, referral_id: str) -> list[dict]:
    """The rows of ``referral_id`` whose comune is in the actor's scope, oldest first."""
    table = audit_event
    rows = (
        session.execute(
            select(table)
            .where(table.c.referral_id == str(referral_id), table.c.comune_istat.in_(actor.comuni))
            .order_by(table.c.at, table.c.id)
        )
        .mappings()
        .all()
    )
    return [row_record(row) for row in rows]


def purpose_field():
    """The ``purpose`` argument of a read RPC (the gateway sets it; None means the default)."""
    return fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=PURPOSE_MAX)
    )


class AuditQuery(Schema):
    """The arguments of every service's ``list_audit`` RPC."""

    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    purpose = purpose_field()
    export = fields.Boolean(load_default=False)


def row_record(row) -> dict:
    return {
        "id": row["id"],
        "at": row["at"],
        "actor_sub": row["actor_sub"],
        "actor_role": row["actor_role"],
        "action": row["action"],
        "referral_id": row["referral_id"],
        "comune_istat": row["comune_istat"],
        "purpose": row["purpose"],
        "data_set": row["data_set"],
    }


# -- append-only, installed by each service's migration ----------------------------------------
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {AUDIT} "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {AUDIT} "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
)
POSTGRES_STATEMENTS = (
    "CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege'; "
    "END $$",
    f"CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON {AUDIT} "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()",
    f"CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {AUDIT} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()",
)
POSTGRES_REVOKE = f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT} FROM CURRENT_USER"


def install_append_only(op) -> None:
    """Make ``audit_event`` append-only in the database (call from a migration's upgrade,
    after the table exists). On PostgreSQL, when the connected user is not the table's owner
    (a service user separate from the owner that runs migrations as itself is the exception),
    its UPDATE/DELETE privileges are revoked too; the trigger refuses them in every case."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_STATEMENTS:
            op.execute(statement)
        owner, user = (
            op.get_bind()
            .exec_driver_sql(
                f"SELECT tableowner, current_user FROM pg_tables WHERE tablename = '{AUDIT}' "
                "AND schemaname = current_schema()"
            )
            .one()
        )
        if owner != user:
            op.execute(POSTGRES_REVOKE)
    else:
        raise NotImplementedError(f"append-only audit not implemented for {dialect}")


def remove_append_only(op) -> None:
    """The downgrade of :func:`install_append_only`."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_update_delete ON {AUDIT}")
        op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {AUDIT}")
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse_change()")


def create_audit_table(op, sa) -> None:
    """``audit_event`` as of chassis audit version 1 (a migration's copy of the schema: a later
    change to :func:`add_audit_table` comes with a new function, never an edit of this one)."""
    op.create_table(
        AUDIT,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(30), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("comune_istat", sa.String(6), nullable=True),
        sa.Column("purpose", sa.String(PURPOSE_MAX), nullable=True),
        sa.Column("data_set", sa.String(60), nullable=True),
    )
    op.create_index("ix_audit_event_referral_id_at", AUDIT, ["referral_id", "at"])
    install_append_only(op)
