"""The chassis outbox's unheard_at: an event published to no queue (nobody subscribed yet) is
marked unheard instead of being retried for ever (docs/architecture.md, "Unheard and stuck").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "outbox_message", sa.Column("unheard_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("unheard_at")
