"""Every read of a housing need (household, eviction date) leaves one audit row in its transaction; the trail
is for the coordinators of the need's comune; the database refuses to change it (SQLite and
PostgreSQL, through the service's migrated database)."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from housing_stock.adapters.models import metadata
from housing_stock.errors import HousingForbidden, HousingNeedNotFound
from housing_stock.service import HousingStockService
from housing_stock.usecases import needs

SGM = "015195"
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"
OPERATOR = Actor(sub="operator:rossi", role="comune_operator", comuni=(SGM,))
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=(SGM,))
MILANO_COORDINATOR = Actor(sub="operator:mi", role="coordinator", comuni=("015146",))


@pytest.fixture
def db(db_url):
    upgrade(HousingStockService.migrations_dir, db_url)
    database = Db(
        "housing_stock", db_url, metadata, handler="housing_stock.handle_intake_referral_received"
    )
    needs.record_housing_need(
        database,
        {
            "referral_id": REFERRAL_ID,
            "comune_istat": SGM,
            "household": {"size": 3},
            "eviction_date": date(2026, 9, 30),
        },
        SimpleNamespace(id="e1", correlationid="e1"),
    )
    yield database
    database.dispose()


def audit_rows(db):
    with db.session() as session:
        return session.execute(select(audit.audit_event)).mappings().all()


def test_a_read_leaves_exactly_one_audit_row_with_actor_and_purpose(db):
    needs.get_housing_need(db, OPERATOR, REFERRAL_ID, purpose="verifica morosità")
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
        "get_housing_need",
        REFERRAL_ID,
        SGM,
        "verifica morosità",
        "housing_need",
    )


def test_a_read_without_purpose_is_audited_for_case_management(db):
    needs.get_housing_need(db, OPERATOR, REFERRAL_ID)
    assert [r["purpose"] for r in audit_rows(db)] == ["gestione del caso"]


def test_a_refused_read_leaves_no_row(db):
    with pytest.raises(HousingNeedNotFound):
        needs.get_housing_need(db, MILANO_COORDINATOR, REFERRAL_ID)
    assert audit_rows(db) == []


def test_the_trail_is_for_coordinators_of_the_needs_comune(db):
    needs.get_housing_need(db, OPERATOR, REFERRAL_ID)
    [entry] = needs.list_audit(db, COORDINATOR, REFERRAL_ID)
    assert entry["actor_sub"] == "operator:rossi" and entry["action"] == "get_housing_need"
    with pytest.raises(HousingForbidden):
        needs.list_audit(db, OPERATOR, REFERRAL_ID)
    with pytest.raises(HousingNeedNotFound):
        needs.list_audit(db, MILANO_COORDINATOR, REFERRAL_ID)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET actor_sub = 'operator:nobody'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_rewrite_the_trail(db, statement):
    needs.get_housing_need(db, OPERATOR, REFERRAL_ID)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(audit.audit_event)) == 1
        assert session.scalar(select(audit.audit_event.c.actor_sub)) == "operator:rossi"
