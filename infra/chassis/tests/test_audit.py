"""The chassis audit trail on SQLite and PostgreSQL: a row per call in the caller's transaction,
scoped reads, and a table the database itself keeps append-only."""

from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData, func, select, text
from sqlalchemy.exc import DBAPIError

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import make_engine

COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=("015195",))
MILANO = Actor(sub="operator:mi", role="coordinator", comuni=("015146",))


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    metadata = MetaData()
    audit.add_audit_table(metadata)
    metadata.create_all(engine)
    with engine.begin() as conn:
        audit.install_append_only(
            SimpleNamespace(get_bind=lambda: conn, execute=conn.exec_driver_sql)
        )
    yield engine
    engine.dispose()


def rows(engine):
    with engine.connect() as conn:
        return conn.execute(select(audit.audit_event)).mappings().all()


def test_record_writes_one_row_in_the_callers_transaction(engine):
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        audit.record(
            session,
            COORDINATOR,
            "get_funds_file",
            "r1",
            comune_istat="015195",
            data_set="funds_file",
        )
    with Session(engine) as session:
        session.begin()
        audit.record(session, COORDINATOR, "get_funds_file", "r1", purpose="rolled back")
        session.rollback()
    [row] = rows(engine)
    assert (
        row["actor_sub"],
        row["actor_role"],
        row["action"],
        row["referral_id"],
        row["comune_istat"],
        row["purpose"],
        row["data_set"],
    ) == (
        "operator:coord",
        "coordinator",
        "get_funds_file",
        "r1",
        "015195",
        audit.DEFAULT_PURPOSE,
        "funds_file",
    )
    assert row["at"].tzinfo is not None


def test_the_trail_shows_only_the_actors_comuni(engine):
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        audit.record(session, COORDINATOR, "read", "r1", comune_istat="015195", purpose="first")
        audit.record(session, COORDINATOR, "read", "r1", comune_istat="015195", purpose="second")
        audit.record(session, COORDINATOR, "read", "r2", comune_istat="015195")
    with Session(engine) as session:
        assert [r["purpose"] for r in audit.trail(session, COORDINATOR, "r1")] == [
            "first",
            "second",
        ]
        assert audit.trail(session, MILANO, "r1") == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET purpose = 'rewritten'",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_rows(engine, statement):
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        audit.record(session, COORDINATOR, "read", "r1", comune_istat="015195")
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit.audit_event)).scalar() == 1
        assert conn.execute(select(audit.audit_event.c.purpose)).scalar() == audit.DEFAULT_PURPOSE


def test_audit_query_reads_the_list_audit_arguments():
    from abitare_chassis.errors import InvalidInput
    from abitare_chassis.schemas import load

    assert load(audit.AuditQuery(), {"referral_id": "r1"}) == {
        "referral_id": "r1",
        "purpose": None,
        "export": False,
    }
    with pytest.raises(InvalidInput):
        load(audit.AuditQuery(), {"referral_id": "r1", "purpose": "x" * 201})
