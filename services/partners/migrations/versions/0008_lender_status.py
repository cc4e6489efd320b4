"""lender status: the loans a lending partner (FWA) reports for households the agency sent to it
(``loan``: one row per partner loan reference, its current state, answering one
``partner_referral``) and every status it reported
(``lender_status``, unique per partner-given ``status_id``: a retried report is found, not
stored again). The agency never becomes the lender.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "loan",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("partner_code", sa.String(20), sa.ForeignKey("partner.code"), nullable=False),
        sa.Column("loan_ref", sa.String(64), nullable=False),
        sa.Column(
            "partner_referral_id",
            sa.String(36),
            sa.ForeignKey("partner_referral.id"),
            nullable=False,
        ),
        sa.Column("product", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("disbursed_cents", sa.Integer, nullable=False),
        sa.Column("repaid_cents", sa.Integer, nullable=False),
        sa.Column("instalments", sa.Integer, nullable=False),
        sa.Column("instalment_cents", sa.Integer, nullable=False),
        sa.Column("first_due_on", sa.Date, nullable=False),
        sa.Column("plan", sa.Integer, nullable=False),
        sa.Column("paid", sa.JSON, nullable=False),
        sa.Column("missed", sa.JSON, nullable=False),
        sa.Column("last_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("partner_code", "loan_ref", name="uq_loan_partner_ref"),
    )
    op.create_index("ix_loan_partner_referral_id", "loan", ["partner_referral_id"])
    op.create_table(
        "lender_status",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("loan_id", sa.Integer, sa.ForeignKey("loan.id"), nullable=False),
        sa.Column("partner_code", sa.String(20), nullable=False),
        sa.Column("status_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sa.Column("state_after", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("partner_code", "status_id", name="uq_lender_status_partner_id"),
    )
    op.create_index("ix_lender_status_loan_id", "lender_status", ["loan_id"])


def downgrade():
    op.drop_index("ix_lender_status_loan_id", "lender_status")
    op.drop_table("lender_status")
    op.drop_index("ix_loan_partner_referral_id", "loan")
    op.drop_table("loan")
