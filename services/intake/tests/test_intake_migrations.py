"""The Alembic migrations build exactly the tables of the models, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from abitare_chassis.database import make_engine
from abitare_chassis.migrate import upgrade
from sqlalchemy import inspect

from intake.models import metadata
from intake.service import IntakeService


def test_migrations_match_the_models(db_url):
    upgrade(IntakeService.migrations_dir, db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert {"referral", "household_member", "outbox_message", "inbox_message"} <= tables
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(db_url):
    upgrade(IntakeService.migrations_dir, db_url)
    upgrade(IntakeService.migrations_dir, db_url)
