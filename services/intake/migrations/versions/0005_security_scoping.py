"""security: scoped commission meetings, assignment history, confidential entries bound to the
assignee of their time, idempotency payload hash, duplicate checks counted per operator

Fills the new tables from the rows already stored: each meeting is for the comuni of its
proposals (a meeting without proposals gets none and is visible to nobody until a migration or
an administrator gives it some), each assigned case gets one history row (its current
assignment), and each diary entry the assignee of its case if it was assigned by then.
Referrals stored before keep a null payload hash: their idempotency key answers as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commission_meeting_comune",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("comune_istat", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["commission_meeting.id"],
            name=op.f("fk_commission_meeting_comune_meeting_id_commission_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "comune_istat", name=op.f("pk_commission_meeting_comune")
        ),
    )
    op.create_table(
        "case_assignment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("assigned_to", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_case_assignment_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_assignment")),
    )
    op.create_index(
        op.f("ix_case_assignment_referral_id"), "case_assignment", ["referral_id"], unique=False
    )
    op.create_table(
        "duplicate_check",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor_sub", sa.String(length=200), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_check")),
    )
    op.create_index(
        "ix_duplicate_check_actor_sub_at", "duplicate_check", ["actor_sub", "at"], unique=False
    )
    op.add_column(
        "referral", sa.Column("idempotency_payload_hash", sa.String(length=64), nullable=True)
    )
    op.add_column("diary_entry", sa.Column("case_assignee", sa.String(length=200), nullable=True))

    op.execute(
        "INSERT INTO commission_meeting_comune (meeting_id, comune_istat) "
        "SELECT DISTINCT meeting_id, comune_istat FROM commission_proposal"
    )
    op.execute(
        "INSERT INTO case_assignment (referral_id, assigned_to, assigned_at, assigned_by) "
        "SELECT id, assigned_to, COALESCE(assigned_at, updated_at, received_at), "
        "COALESCE(assigned_by, 'unknown') FROM referral WHERE assigned_to IS NOT NULL"
    )
    op.execute(
        "UPDATE diary_entry SET case_assignee = (SELECT r.assigned_to FROM referral r "
        "WHERE r.id = diary_entry.referral_id AND r.assigned_at <= diary_entry.recorded_at)"
    )


def downgrade() -> None:
    with op.batch_alter_table("diary_entry") as batch:
        batch.drop_column("case_assignee")
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("idempotency_payload_hash")
    op.drop_index("ix_duplicate_check_actor_sub_at", table_name="duplicate_check")
    op.drop_table("duplicate_check")
    op.drop_index(op.f("ix_case_assignment_referral_id"), table_name="case_assignment")
    op.drop_table("case_assignment")
    op.drop_table("commission_meeting_comune")
