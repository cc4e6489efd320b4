"""The Alembic migrations build exactly the tables models.py describes (SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from abitare_chassis import migrate
from abitare_chassis.database import make_engine
from funds.adapters.models import metadata
from funds.service import FundsService


def test_migrations_match_the_models(db_url):
    migrate.upgrade(FundsService.migrations_dir, db_url)
    migrate.upgrade(FundsService.migrations_dir, db_url)  # a second run changes nothing
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diff == []
