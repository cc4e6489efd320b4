"""consents (a household's consent to share data with a partner for a service) and partner
referrals with their history (domain.consent, domain.referrals).

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


def _at(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "consent",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(36), nullable=False, index=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("partner_code", sa.String(20), sa.ForeignKey("partner.code"), nullable=False),
        sa.Column("service", sa.String(60), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("given_by", sa.String(200), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        _at("recorded_at"),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by", sa.String(200), nullable=True),
        sa.Column("withdrawn_recorded_by", sa.String(200), nullable=True),
        _at("withdrawn_at", nullable=True),
    )
    op.create_table(
        "partner_referral",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(36), nullable=False, index=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column(
            "partner_code",
            sa.String(20),
            sa.ForeignKey("partner.code"),
            nullable=True,
            index=True,
        ),
        sa.Column("service", sa.String(60), nullable=False),
        sa.Column("household_ref", sa.String(40), nullable=False),
        sa.Column("action_id", sa.String(36), nullable=True),
        sa.Column("convention_code", sa.String(40), nullable=True),
        sa.Column("convention_version", sa.Integer(), nullable=True),
        sa.Column("consent_id", sa.String(36), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("refusal", sa.JSON(), nullable=True),
        sa.Column("outcome", sa.String(60), nullable=True),
        sa.Column("note", sa.String(1000), nullable=True),
        _at("sent_at"),
        sa.Column("sent_by", sa.String(200), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=True),
        _at("answered_at", nullable=True),
        _at("updated_at"),
        sa.UniqueConstraint("action_id", name="uq_partner_referral_action"),
    )
    op.create_table(
        "partner_referral_step",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "partner_referral_id",
            sa.String(36),
            sa.ForeignKey("partner_referral.id"),
            nullable=False,
            index=True,
        ),
        _at("at"),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("update", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(60), nullable=True),
        sa.Column("reason", sa.String(1000), nullable=True),
    )


def downgrade():
    op.drop_table("partner_referral_step")
    op.drop_table("partner_referral")
    op.drop_table("consent")
