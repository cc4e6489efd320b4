"""Every read of a funds file (income, rent) leaves one audit row in its transaction; the trail
is for the coordinators of the file's comune; the database refuses to change it (SQLite and
PostgreSQL, through the service's migrated database)."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from funds.adapters.models import metadata
from funds.errors import FundsFileNotFound, FundsForbidden
from funds.service import FundsService
from funds.usecases import files

SGM = "015195"
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"
OPERATOR = Actor(sub="operator:rossi", role="comune_operator", comuni=(SGM,))
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=(SGM,))
MILANO_COORDINATOR = Actor(sub="operator:mi", role="coordinator", comuni=("015146",))


@pytest.fixture
def db(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    database = Db("funds", db_url, metadata, handler="funds.handle_intake_referral_received")
    files.open_funds_file(
        database,
        {
            "referral_id": REFERRAL_ID,
            "comune_istat": SGM,
            "economics": {"monthly_net_income_cents": 150000, "monthly_rent_cents": 70000},
        },
        SimpleNamespace(id="e1", correlationid="e1"),
    )
    yield database
    database.dispose()


def audit_rows(db):
    with db.session() as session:
        return session.execute(select(audit.audit_event)).mappings().all()


def test_a_read_leaves_exactly_one_audit_row_with_actor_and_purpose(db):
    files.get_funds_file(db, OPERATOR, REFERRAL_ID, purpose="verifica morosità")
    [row] = audit_rows(db)
    assert (
        row["actor_sub"],
        row["actor_role"],
        row["action"],
        row["referral_id"],
        row["comune_istat"],
        row["purpose"],
        row["data_set"],
    ) == (
        "operator:rossi",
        "comune_operator",
        "get_funds_file",
        REFERRAL_ID,
        SGM,
        "verifica morosità",
        "funds_file",
    )


def test_a_read_without_purpose_is_audited_for_case_management(db):
    files.get_funds_file(db, OPERATOR, REFERRAL_ID)
    assert [r["purpose"] for r in audit_rows(db)] == ["gestione del caso"]


def test_a_refused_read_leaves_no_row(db):
    with pytest.raises(FundsFileNotFound):
        files.get_funds_file(db, MILANO_COORDINATOR, REFERRAL_ID)
    assert audit_rows(db) == []


def test_the_trail_is_for_coordinators_of_the_files_comune(db):
    files.get_funds_file(db, OPERATOR, REFERRAL_ID)
    [entry] = files.list_audit(db, COORDINATOR, REFERRAL_ID)
    assert entry["actor_sub"] == "operator:rossi" and entry["action"] == "get_funds_file"
    with pytest.raises(FundsForbidden):
        files.list_audit(db, OPERATOR, REFERRAL_ID)
    with pytest.raises(FundsFileNotFound):
        files.list_audit(db, MILANO_COORDINATOR, REFERRAL_ID)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET actor_sub = 'operator:nobody'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_rewrite_the_trail(db, statement):
    files.get_funds_file(db, OPERATOR, REFERRAL_ID)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(audit.audit_event)) == 1
        assert session.scalar(select(audit.audit_event.c.actor_sub)) == "operator:rossi"
