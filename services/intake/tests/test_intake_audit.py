"""intake's audit trail on the chassis table (SQLite and PostgreSQL): the migration keeps the
rows already stored (and files them under their case's comune), the database refuses to change
them, a read leaves one row, and handing the trail to the household is itself recorded."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from abitare_chassis import audit as chassis_audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import make_engine
from abitare_chassis.migrate import upgrade
from abitare_chassis.schemas import load
from intake.errors import CaseForbidden, ReferralNotFound
from intake.schemas.referrals import ReferralInput
from intake.service import IntakeService
from intake.usecases import audit, referrals, triage

SGM = "015195"
AGENCY = Actor(sub="operator:anna", role="agency_operator", comuni=(SGM,))
COORDINATOR = Actor(sub="operator:carla", role="coordinator", comuni=(SGM,))
COMUNE = Actor(sub="operator:dario", role="comune_operator", comuni=(SGM,))
MILANO_COORDINATOR = Actor(sub="operator:mi", role="coordinator", comuni=("015146",))


@pytest.fixture
def case(db, payload):
    return referrals.submit_referral(db, AGENCY, load(ReferralInput(), payload))["id"]


def rows(db):
    with db.session() as session:
        return (
            session.execute(
                select(chassis_audit.audit_event).order_by(chassis_audit.audit_event.c.id)
            )
            .mappings()
            .all()
        )


def test_the_migration_keeps_the_audit_rows_already_stored(db_url):
    upgrade(IntakeService.migrations_dir, db_url, "0002")
    engine = make_engine(db_url)
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO referral (id, comune_istat, received_at, status, referring_body, "
                    "problem_reported, housing_situation, household_size, minors, over_65, "
                    "submitted_by) VALUES ('r1', '015195', :at, 'ricevuta', 'altro_ente', 'altro', "
                    "'altro', 1, 0, 0, 'operator:x')"
                ),
                {"at": at},
            )
            for actor, purpose in (("operator:a", "gestione del caso"), ("operator:b", None)):
                conn.execute(
                    text(
                        "INSERT INTO audit_event (at, actor_sub, actor_role, action, referral_id, "
                        "purpose) VALUES (:at, :sub, 'agency_operator', 'get_case', 'r1', :p)"
                    ),
                    {"at": at, "sub": actor, "p": purpose},
                )
        upgrade(IntakeService.migrations_dir, db_url)
        with engine.connect() as conn:
            kept = conn.execute(
                text(
                    "SELECT actor_sub, action, referral_id, purpose, "
                    "comune_istat FROM audit_event ORDER BY id"
                )
            ).all()
        assert [tuple(r) for r in kept] == [
            ("operator:a", "get_case", "r1", "gestione del caso", SGM),
            ("operator:b", "get_case", "r1", None, SGM),
        ]
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM audit_event"))
    finally:
        engine.dispose()


def test_a_read_leaves_exactly_one_row_with_actor_role_and_purpose(db, case):
    triage.get_case(db, COMUNE, case, "preparazione colloquio")
    [row] = rows(db)
    assert (
        row["actor_sub"],
        row["actor_role"],
        row["action"],
        row["referral_id"],
        row["comune_istat"],
        row["purpose"],
    ) == ("operator:dario", "comune_operator", "get_case", case, SGM, "preparazione colloquio")


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET purpose = 'altro'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_rewrite_the_trail(db, case, statement):
    triage.get_case(db, COMUNE, case)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    assert [r["purpose"] for r in rows(db)] == ["gestione del caso"]


def test_exporting_the_trail_for_the_household_is_recorded(db, case):
    triage.get_case(db, COMUNE, case)
    assert [t["action"] for t in audit.list_audit(db, COORDINATOR, case)] == ["get_case"]
    report = audit.list_audit(db, COORDINATOR, case, purpose="richiesta art. 15 GDPR", export=True)
    assert [(t["action"], t["actor_sub"]) for t in report] == [
        ("get_case", COMUNE.sub),
        ("export_access_report", COORDINATOR.sub),
    ]
    assert report[-1]["purpose"] == "richiesta art. 15 GDPR"
    assert report[-1]["data_set"] == "access_report"


def test_the_trail_is_for_coordinators_of_the_cases_comune(db, case):
    with pytest.raises(CaseForbidden):
        audit.list_audit(db, COMUNE, case, export=True)
    with pytest.raises(ReferralNotFound):
        audit.list_audit(db, MILANO_COORDINATOR, case, export=True)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(chassis_audit.audit_event)) == 0
