"""initial tables: referral, household_member, chassis outbox_message and inbox_message

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("exchange", sa.String(length=200), nullable=False),
        sa.Column("routing_key", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_message"),
        sa.UniqueConstraint("event_id", name="uq_outbox_message_event_id"),
    )
    op.create_index("ix_outbox_message_sent_at", "outbox_message", ["sent_at"])

    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("handler", sa.String(length=200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_message"),
        sa.UniqueConstraint("event_id", "handler", name="uq_inbox_event_handler"),
    )

    op.create_table(
        "referral",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("comune_istat", sa.String(length=6), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("referring_body", sa.String(length=40), nullable=False),
        sa.Column("referring_body_name", sa.String(length=200), nullable=True),
        sa.Column("problem_reported", sa.String(length=60), nullable=False),
        sa.Column("housing_situation", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("eviction_date", sa.Date(), nullable=True),
        sa.Column("monthly_net_income_cents", sa.BigInteger(), nullable=True),
        sa.Column("monthly_rent_cents", sa.BigInteger(), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("minors", sa.Integer(), nullable=False),
        sa.Column("over_65", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_referral"),
        sa.UniqueConstraint(
            "submitted_by", "idempotency_key", name="uq_referral_submitted_by_idempotency_key"
        ),
    )
    op.create_index(
        "ix_referral_comune_istat_received_at", "referral", ["comune_istat", "received_at", "id"]
    )
    op.create_index("ix_referral_received_at", "referral", ["received_at", "id"])

    op.create_table(
        "household_member",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("codice_fiscale", sa.String(length=16), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("relation", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            ondelete="CASCADE",
            name="fk_household_member_referral_id_referral",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_household_member"),
    )
    op.create_index("ix_household_member_codice_fiscale", "household_member", ["codice_fiscale"])
    op.create_index("ix_household_member_referral_id", "household_member", ["referral_id"])


def downgrade() -> None:
    op.drop_table("household_member")
    op.drop_table("referral")
    op.drop_table("inbox_message")
    op.drop_table("outbox_message")
