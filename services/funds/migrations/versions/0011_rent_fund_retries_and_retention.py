"""affitto: a payment carries the caller's idempotency key (a retried or double-clicked payment
is recorded once), and an application remembers when the case was pseudonymised.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("rent_fund_payment", sa.Column("idempotency_key", sa.String(100), nullable=True))
    op.create_index(
        "ux_rent_fund_payment_key",
        "rent_fund_payment",
        ["recorded_by", "idempotency_key"],
        unique=True,
    )
    op.add_column(
        "rent_fund_application",
        sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_column("rent_fund_application", "pseudonymised_at")
    op.drop_index("ux_rent_fund_payment_key", "rent_fund_payment")
    op.drop_column("rent_fund_payment", "idempotency_key")
