"""The demo Fondo Affitto regulation cites its proposed criteria as a person would (the agency's
proposal for the Ambito's regulation, C.A.S.A. San Giuliano Milanese 2025), not by the
project's seed file.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DEMO_REGULATION = "5a3b2e1c-0000-4000-8000-000000000001"
OLD = "Criterio proposto per il regolamento dell'Ambito (seeds 003)"
NEW = (
    "Criterio proposto dall'agenzia per il regolamento dell'Ambito (C.A.S.A. San Giuliano "
    "Milanese, 2025)"
)
regulation = sa.table(
    "rent_fund_regulation", sa.column("id", sa.String), sa.column("legal_references", sa.JSON)
)


def _replace(old: str, new: str) -> None:
    bind = op.get_bind()
    row = bind.execute(
        sa.select(regulation.c.legal_references).where(regulation.c.id == DEMO_REGULATION)
    ).first()
    if row is None:
        return
    references = {k: (new if v == old else v) for k, v in dict(row[0]).items()}
    bind.execute(
        regulation.update()
        .where(regulation.c.id == DEMO_REGULATION)
        .values(legal_references=references)
    )


def upgrade():
    _replace(OLD, NEW)


def downgrade():
    _replace(NEW, OLD)
