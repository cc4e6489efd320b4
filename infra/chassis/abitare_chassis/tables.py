"""The chassis tables every service database holds, added to the service's own metadata so its
Alembic migrations create them: ``outbox_message`` (events waiting to be published, sent, or
unheard: see :mod:`outbox`) and ``inbox_message`` (events a handler has already applied).
A new chassis column means a new revision in every service's ``migrations/``."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Text, UniqueConstraint

from .types import UtcDateTime

OUTBOX = "outbox_message"
INBOX = "inbox_message"


def add_chassis_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Add (or return the already added) outbox and inbox tables of ``metadata``."""
    if OUTBOX in metadata.tables:
        return metadata.tables[OUTBOX], metadata.tables[INBOX]
    outbox = Table(
        OUTBOX,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("exchange", String(200), nullable=False),
        Column("routing_key", String(200), nullable=False),
        Column("body", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("sent_at", UtcDateTime(), nullable=True, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UtcDateTime(), nullable=True),
        # published to no queue: nobody subscribed yet (not retried, not an error)
        Column("unheard_at", UtcDateTime(), nullable=True),
        Column("last_error", Text, nullable=True),
    )
    inbox = Table(
        INBOX,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False),
        Column("handler", String(200), nullable=False),
        Column("processed_at", UtcDateTime(), nullable=False),
        UniqueConstraint("event_id", "handler", name="uq_inbox_event_handler"),
    )
    return outbox, inbox
