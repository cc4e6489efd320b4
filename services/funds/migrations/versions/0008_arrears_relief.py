"""morosità incolpevole: the arrears file, its eviction stages and its contribution requests.

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
        "arrears_file",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(36), nullable=False, unique=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("stage_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("due_kind", sa.String(20), nullable=True),
        sa.Column("cause", sa.String(40), nullable=True),
        sa.Column("cause_note", sa.Text, nullable=True),
        sa.Column("income_loss_on", sa.Date, nullable=True),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("criteria", sa.JSON, nullable=True),
        sa.Column("eligibility", sa.String(20), nullable=True),
        sa.Column("checked_on", sa.Date, nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_arrears_file_comune_due", "arrears_file", ["comune_istat", "due_on"])
    op.create_table(
        "arrears_stage",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "arrears_file_id",
            sa.String(36),
            sa.ForeignKey("arrears_file.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("hardship", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "arrears_contribution",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "arrears_file_id",
            sa.String(36),
            sa.ForeignKey("arrears_file.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("request", sa.JSON, nullable=True),
        sa.Column("computation", sa.JSON, nullable=True),
        sa.Column("total_cents", sa.Integer, nullable=False),
        sa.Column("to_verify", sa.Boolean, nullable=False),
        sa.Column("computed_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )


def downgrade():
    op.drop_table("arrears_contribution")
    op.drop_table("arrears_stage")
    op.drop_index("ix_arrears_file_comune_due", table_name="arrears_file")
    op.drop_table("arrears_file")
