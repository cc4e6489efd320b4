"""Initial funds schema: funds_file plus the chassis outbox and inbox.

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
        "funds_file",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("referral_id", sa.String(36), nullable=False, unique=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("household_size", sa.Integer, nullable=True),
        sa.Column("monthly_net_income_cents", sa.Integer, nullable=True),
        sa.Column("monthly_rent_cents", sa.Integer, nullable=True),
        sa.Column("referral_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("rent_to_income_ratio", sa.String(16), nullable=True),
        sa.Column("threshold", sa.String(16), nullable=True),
        sa.Column("threshold_valid_from", sa.Date, nullable=True),
        sa.Column("threshold_source", sa.String(300), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
    )
    create_chassis_tables()


def downgrade():
    op.drop_table("inbox_message")
    op.drop_table("outbox_message")
    op.drop_table("funds_file")


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
