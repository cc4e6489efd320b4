"""retention: when this service's copy of a household's data was pseudonymised, on
intake.case_pseudonymised.v1 (docs/architecture.md, "Retention"). Rows stored before have none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "funds_file", sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    with op.batch_alter_table("funds_file") as batch:
        batch.drop_column("pseudonymised_at")
