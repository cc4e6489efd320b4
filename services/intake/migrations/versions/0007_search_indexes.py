"""search (issue 8): household members' names as search keys, and the indexes behind the case
search and the worklist's filters

Fills the keys of the members already stored with the same function new members get
(``household.search_key``: lower case, no accents, letters and digits only), in batches, then
makes them NOT NULL.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from intake.domain.household import search_key

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5000
REFERRAL_INDEXES = {
    "ix_referral_comune_istat_status_received_at": ["comune_istat", "status", "received_at"],
    "ix_referral_comune_istat_current_grade_received_at": [
        "comune_istat",
        "current_grade",
        "received_at",
    ],
    "ix_referral_assigned_to_received_at": ["assigned_to", "received_at"],
    "ix_referral_documents_expiring_on": ["documents_expiring_on"],  # the worklist's section
}


def upgrade() -> None:
    op.add_column(
        "household_member", sa.Column("last_name_key", sa.String(length=100), nullable=True)
    )
    op.add_column(
        "household_member", sa.Column("first_name_key", sa.String(length=100), nullable=True)
    )
    member = sa.table(
        "household_member",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("first_name_key", sa.String),
        sa.column("last_name_key", sa.String),
    )
    conn = op.get_bind()
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(member.c.id, member.c.first_name, member.c.last_name)
            .where(member.c.id > last_id)
            .order_by(member.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            member.update()
            .where(member.c.id == sa.bindparam("member_id"))
            .values(
                first_name_key=sa.bindparam("first_key"), last_name_key=sa.bindparam("last_key")
            ),
            [
                {
                    "member_id": r.id,
                    "first_key": search_key(r.first_name),
                    "last_key": search_key(r.last_name),
                }
                for r in rows
            ],
        )
        last_id = rows[-1].id
    with op.batch_alter_table("household_member") as batch:
        batch.alter_column("last_name_key", existing_type=sa.String(length=100), nullable=False)
        batch.alter_column("first_name_key", existing_type=sa.String(length=100), nullable=False)
    op.create_index(
        "ix_household_member_last_name_key", "household_member", ["last_name_key", "referral_id"]
    )
    op.create_index(
        "ix_household_member_first_name_key",
        "household_member",
        ["first_name_key", "referral_id"],
    )
    for name, columns in REFERRAL_INDEXES.items():
        op.create_index(name, "referral", columns)


def downgrade() -> None:
    for name in REFERRAL_INDEXES:
        op.drop_index(name, table_name="referral")
    op.drop_index("ix_household_member_first_name_key", table_name="household_member")
    op.drop_index("ix_household_member_last_name_key", table_name="household_member")
    with op.batch_alter_table("household_member") as batch:
        batch.drop_column("first_name_key")
        batch.drop_column("last_name_key")
