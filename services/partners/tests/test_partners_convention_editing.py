"""Editing a convention on a real database (SQLite, PostgreSQL) through a chassis Db: every change
is a new version (rows never updated), checked against the version the coordinator edited,
validated with coded errors (nothing changes then), audited; a lapse (expired, not yet valid,
suspended) stops every delivery, and the delivery records the version that allowed it."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.envelope import CloudEvent
from abitare_chassis.migrate import upgrade
from partners.adapters.models import ConventionRow, Delivery, Subscription, metadata
from partners.domain.conventions import agency_today
from partners.errors import (
    ConventionInvalid,
    ConventionNotFound,
    ConventionStatusConflict,
    ConventionUnchanged,
    ConventionVersionConflict,
    PartnerForbidden,
)
from partners.schemas import read_changes, read_status_change
from partners.service import PartnersService
from partners.usecases import catalogue, conventions, sharing

SGM = "015195"
REFERRAL_RECEIVED = "intake.referral_received.v1"
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=(SGM,))
OPERATOR = Actor(sub="operator:op", role="agency_operator", comuni=(SGM,))
SYSTEM = Actor(sub="service:demo", role="system", comuni=())


@pytest.fixture
def db(db_url):
    upgrade(PartnersService.migrations_dir, db_url)
    database = Db("partners", db_url, metadata, handler="partners.handle_intake_referral_received")
    yield database
    database.dispose()


def rows(db, code="AFOL-2024"):
    with db.session() as session:
        return session.scalars(
            select(ConventionRow).where(ConventionRow.code == code).order_by(ConventionRow.version)
        ).all()


def audit_rows(db):
    with db.session() as session:
        return session.execute(select(audit.audit_event)).mappings().all()


def edit(db, changes, version=1, actor=COORDINATOR, code="AFOL-2024"):
    return conventions.edit_convention(db, actor, "AFOL", code, version, read_changes(changes))


def test_an_edit_adds_the_next_version_and_keeps_the_history(db):
    first = rows(db)[0]
    edited = edit(db, {"response_days": 7, "comuni": [SGM], "title": "Orientamento"})
    assert (edited["code"], edited["version"]) == ("AFOL-2024", 2)
    assert edited["recorded_by"] == "operator:coord"
    assert {c["column"] for c in edited["changes"]} == {"response_days", "comuni", "title"}
    versions = rows(db)
    assert [v.version for v in versions] == [1, 2]
    assert (versions[0].response_days, versions[0].comuni) == (first.response_days, [])  # kept
    assert (versions[1].response_days, versions[1].comuni) == (7, [SGM])
    assert versions[1].grants == first.grants and versions[1].services == first.services

    partner = conventions.get_partner(db, OPERATOR, "AFOL")
    history = partner["conventions"][0]["versions"]
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["changes"] == [] and history[0]["recorded_by"] == "system:migration"
    assert {"column": "response_days", "before": 15, "after": 7} in history[1]["changes"]
    assert partner["conventions"][0]["current"]["version"] == 2
    assert partner["in_force"]["version"] == 2 and partner["lapse"] is None

    [row] = audit_rows(db)
    assert (row["action"], row["referral_id"], row["actor_sub"]) == (
        "edit_convention",
        "AFOL-2024",
        "operator:coord",
    )
    assert row["data_set"] == "convention v2" and row["purpose"] == conventions.PURPOSE


def test_a_grant_is_replaced_per_event_type_and_the_change_says_which(db):
    grants = {
        REFERRAL_RECEIVED: {"fields": ["referral_id", "household.size"], "purpose": "statistica"}
    }
    edited = edit(db, {"grants": grants})
    assert edited["grants"] == grants
    changed = {c["column"] for c in edited["changes"]}
    assert f"grants.{REFERRAL_RECEIVED}" in changed
    assert "grants.partners.partner_referral_created.v1" in changed  # no longer granted


def test_an_edit_of_a_version_that_is_no_longer_current_is_a_conflict(db):
    edit(db, {"response_days": 7})
    with pytest.raises(ConventionVersionConflict) as error:
        edit(db, {"response_days": 9}, version=1)
    assert error.value.details["current_version"] == 2
    assert [v.version for v in rows(db)] == [1, 2] and rows(db)[-1].response_days == 7


@pytest.mark.parametrize(
    "changes, path, code",
    [
        ({"services": ["orientamento_lavoro", "yoga"]}, "services", "unknown_service"),
        (
            {"grants": {"intake.referral_closed.v1": {"fields": ["x"], "purpose": "p"}}},
            "grants.intake.referral_closed.v1",
            "event_type_not_in_catalogue",
        ),
        (
            {
                "grants": {
                    REFERRAL_RECEIVED: {"fields": ["household.codice_fiscale"], "purpose": "p"}
                }
            },
            f"grants.{REFERRAL_RECEIVED}.fields",
            "field_not_in_event",
        ),
        ({"valid_to": "2023-12-31"}, "valid_to", "valid_to_before_valid_from"),
        ({"comuni": ["15195"]}, "comuni.0", "istat_format"),
        ({"channels": ["fax"]}, "channels.0", "one_of"),
        ({"response_days": 0}, "response_days", "range"),
        ({"kind": "contratto"}, "kind", "one_of"),
        ({"status": "sospesa"}, "status", "unknown_field"),
        (
            {"grants": {REFERRAL_RECEIVED: {"fields": ["referral_id"], "purpose": ""}}},
            f"grants.{REFERRAL_RECEIVED}.value.purpose",
            "length",
        ),
    ],
)
def test_an_invalid_edit_is_refused_with_a_code_and_changes_nothing(db, changes, path, code):
    with pytest.raises(ConventionInvalid) as error:
        edit(db, changes)
    assert code in [e["code"] for e in error.value.errors[path]], error.value.errors
    assert [v.version for v in rows(db)] == [1]
    assert audit_rows(db) == []


def test_an_edit_that_changes_nothing_records_no_version(db):
    with pytest.raises(ConventionUnchanged):
        edit(db, {"response_days": 15, "channels": ["amqp"]})
    assert [v.version for v in rows(db)] == [1] and audit_rows(db) == []


def test_only_coordinators_and_the_system_edit_operators_read(db):
    with pytest.raises(PartnerForbidden):
        edit(db, {"response_days": 7}, actor=OPERATOR)
    with pytest.raises(PartnerForbidden):
        conventions.set_status(db, OPERATOR, "AFOL", "AFOL-2024", 1, "sospesa", "motivo")
    assert edit(db, {"response_days": 7}, actor=SYSTEM)["version"] == 2
    assert conventions.get_partner(db, OPERATOR, "AFOL")["code"] == "AFOL"
    with pytest.raises(ConventionNotFound):
        edit(db, {"response_days": 7}, code="NOSUCH-2024")
    with pytest.raises(ConventionNotFound):  # another partner's convention
        edit(db, {"response_days": 7}, code="FWA-2024")


def test_suspending_and_resuming_need_a_reason_and_are_new_versions(db):
    for empty in ("", "   ", None):
        with pytest.raises(ConventionInvalid) as error:
            read_status_change("sospesa", empty)
        assert error.value.errors["reason"][0]["code"] in ("status_reason_required", "null")
    with pytest.raises(ConventionInvalid) as error:
        read_status_change("chiusa", "motivo")
    assert error.value.errors["status"][0]["code"] == "one_of"
    suspended = conventions.set_status(
        db,
        COORDINATOR,
        "AFOL",
        "AFOL-2024",
        1,
        "sospesa",
        read_status_change("sospesa", " Verifica dell'atto in corso ")["reason"],
    )
    assert (suspended["version"], suspended["status"]) == (2, "sospesa")
    assert suspended["status_reason"] == "Verifica dell'atto in corso"
    with pytest.raises(ConventionStatusConflict):
        conventions.set_status(db, COORDINATOR, "AFOL", "AFOL-2024", 2, "sospesa", "ancora")
    listed = {p["code"]: p for p in catalogue.list_partners(db, OPERATOR)}
    assert listed["AFOL"]["in_force"] is None
    assert listed["AFOL"]["lapse"] == {
        "code": "convention_suspended",
        "convention_code": "AFOL-2024",
        "version": 2,
        "reason": "Verifica dell'atto in corso",
    }
    resumed = conventions.set_status(
        db, COORDINATOR, "AFOL", "AFOL-2024", 2, "attiva", "Atto verificato"
    )
    assert (resumed["version"], resumed["status"]) == (3, "attiva")
    assert catalogue.list_partners(db, OPERATOR)[0]["in_force"]["version"] == 3
    with pytest.raises(ConventionStatusConflict):
        conventions.set_status(db, COORDINATOR, "AFOL", "AFOL-2024", 3, "attiva", "di nuovo")
    assert [r["action"] for r in audit_rows(db)] == ["suspend_convention", "resume_convention"]


def test_the_lapse_says_since_when_or_from_when(db):
    edit(db, {"valid_to": "2026-06-30"})
    day = date(2026, 7, 1)
    [afol] = [p for p in catalogue.list_partners(db, OPERATOR, day) if p["code"] == "AFOL"]
    assert afol["lapse"]["code"] == "convention_expired"
    assert afol["lapse"]["valid_to"] == date(2026, 6, 30)
    assert catalogue.list_partners(db, OPERATOR, date(2026, 6, 30))[0]["lapse"] is None
    edit(db, {"valid_from": "2027-01-01", "valid_to": None}, version=2)
    later = conventions.get_partner(db, OPERATOR, "AFOL", day)
    assert later["lapse"]["code"] == "convention_not_yet_valid"
    assert later["lapse"]["valid_from"] == date(2027, 1, 1)


# -- a lapse stops every delivery, on the agency's calendar ---------------------------------------
def referral_event() -> CloudEvent:
    referral_id = str(uuid.uuid4())
    return CloudEvent(
        id=str(uuid.uuid4()),
        type=REFERRAL_RECEIVED,
        source="/abitare/intake",
        time=datetime.now(UTC).isoformat(),
        subject=referral_id,
        tenant=SGM,
        actor=SYSTEM,
        data={"referral_id": referral_id, "comune_istat": SGM, "household": {"size": 3}},
        correlationid=referral_id,
    )


def share(db, day):
    event = referral_event()
    keys = {"referral_id": event.data["referral_id"], "comune_istat": SGM}
    return sharing.share_event(db, event, keys, day=day)


def delivered(db) -> list[tuple[str, int]]:
    with db.session() as session:
        return session.execute(
            select(Delivery.convention_code, Delivery.convention_version).order_by(Delivery.id)
        ).all()


def test_an_event_after_valid_to_is_not_delivered_and_each_delivery_names_its_version(db):
    catalogue.subscribe(
        db, COORDINATOR, {"partner_code": "AFOL", "event_type": REFERRAL_RECEIVED}, lambda c: c
    )
    last_day = agency_today() + timedelta(days=30)
    edit(db, {"valid_to": last_day.isoformat()})
    assert len(share(db, last_day)) == 1  # the last day of validity still delivers
    assert share(db, last_day + timedelta(days=1)) == []  # the day after: nothing
    assert delivered(db) == [("AFOL-2024", 2)]


def test_suspended_delivers_nothing_and_resumed_delivers_again(db):
    catalogue.subscribe(
        db, COORDINATOR, {"partner_code": "AFOL", "event_type": REFERRAL_RECEIVED}, lambda c: c
    )
    today = agency_today()
    assert len(share(db, today)) == 1
    conventions.set_status(
        db, COORDINATOR, "AFOL", "AFOL-2024", 1, "sospesa", "Atto scaduto da rinnovare"
    )
    assert share(db, today) == []
    conventions.set_status(db, COORDINATOR, "AFOL", "AFOL-2024", 2, "attiva", "Atto rinnovato")
    assert len(share(db, today)) == 1
    assert delivered(db) == [("AFOL-2024", 1), ("AFOL-2024", 3)]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1
