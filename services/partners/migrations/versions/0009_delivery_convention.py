"""each delivery records the convention code and version it went out under (None for the
deliveries made before, and for the erasure notices, owed whatever the convention says).

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
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("convention_code", sa.String(40), nullable=True))
        batch.add_column(sa.Column("convention_version", sa.Integer, nullable=True))


def downgrade():
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("convention_version")
        batch.drop_column("convention_code")
