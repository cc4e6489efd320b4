"""audit_event becomes the chassis audit table: comune and data set columns, append-only

Adds ``comune_istat`` (filled from the referral for the rows already stored) and ``data_set``,
then installs the database guard that refuses UPDATE and DELETE (abitare_chassis.audit). Rows
already stored are kept as they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from abitare_chassis.audit import install_append_only, remove_append_only

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("comune_istat", sa.String(6), nullable=True))
        batch.add_column(sa.Column("data_set", sa.String(60), nullable=True))
    op.execute(
        "UPDATE audit_event SET comune_istat = (SELECT referral.comune_istat FROM referral "
        "WHERE referral.id = audit_event.referral_id)"
    )
    install_append_only(op)


def downgrade() -> None:
    remove_append_only(op)
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("data_set")
        batch.drop_column("comune_istat")
