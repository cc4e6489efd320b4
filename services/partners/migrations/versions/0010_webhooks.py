"""webhooks: partners' webhook endpoints, the messages to POST (written with their delivery) and
the delivery log of every attempt (domain/webhooks.py, usecases/webhooks.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner_code", sa.String(20), sa.ForeignKey("partner.code"), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("previous_secret", sa.String(100), nullable=True),
        sa.Column("previous_secret_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(20), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_webhook_endpoint_partner_code", "webhook_endpoint", ["partner_code"])
    op.create_table(
        "webhook_message",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column(
            "endpoint_id", sa.String(36), sa.ForeignKey("webhook_endpoint.id"), nullable=False
        ),
        sa.Column("partner_code", sa.String(20), sa.ForeignKey("partner.code"), nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("round_attempts", sa.Integer(), nullable=False),
        sa.Column("round_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("event_id", "endpoint_id", name="uq_webhook_message_event_endpoint"),
    )
    op.create_index("ix_webhook_message_event_id", "webhook_message", ["event_id"])
    op.create_index("ix_webhook_message_referral_id", "webhook_message", ["referral_id"])
    op.create_index("ix_webhook_message_due", "webhook_message", ["status", "next_attempt_at"])
    op.create_table(
        "webhook_attempt",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("webhook_message.id"), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("endpoint_id", sa.String(36), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error_class", sa.String(60), nullable=True),
        sa.Column("excerpt", sa.String(200), nullable=True),
    )
    op.create_index("ix_webhook_attempt_endpoint_id", "webhook_attempt", ["endpoint_id"])
    op.create_index("ix_webhook_attempt_at", "webhook_attempt", ["at"])


def downgrade():
    op.drop_table("webhook_attempt")
    op.drop_table("webhook_message")
    op.drop_table("webhook_endpoint")
