"""Retention use cases against a real database (SQLite and PostgreSQL), no broker: the legal
hold, the pseudonymisation of closed cases past their retention (what goes, what stays, the
Fotografia unchanged), its event and its idempotence."""

import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select, update

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from abitare_chassis.schemas import load
from intake.adapters.models import (
    AuditEvent,
    CaseClosure,
    CommissionMeeting,
    DiaryEntry,
    HouseholdMember,
    ProjectAction,
    Referral,
    TriageDecision,
    metadata,
    outbox_table,
)
from intake.domain import clock
from intake.errors import CaseForbidden, CasePseudonymised, InvalidInput, ReferralNotFound
from intake.schemas.cases import (
    ClosureInput,
    DiaryEntryInput,
    LegalHoldInput,
    ProjectInput,
    TriageInput,
)
from intake.schemas.referrals import ReferralInput
from intake.service import IntakeService
from intake.usecases import (
    closure,
    commission,
    diary,
    fotografia,
    projects,
    referrals,
    retention,
    triage,
)

CONTRACTS = Path(__file__).resolve().parents[3] / "infra" / "contracts" / "events"
SGM, MELEGNANO, MILANO = "015195", "015140", "015146"
AGENCY = Actor(sub="operator:anna", role="agency_operator", comuni=(SGM, MELEGNANO), name="Anna")
COORDINATOR = Actor(sub="operator:carla", role="coordinator", comuni=(SGM, MELEGNANO))
MILANO_COORDINATOR = Actor(sub="operator:z", role="coordinator", comuni=(MILANO,))
RECEIVED = "2015-09-10"
IDENTIFYING = ("Rossi", "Mario", "Bianchi", "RSSMRA80A01F205X", "1234567", "morosità")


@pytest.fixture
def db(db_url):
    upgrade(IntakeService.migrations_dir, db_url)
    database = Db("intake", db_url, metadata)
    yield database
    database.dispose()


def closed_case(db, make_payload, years_ago=11, **changes):
    """A case received in 2014, taken on, with a diary entry, a project, a commission minute
    naming the household, closed ``years_ago`` years ago; its events marked published."""
    referral = referrals.submit_referral(
        db, AGENCY, load(ReferralInput(), make_payload(received_at=RECEIVED, **changes))
    )
    case = referral["id"]
    triage.triage_referral(
        db, AGENCY, case, load(TriageInput(), {"outcome": "presa_in_carico"} | ACK)
    )
    diary.add_diary_entry(
        db,
        AGENCY,
        case,
        load(
            DiaryEntryInput(),
            {"kind": "colloquio", "occurred_at": "2015-09-15T10:00:00+02:00", "text": "M. Rossi"},
        ),
    )
    projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))
    meeting = commission.create_meeting(
        db, COORDINATOR, {"date": date(2015, 10, 10), "location": "Sala"}
    )
    proposal = commission.add_proposal(
        db, COORDINATOR, meeting["id"], {"referral_id": case, "kind": "validate_project"}
    )
    commission.decide_proposal(db, COORDINATOR, proposal["id"], {"decision": "approvata"})
    commission.record_minutes(
        db, COORDINATOR, meeting["id"], "Nucleo Rossi Mario (RSSMRA80A01F205X): approvato."
    )
    closure.close_case(
        db, AGENCY, case, load(ClosureInput(), {"outcome": "rientro_in_famiglia", "notes": "Ok"})
    )
    closed_at = clock.now() - timedelta(days=365 * years_ago + 3)
    with db.transaction() as tx:
        tx.session.execute(
            update(CaseClosure).where(CaseClosure.referral_id == case).values(closed_at=closed_at)
        )
        tx.session.execute(update(outbox_table).values(sent_at=clock.now()))
    return case


ACK = {"duplicates_acknowledged": True}
PROJECT = {
    "objectives": ["Trovare casa per Mario Rossi"],
    "actions": [
        {"type": "other", "description": "Chiamare Laura Bianchi", "responsible": "agency"}
    ],
}


def dump(db) -> str:
    """Every row of every table as text: where a name could still be."""
    with db.engine.connect() as conn:
        return json.dumps(
            {t.name: [list(r) for r in conn.execute(select(t))] for t in metadata.sorted_tables},
            default=str,
        )


def snapshot(db):
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def photo(db):
    return fotografia.get_fotografia(db, AGENCY, date(2015, 1, 1), date(2015, 12, 31))


def test_a_closed_case_past_retention_is_pseudonymised_and_counts_stay(db, make_payload):
    case = closed_case(db, make_payload)
    recent = closed_case(db, make_payload, years_ago=2)
    before = photo(db)
    assert before["total"] == 2 and before["by_outcome"] == {"rientro_in_famiglia": 2}

    counts = retention.run_retention(db, COORDINATOR)

    assert counts == {"examined": 2, "held": 0, "due": 1, "pseudonymised": 1}
    assert photo(db) == before  # the Fotografia of the period gives the same figures
    with db.session() as session:
        referral = session.get(Referral, case)
        members = session.scalars(
            select(HouseholdMember).where(HouseholdMember.referral_id == case)
        ).all()
        entry = session.scalars(select(DiaryEntry).where(DiaryEntry.referral_id == case)).one()
        action = session.scalars(
            select(ProjectAction).where(ProjectAction.referral_id == case)
        ).one()
        minutes = session.scalars(select(CommissionMeeting.minutes)).all()
    assert referral.pseudonymised_at is not None
    assert (referral.description, referral.contact_phone, referral.monthly_rent_cents) == (
        None,
        None,
        None,
    )
    assert referral.eviction_date == date(2026, 12, 1)  # the month only
    assert (referral.household_size, referral.minors, referral.comune_istat) == (3, 1, SGM)
    assert [(m.first_name, m.codice_fiscale, m.birth_date) for m in members] == [
        ("", "", date(1980, 1, 1)),
        ("", "", date(1982, 1, 1)),
        ("", "", date(2015, 1, 1)),
    ]
    assert [m.relation for m in members] == ["intestatario", "coniuge", "figlio"]
    assert {(m.last_name_key, m.first_name_key) for m in members} == {("", "")}  # not searchable
    assert entry.text == "[omissis]" and action.description == "[omissis]"
    assert "Nucleo [omissis] ([omissis]): approvato." in minutes
    # the published events about it are forgotten; the recent case keeps its own
    with db.engine.connect() as conn:
        subjects = [b["subject"] for b in conn.execute(select(outbox_table.c.body)).scalars()]
    assert recent in subjects
    [event] = [b for b in _bodies(db) if b["subject"] == case]  # the new one, still pending
    assert event["type"] == "intake.case_pseudonymised.v1"
    schema = json.loads((CONTRACTS / "intake.case_pseudonymised.v1.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        event["data"]
    )
    assert event["data"]["referral_id"] == case and event["tenant"] == SGM
    # the case page says so; nothing more can be written on it
    record = triage.get_case(db, COORDINATOR, case)
    assert record["retention"]["pseudonymised_at"] is not None
    assert record["household"][0]["last_name"] == ""
    with pytest.raises(CasePseudonymised):
        closure.reopen_case(db, AGENCY, case, "di nuovo")
    with pytest.raises(CasePseudonymised):
        retention.set_legal_hold(db, COORDINATOR, case, "Contenzioso")


def test_a_declined_referral_is_pseudonymised_after_its_own_period(db, make_payload):
    """Declined at triage 6 years ago (5 years: kept whole until then), one declined a year ago
    stays; the case record says until when, from the triage that declined it."""

    def declined(years_ago):
        case = referrals.submit_referral(
            db, AGENCY, load(ReferralInput(), make_payload(received_at=RECEIVED))
        )["id"]
        reason = {"outcome": "respinta", "reason": "Fuori dai criteri"}
        triage.triage_referral(db, AGENCY, case, load(TriageInput(), reason | ACK))
        with db.transaction() as tx:
            tx.session.execute(
                update(TriageDecision)
                .where(TriageDecision.referral_id == case)
                .values(at=clock.now() - timedelta(days=365 * years_ago + 3))
            )
        return case

    old, recent = declined(6), declined(1)
    kept = triage.get_case(db, COORDINATOR, recent)["retention"]
    assert kept["period"]["purpose"] == "declined_referral" and kept["period"]["to_verify"]
    assert kept["retained_until"].year == clock.local_date(clock.now()).year + 4

    counts = retention.run_retention(db, COORDINATOR)

    assert counts == {"examined": 2, "held": 0, "due": 1, "pseudonymised": 1}
    with db.session() as session:
        assert session.get(Referral, old).pseudonymised_at is not None
        assert session.get(Referral, recent).pseudonymised_at is None
        names = session.scalars(
            select(HouseholdMember.last_name).where(HouseholdMember.referral_id == old)
        ).all()
    assert set(names) == {""}
    assert retention.run_retention(db, COORDINATOR)["pseudonymised"] == 0


def test_no_name_of_the_household_remains_and_the_audit_holds_ids_only(db, make_payload):
    case = closed_case(db, make_payload)
    retention.run_retention(db, COORDINATOR)
    with db.session() as session:
        audit_rows = session.execute(select(AuditEvent.__table__)).mappings().all()
    assert not [word for word in IDENTIFYING if word in dump(db)]  # in no table, outbox included
    assert {r["referral_id"] for r in audit_rows} == {case}
    assert "pseudonymise_case" in {r["action"] for r in audit_rows}
    trail = json.dumps([dict(r) for r in audit_rows], default=str)
    assert not [word for word in IDENTIFYING if word in trail]


def test_running_again_changes_nothing(db, make_payload):
    closed_case(db, make_payload)
    retention.run_retention(db, COORDINATOR)
    before, rows = snapshot(db), dump(db)
    assert retention.run_retention(db, COORDINATOR) == {
        "examined": 0,
        "held": 0,
        "due": 0,
        "pseudonymised": 0,
    }
    assert snapshot(db) == before and dump(db) == rows


def test_a_held_case_is_never_pseudonymised_until_the_hold_is_lifted(db, make_payload):
    case = closed_case(db, make_payload)
    with pytest.raises(CaseForbidden):
        retention.set_legal_hold(db, AGENCY, case, "Contenzioso")
    with pytest.raises(ReferralNotFound):
        retention.set_legal_hold(db, MILANO_COORDINATOR, case, "Contenzioso")
    with pytest.raises(InvalidInput):
        load(LegalHoldInput(), {"reason": ""})
    hold = retention.set_legal_hold(db, COORDINATOR, case, "Contenzioso davanti al TAR")
    assert hold["reason"] == "Contenzioso davanti al TAR" and hold["by"] == COORDINATOR.sub

    assert retention.run_retention(db, COORDINATOR) == {
        "examined": 1,
        "held": 1,
        "due": 0,
        "pseudonymised": 0,
    }
    record = triage.get_case(db, COORDINATOR, case)
    assert record["retention"]["legal_hold"]["reason"] == "Contenzioso davanti al TAR"
    assert record["household"][0]["last_name"] == "Rossi"

    assert retention.lift_legal_hold(db, COORDINATOR, case) is None
    assert retention.run_retention(db, COORDINATOR)["pseudonymised"] == 1
    with db.session() as session:
        actions = session.scalars(
            select(AuditEvent.__table__.c.action).where(AuditEvent.__table__.c.referral_id == case)
        ).all()
    assert {"set_legal_hold", "lift_legal_hold", "pseudonymise_case"} <= set(actions)


def test_only_coordinators_run_it_and_only_for_their_comuni(db, make_payload):
    case = closed_case(db, make_payload)
    with pytest.raises(CaseForbidden):
        retention.run_retention(db, AGENCY)
    assert retention.run_retention(db, MILANO_COORDINATOR)["examined"] == 0
    scheduled = retention.scheduled_actor()
    assert SGM in scheduled.comuni and scheduled.role == "system"
    assert retention.run_retention(db, scheduled)["pseudonymised"] == 1
    assert triage.get_case(db, COORDINATOR, case)["retention"]["pseudonymised_at"]


def test_a_reopened_case_is_kept(db, make_payload):
    case = closed_case(db, make_payload)
    closure.reopen_case(db, AGENCY, case, "Il nucleo è tornato")
    assert retention.run_retention(db, COORDINATOR)["examined"] == 0
    record = triage.get_case(db, COORDINATOR, case)
    assert record["retention"]["pseudonymised_at"] is None


def test_the_case_record_says_until_when_it_is_kept_and_that_the_figure_is_to_verify(
    db, make_payload
):
    case = closed_case(db, make_payload, years_ago=2)
    kept = triage.get_case(db, COORDINATOR, case)["retention"]
    assert kept["period"]["years"] == 10 and kept["period"]["to_verify"] is True
    assert kept["retained_until"] > clock.local_date(clock.now())


def _bodies(db):
    with db.engine.connect() as conn:
        return list(conn.execute(select(outbox_table.c.body)).scalars())
