"""Each partner's own delivery key: the copies a partner receives are signed with it (and carry no
actor token), never with a key of the suite (issue 7, finding 1). Existing partners get a fresh
random key that nobody knows yet: a coordinator issues a new one (``issue_delivery_key``) and
hands it to the partner.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # nullable in the table (SQLite cannot add a NOT NULL column without rebuilding a table
    # others refer to); every row gets a key here, `subscribe` gives one to a partner without
    op.add_column("partner", sa.Column("delivery_key", sa.String(100), nullable=True))
    op.add_column(
        "partner", sa.Column("delivery_key_issued_at", sa.DateTime(timezone=True), nullable=True)
    )
    conn = op.get_bind()
    partner = sa.table(
        "partner", sa.column("code", sa.String), sa.column("delivery_key", sa.String)
    )
    for (code,) in conn.execute(sa.select(partner.c.code)).all():
        conn.execute(
            partner.update()
            .where(partner.c.code == code)
            .values(delivery_key=secrets.token_urlsafe(32))
        )


def downgrade():
    with op.batch_alter_table("partner") as batch:
        batch.drop_column("delivery_key_issued_at")
        batch.drop_column("delivery_key")
