"""Initial housing_stock schema: housing_need plus the chassis outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "housing_need",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("referral_id", sa.String(36), nullable=False, unique=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("comune_name", sa.String(100), nullable=True),
        sa.Column("household_size", sa.Integer, nullable=True),
        sa.Column("minors", sa.Integer, nullable=True),
        sa.Column("over_65", sa.Integer, nullable=True),
        sa.Column("housing_situation", sa.String(60), nullable=True),
        sa.Column("eviction_date", sa.Date, nullable=True),
        sa.Column("min_bedrooms", sa.Integer, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
    )
    create_chassis_tables()


def downgrade():
    op.drop_table("inbox_message")
    op.drop_table("outbox_message")
    op.drop_table("housing_need")


def create_chassis_tables():
    """The chassis outbox/inbox as of this revision (abitare_chassis.tables)."""
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("exchange", sa.String(200), nullable=False),
        sa.Column("routing_key", sa.String(200), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("handler", sa.String(200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("event_id", "handler", name="uq_inbox_event_handler"),
    )
