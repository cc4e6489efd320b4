"""The Alembic migrations build exactly the tables of the models, on SQLite and PostgreSQL."""

from datetime import UTC

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from abitare_chassis.database import make_engine
from abitare_chassis.migrate import upgrade
from intake.adapters.models import metadata
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
    """A second upgrade keeps the revision at head, the schema as the models say, and the rows."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from abitare_chassis.migrate import alembic_config

    upgrade(IntakeService.migrations_dir, db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO inbox_message (event_id, handler, processed_at) "
                    "VALUES ('e1', 'intake.test', CURRENT_TIMESTAMP)"
                )
            )
        upgrade(IntakeService.migrations_dir, db_url)
        head = ScriptDirectory.from_config(
            alembic_config(IntakeService.migrations_dir, db_url)
        ).get_current_head()
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (head,)
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            assert conn.execute(text("SELECT handler FROM inbox_message")).scalars().all() == [
                "intake.test"
            ]
    finally:
        engine.dispose()


def test_revision_0002_classifies_referrals_already_stored(db_url):
    """Referrals stored under 0001 get their household composition and updated_at."""
    from datetime import date, datetime

    from sqlalchemy import text

    upgrade(IntakeService.migrations_dir, db_url, "0001")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO referral (id, comune_istat, received_at, status, referring_body, "
                    "problem_reported, housing_situation, household_size, minors, over_65, "
                    "submitted_by) VALUES ('r1', '015195', :at, 'ricevuta', 'altro_ente', 'altro', "
                    "'altro', 2, 1, 0, 'operator:x')"
                ),
                {"at": datetime(2025, 5, 2, 8, 0, tzinfo=UTC)},
            )
            for position, (code, born, relation) in enumerate(
                [
                    ("BNCLRA82E45F205Z", date(1982, 5, 5), "intestatario"),
                    ("RSSLCU15M10F205Z", date(2015, 8, 10), "figlio"),
                ]
            ):
                conn.execute(
                    text(
                        "INSERT INTO household_member (referral_id, position, codice_fiscale, "
                        "first_name, last_name, birth_date, relation) VALUES ('r1', :p, :cf, 'N', "
                        "'C', :born, :rel)"
                    ),
                    {"p": position, "cf": code, "born": born, "rel": relation},
                )
        upgrade(IntakeService.migrations_dir, db_url)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT household_composition, updated_at FROM referral")).one()
        assert row.household_composition == "madre_sola_con_figli_minori"
        assert row.updated_at is not None
    finally:
        engine.dispose()
