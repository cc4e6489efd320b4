"""The audit trail of reads of funds files: the chassis audit_event table, append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from abitare_chassis.audit import create_audit_table, remove_append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    create_audit_table(op, sa)


def downgrade():
    remove_append_only(op)
    op.drop_table("audit_event")
