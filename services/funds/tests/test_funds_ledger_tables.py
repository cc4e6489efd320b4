"""The ledger's tables refuse by themselves what the rules refuse (SQLite and PostgreSQL):
movements are append-only, lines are never deleted, and running totals that would over-commit,
over-pay or go negative break a CHECK, whoever writes them. The demo lines load the seeds'
figures to the cent."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from abitare_chassis.database import make_engine
from abitare_chassis.migrate import upgrade
from funds.service import FundsService

SEED_000 = "mi-pon-metro-mi4-aslm"


@pytest.fixture
def engine(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_the_demo_lines_carry_the_seeds_figures_to_the_cent(engine):
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT code, programmed_cents, allocated_cents, committed_cents, paid_cents "
                "FROM ledger_line ORDER BY code"
            )
        ).all()
        sums = dict(
            conn.execute(
                text(
                    "SELECT l.code, SUM(m.committed_delta_cents) FROM ledger_movement m "
                    "JOIN ledger_line l ON l.id = m.line_id GROUP BY l.code"
                )
            ).all()
        )
    figures = {row[0]: tuple(row[1:]) for row in rows}
    assert figures[SEED_000] == (151_464_844, 151_464_844, 132_698_000, 44_964_643)
    assert figures["mi-pon-metro-hub-ospitalita"] == (42_187_500, 0, 0, 0)
    azioni = [figures[f"pioltello-sistema-unificato-azione-{n}"][1] for n in (1, 2, 3)]
    assert azioni == [13_200_000, 5_000_000, 10_952_761]
    assert sum(azioni) == 29_152_761  # € 291.527,61
    assert figures["sgm-2026-misura-unica-regione"][:2] == (18_000_000, 18_000_000)
    assert sums[SEED_000] == 132_698_000


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_movement SET amount_cents = 1",
        "DELETE FROM ledger_movement",
        "DELETE FROM ledger_line",
    ],
)
def test_movements_and_lines_cannot_be_rewritten_or_deleted(engine, statement):
    with pytest.raises(DatabaseError), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM ledger_movement")).scalar() == 13


@pytest.mark.parametrize(
    "assignment",
    [
        "committed_cents = allocated_cents + 1",  # over-commitment
        "paid_cents = committed_cents + 1",  # paid above committed
        "allocated_cents = programmed_cents + 1",  # ammesso above programmato
        "paid_cents = -1",
    ],
)
def test_totals_breaking_the_invariants_are_refused_by_the_database(engine, assignment):
    with pytest.raises(DatabaseError), engine.begin() as conn:
        conn.execute(
            text(f"UPDATE ledger_line SET {assignment} WHERE code = :code"), {"code": SEED_000}
        )
    with engine.connect() as conn:
        committed = conn.execute(
            text("SELECT committed_cents FROM ledger_line WHERE code = :code"), {"code": SEED_000}
        ).scalar()
    assert committed == 132_698_000
