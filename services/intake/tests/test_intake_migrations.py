"""The Alembic migrations build exactly the tables of the models, on SQLite and PostgreSQL."""

import json
from datetime import UTC

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

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


def test_revision_0008_stores_the_warnings_of_the_members_already_stored(db_url, make_payload):
    """Members stored before 0008 get their codice fiscale warnings (NULL when there are none):
    a referral stored at head, taken back to 0007 (the column dropped) and upgraded again."""
    from alembic import command

    from abitare_chassis.actor import Actor
    from abitare_chassis.database import Db
    from abitare_chassis.migrate import alembic_config
    from abitare_chassis.schemas import load
    from intake.schemas.referrals import ReferralInput
    from intake.usecases import referrals

    upgrade(IntakeService.migrations_dir, db_url)
    db = Db("intake", db_url, metadata)
    payload = make_payload()
    payload["household"][1]["birth_date"] = "1982-05-06"  # the code says the 5th
    agency = Actor(sub="operator:anna", role="agency_operator", comuni=("015195",))
    referral_id = referrals.submit_referral(db, agency, load(ReferralInput(), payload))["id"]
    db.dispose()
    command.downgrade(alembic_config(IntakeService.migrations_dir, db_url), "0007")
    upgrade(IntakeService.migrations_dir, db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            stored = [
                json.loads(w) if isinstance(w, str) else w
                for w in conn.execute(
                    text(
                        "SELECT codice_fiscale_warnings FROM household_member "
                        "WHERE referral_id = :r ORDER BY position"
                    ),
                    {"r": referral_id},
                ).scalars()
            ]
            indexes = {i["name"] for i in inspect(conn).get_indexes("household_member")}
        assert stored[0] is None and stored[2] is None
        assert [(w["code"], w["encoded"], w["declared"]) for w in stored[1]] == [
            ("codice_fiscale_birth_date_mismatch", "05/05/1982", "06/05/1982")
        ]
        assert "ix_household_member_anomalies" in indexes
    finally:
        engine.dispose()
