"""The Alembic migrations build exactly the tables models.py describes (SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from abitare_chassis import migrate
from abitare_chassis.database import make_engine
from housing_stock.adapters.models import metadata
from housing_stock.service import HousingStockService


def test_migrations_match_the_models(db_url):
    migrate.upgrade(HousingStockService.migrations_dir, db_url)
    migrate.upgrade(HousingStockService.migrations_dir, db_url)  # a second run changes nothing
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diff == []
