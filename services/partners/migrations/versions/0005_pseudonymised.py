"""retention: when this service's copy of a household's data was pseudonymised, on
intake.case_pseudonymised.v1 (docs/architecture.md, "Retention"). Rows stored before have none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "delivery", sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("pseudonymised_at")
