"""retention: when a closed case was pseudonymised, and the legal hold that stops it
(domain/retention.py; GDPR art. 5(1)(e) and 17). Cases stored before have neither.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    ("pseudonymised_at", lambda: sa.DateTime(timezone=True)),
    ("legal_hold_reason", lambda: sa.Text()),
    ("legal_hold_at", lambda: sa.DateTime(timezone=True)),
    ("legal_hold_by", lambda: sa.String(length=200)),
)


def upgrade():
    for name, kind in COLUMNS:
        op.add_column("referral", sa.Column(name, kind(), nullable=True))


def downgrade():
    with op.batch_alter_table("referral") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
