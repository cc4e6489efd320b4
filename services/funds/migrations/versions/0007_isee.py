"""isee: certified ISEE attestations recorded for a household, and the agency's ISEE estimates
with the DSU figures, the result and the parameters they were computed from.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _household():
    return (
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(36), nullable=False, index=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
    )


def _figures():
    return (
        sa.Column("isee_cents", sa.Integer, nullable=False),
        sa.Column("ise_cents", sa.Integer, nullable=True),
        sa.Column("isr_cents", sa.Integer, nullable=True),
        sa.Column("isp_cents", sa.Integer, nullable=True),
        sa.Column("scale", sa.String(8), nullable=True),
    )


def upgrade():
    op.create_table(
        "isee_certified",
        *_household(),
        sa.Column("protocol", sa.String(60), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("regime", sa.String(30), nullable=False),
        *_figures(),
        sa.Column("dsu_date", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("referral_id", "protocol"),
    )
    op.create_table(
        "isee_estimate",
        *_household(),
        sa.Column("computed_on", sa.Date, nullable=False),
        sa.Column("regime", sa.String(30), nullable=False),
        sa.Column("dsu", sa.JSON, nullable=True),
        sa.Column("result", sa.JSON, nullable=True),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("to_verify", sa.Boolean, nullable=False),
        *_figures(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_table("isee_estimate")
    op.drop_table("isee_certified")
