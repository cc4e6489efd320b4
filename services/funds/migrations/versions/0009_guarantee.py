"""garanzia: the landlord guarantee fund (covers of canone concordato contracts, landlords'
claims, the tenant's repayment instalments), domain/guarantee.py.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guarantee_cover",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(36), nullable=False, index=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("landlord_name", sa.String(200), nullable=True),
        sa.Column("dwelling_address", sa.String(300), nullable=True),
        sa.Column("monthly_rent_cents", sa.Integer, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("duration_months", sa.Integer, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("attestazione", sa.Boolean, nullable=False),
        sa.Column("gross_annual_income_cents", sa.Integer, nullable=True),
        sa.Column("eligible", sa.Boolean, nullable=False),
        sa.Column("rent_to_gross_income", sa.String(16), nullable=True),
        sa.Column("cover_cap_cents", sa.Integer, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("paid_cents", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("idempotency_hash", sa.String(64), nullable=True),
        sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("created_by", "idempotency_key"),
    )
    op.create_table(
        "guarantee_claim",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "cover_id",
            sa.String(36),
            sa.ForeignKey("guarantee_cover.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("referral_id", sa.String(36), nullable=False, index=True),
        sa.Column("comune_istat", sa.String(6), nullable=False),
        sa.Column("arrears_from", sa.Date, nullable=False),
        sa.Column("dwelling_recovered_on", sa.Date, nullable=False),
        sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("unpaid_rent_cents", sa.Integer, nullable=False),
        sa.Column("legal_costs_cents", sa.Integer, nullable=False),
        sa.Column("recovered_cents", sa.Integer, nullable=False),
        sa.Column("deposit_kept_cents", sa.Integer, nullable=False),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("owed_cents", sa.Integer, nullable=False),
        sa.Column("cap_cents", sa.Integer, nullable=False),
        sa.Column("payable_cents", sa.Integer, nullable=False),
        sa.Column("explanation", sa.JSON, nullable=False),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(200), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("idempotency_hash", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("paid_cents", sa.Integer, nullable=True),
        sa.Column("paid_on", sa.Date, nullable=True),
        sa.Column("refusal_reason", sa.Text, nullable=True),
        sa.UniqueConstraint("filed_by", "idempotency_key"),
    )
    op.create_table(
        "guarantee_instalment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "claim_id",
            sa.String(36),
            sa.ForeignKey("guarantee_claim.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("marked_on", sa.Date, nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("marked_by", sa.String(200), nullable=True),
        sa.UniqueConstraint("claim_id", "number"),
    )


def downgrade():
    op.drop_table("guarantee_instalment")
    op.drop_table("guarantee_claim")
    op.drop_table("guarantee_cover")
