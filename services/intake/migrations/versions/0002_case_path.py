"""the case path: triage, assignment, diary, assessments, projects, commission, closure, audit

Adds the case columns to referral (status history lives in the new tables) and fills
``household_composition`` and ``updated_at`` of the referrals already stored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from intake.domain import clock, codice_fiscale, household

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=30), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(
        "ix_audit_event_referral_id_at", "audit_event", ["referral_id", "at"], unique=False
    )
    op.create_table(
        "commission_meeting",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("minutes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_meeting")),
    )
    op.create_index(
        op.f("ix_commission_meeting_date"), "commission_meeting", ["date"], unique=False
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("pis_situation", sa.String(length=40), nullable=True),
        sa.Column("suggested_grade", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_assessment_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    op.create_index(
        "ix_assessment_referral_id_at", "assessment", ["referral_id", "at"], unique=False
    )
    op.create_table(
        "case_closure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("restitution_date", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", sa.String(length=200), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_case_closure_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_closure")),
    )
    op.create_index(
        op.f("ix_case_closure_referral_id"), "case_closure", ["referral_id"], unique=False
    )
    op.create_table(
        "commission_proposal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("comune_istat", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("decision_notes", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["commission_meeting.id"],
            name=op.f("fk_commission_proposal_meeting_id_commission_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_commission_proposal_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_proposal")),
    )
    op.create_index(
        op.f("ix_commission_proposal_meeting_id"),
        "commission_proposal",
        ["meeting_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_commission_proposal_referral_id"),
        "commission_proposal",
        ["referral_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_commission_proposal_status"), "commission_proposal", ["status"], unique=False
    )
    op.create_table(
        "diary_entry",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("author_role", sa.String(length=30), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interview", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_diary_entry_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_entry")),
    )
    op.create_index(
        "ix_diary_entry_referral_id_occurred_at",
        "diary_entry",
        ["referral_id", "occurred_at"],
        unique=False,
    )
    op.create_table(
        "project",
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_project_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_project")),
    )
    op.create_table(
        "project_action",
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("action_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_project_action_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "action_id", name=op.f("pk_project_action")),
    )
    op.create_index(
        op.f("ix_project_action_due_date"), "project_action", ["due_date"], unique=False
    )
    op.create_table(
        "project_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_project_version_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_version")),
        sa.UniqueConstraint(
            "referral_id", "version", name=op.f("uq_project_version_referral_id_version")
        ),
    )
    op.create_table(
        "triage_decision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("duplicates_acknowledged", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_triage_decision_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_decision")),
    )
    op.create_index(
        op.f("ix_triage_decision_referral_id"), "triage_decision", ["referral_id"], unique=False
    )
    op.add_column("referral", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "referral", sa.Column("household_composition", sa.String(length=40), nullable=True)
    )
    op.add_column("referral", sa.Column("assigned_to", sa.String(length=200), nullable=True))
    op.add_column("referral", sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("referral", sa.Column("assigned_by", sa.String(length=200), nullable=True))
    op.add_column("referral", sa.Column("current_grade", sa.Integer(), nullable=True))
    op.add_column("referral", sa.Column("documents_expiring_on", sa.Date(), nullable=True))
    op.add_column("referral", sa.Column("closure_outcome", sa.String(length=40), nullable=True))
    op.create_index("ix_referral_eviction_date", "referral", ["eviction_date"], unique=False)
    op.create_index(
        "ix_referral_status_comune_istat", "referral", ["status", "comune_istat"], unique=False
    )
    _backfill_referrals()


def _backfill_referrals() -> None:
    """Composition and ``updated_at`` of referrals received before this revision."""
    conn = op.get_bind()
    referral = sa.table(
        "referral",
        sa.column("id"),
        sa.column("received_at"),
        sa.column("updated_at"),
        sa.column("household_composition"),
    )
    member = sa.table(
        "household_member",
        sa.column("referral_id"),
        sa.column("position"),
        sa.column("codice_fiscale"),
        sa.column("first_name"),
        sa.column("last_name"),
        sa.column("birth_date"),
        sa.column("relation"),
    )
    rows = conn.execute(
        sa.select(referral.c.id, referral.c.received_at).where(
            referral.c.household_composition.is_(None)
        )
    ).all()
    for referral_id, received_at in rows:
        members = [
            household.Member(
                m.codice_fiscale, m.first_name, m.last_name, _as_date(m.birth_date), m.relation
            )
            for m in conn.execute(
                sa.select(member)
                .where(member.c.referral_id == referral_id)
                .order_by(member.c.position)
            )
        ]
        if isinstance(received_at, str):
            received_at = datetime.fromisoformat(received_at)
        instant = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
        received_on = clock.local_date(instant)  # SQLite hands back naive UTC
        head = next((m for m in members if m.relation == "intestatario"), None)
        composition = household.classify(
            members, received_on, codice_fiscale.sex(head.codice_fiscale) if head else None
        )
        conn.execute(
            referral.update()
            .where(referral.c.id == referral_id)
            .values(household_composition=composition, updated_at=received_at)
        )


def _as_date(value) -> date:
    if isinstance(value, str):  # SQLite without type information
        return date.fromisoformat(value[:10])
    return value if type(value) is date else value.date()


def downgrade() -> None:
    for index, table in (
        ("ix_referral_status_comune_istat", "referral"),
        ("ix_referral_eviction_date", "referral"),
    ):
        op.drop_index(index, table_name=table)
    with op.batch_alter_table("referral") as batch:
        for column in (
            "closure_outcome",
            "documents_expiring_on",
            "current_grade",
            "assigned_by",
            "assigned_at",
            "assigned_to",
            "household_composition",
            "updated_at",
        ):
            batch.drop_column(column)
    for table in (
        "triage_decision",
        "project_version",
        "project_action",
        "project",
        "diary_entry",
        "commission_proposal",
        "case_closure",
        "assessment",
        "commission_meeting",
        "audit_event",
    ):
        op.drop_table(table)
