"""anomalies (issue 8): each household member's codice fiscale warnings stored, and a partial
index on the members that have some, behind the coordinator's Anomalie list

Fills the warnings of the members already stored with the rule new members get
(``codice_fiscale.coherence``; NULL when the code agrees with the member), in batches.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from intake.domain.codice_fiscale import coherence

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 5000
ANOMALOUS = "codice_fiscale_warnings IS NOT NULL"


def upgrade() -> None:
    op.add_column(
        "household_member",
        sa.Column("codice_fiscale_warnings", sa.JSON(none_as_null=True), nullable=True),
    )
    member = sa.table(
        "household_member",
        sa.column("id", sa.Integer),
        sa.column("codice_fiscale", sa.String),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("birth_date", sa.Date),
        sa.column("codice_fiscale_warnings", sa.JSON(none_as_null=True)),
    )
    conn = op.get_bind()
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(
                member.c.id,
                member.c.codice_fiscale,
                member.c.last_name,
                member.c.first_name,
                member.c.birth_date,
            )
            .where(member.c.id > last_id)
            .order_by(member.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        flagged = [
            {"member_id": r.id, "warnings": warnings}
            for r in rows
            if (warnings := coherence(r.codice_fiscale, r.last_name, r.first_name, r.birth_date))
        ]
        if flagged:
            conn.execute(
                member.update()
                .where(member.c.id == sa.bindparam("member_id"))
                .values(codice_fiscale_warnings=sa.bindparam("warnings")),
                flagged,
            )
        last_id = rows[-1].id
    op.create_index(
        "ix_household_member_anomalies",
        "household_member",
        ["referral_id"],
        sqlite_where=sa.text(ANOMALOUS),
        postgresql_where=sa.text(ANOMALOUS),
    )


def downgrade() -> None:
    op.drop_index("ix_household_member_anomalies", table_name="household_member")
    with op.batch_alter_table("household_member") as batch:
        batch.drop_column("codice_fiscale_warnings")
