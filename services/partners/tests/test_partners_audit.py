"""Every read of the deliveries of a household (what was shared with which partner) leaves one audit row in its transaction; the trail
is for the coordinators of the deliveries' comune; the database refuses to change it (SQLite and
PostgreSQL, through the service's migrated database)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from partners.adapters.models import Delivery, metadata
from partners.errors import PartnerForbidden
from partners.service import PartnersService
from partners.usecases import sharing

SGM = "015195"
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"
OPERATOR = Actor(sub="operator:rossi", role="comune_operator", comuni=(SGM,))
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=(SGM,))
MILANO_COORDINATOR = Actor(sub="operator:mi", role="coordinator", comuni=("015146",))


@pytest.fixture
def db(db_url):
    upgrade(PartnersService.migrations_dir, db_url)
    database = Db("partners", db_url, metadata)
    with database.transaction() as tx:
        tx.session.add(
            Delivery(
                event_id="d1",
                source_event_id="e1",
                partner_code="FWA",
                event_type="intake.referral_received.v1",
                referral_id=REFERRAL_ID,
                subject=REFERRAL_ID,
                comune_istat=SGM,
                fields=["referral_id", "household.size"],
                queued_at=datetime.now(UTC),
            )
        )
    yield database
    database.dispose()


def audit_rows(db):
    with db.session() as session:
        return session.execute(select(audit.audit_event)).mappings().all()


def test_a_read_leaves_exactly_one_audit_row_with_actor_and_purpose(db):
    sharing.get_deliveries(db, OPERATOR, REFERRAL_ID, purpose="verifica morosità")
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
        "get_deliveries",
        REFERRAL_ID,
        SGM,
        "verifica morosità",
        "partner_deliveries",
    )


def test_a_read_without_purpose_is_audited_for_case_management(db):
    sharing.get_deliveries(db, OPERATOR, REFERRAL_ID)
    assert [r["purpose"] for r in audit_rows(db)] == ["gestione del caso"]


def test_a_read_outside_the_scope_finds_nothing_and_leaves_no_row(db):
    assert sharing.get_deliveries(db, MILANO_COORDINATOR, REFERRAL_ID) == []
    assert audit_rows(db) == []


def test_the_trail_is_for_coordinators_of_the_deliveries_comune(db):
    sharing.get_deliveries(db, OPERATOR, REFERRAL_ID)
    [entry] = sharing.list_audit(db, COORDINATOR, REFERRAL_ID)
    assert entry["actor_sub"] == "operator:rossi" and entry["action"] == "get_deliveries"
    with pytest.raises(PartnerForbidden):
        sharing.list_audit(db, OPERATOR, REFERRAL_ID)
    assert sharing.list_audit(db, MILANO_COORDINATOR, REFERRAL_ID) == []


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET actor_sub = 'operator:nobody'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_rewrite_the_trail(db, statement):
    sharing.get_deliveries(db, OPERATOR, REFERRAL_ID)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(audit.audit_event)) == 1
        assert session.scalar(select(audit.audit_event.c.actor_sub)) == "operator:rossi"
