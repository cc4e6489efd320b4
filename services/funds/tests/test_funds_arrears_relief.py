"""Morosità incolpevole use cases on a real database (SQLite, PostgreSQL) through a chassis Db,
no broker: the arrears file of a household with a funds file, its stages with dates, the
criteria and the contribution stored, reads scoped and audited, evictions due, the
pseudonymisation of the case."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.audit import audit_event
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from funds.adapters.models import ArrearsStage, metadata
from funds.domain.dates import local_date
from funds.errors import (
    ArrearsFileExists,
    ArrearsFileNotFound,
    ArrearsFilePseudonymised,
    ArrearsInputInvalid,
    ArrearsStageTransitionInvalid,
    FundsFileNotFound,
    FundsForbidden,
)
from funds.service import FundsService
from funds.usecases import arrears_relief as uc
from funds.usecases import files

SGM = "015195"
OPERATOR = Actor(sub="operator:test", role="agency_operator", comuni=(SGM,))
MILANO = Actor(sub="operator:mi", role="comune_operator", comuni=("015146",))
CLIENT = Actor(sub="client:sgm", role="municipal_client", comuni=(SGM,))
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"
OTHER_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f01"
TODAY = date(2026, 12, 2)


@pytest.fixture
def db(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    database = Db("funds", db_url, metadata, handler="funds.handle_intake_referral_received")
    for n, referral_id in enumerate((REFERRAL_ID, OTHER_ID)):
        files.open_funds_file(
            database,
            {
                "referral_id": referral_id,
                "comune_istat": SGM,
                "received_at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                "household": {"size": 3},
                "economics": {"monthly_net_income_cents": 120000, "monthly_rent_cents": 65000},
            },
            SimpleNamespace(id=f"e{n}", correlationid=f"e{n}"),
        )
    yield database
    database.dispose()


def open_file(db, referral_id=REFERRAL_ID, **overrides):
    data = {
        "stage": "intimazione_notificata",
        "on": date(2026, 10, 1),
        "due_on": date(2026, 11, 5),
        "note": "Intimazione ricevuta dall'avv. del proprietario",
        "cause": "licenziamento",
        "income_loss_on": date(2025, 9, 30),
        "facts": {"ise_cents": 3_200_000, "lease_start": date(2021, 4, 1)},
        **overrides,
    }
    return uc.open_arrears_file(db, OPERATOR, referral_id, data, today=TODAY)


def audits(db, action):
    with db.session() as session:
        return session.scalar(
            select(func.count()).select_from(audit_event).where(audit_event.c.action == action)
        )


def test_an_operator_opens_the_file_records_the_stages_and_reads_them_back(db):
    opened = open_file(db)
    assert (opened["stage"], opened["due_on"], opened["due_kind"]) == (
        "intimazione_notificata",
        date(2026, 11, 5),
        "udienza",
    )
    assert opened["cause_words"] == "licenziamento"
    assert opened["allowed_next"] == ["rinuncia_proprietario", "udienza_convalida"]
    uc.record_stage(
        db, OPERATOR, REFERRAL_ID, {"stage": "udienza_convalida", "on": date(2026, 11, 5)}, TODAY
    )
    grace = uc.record_stage(
        db,
        OPERATOR,
        REFERRAL_ID,
        {
            "stage": "termine_grazia",
            "on": date(2026, 11, 5),
            "due_on": date(2027, 2, 10),
            "note": "Termine di 90 giorni",
        },
        TODAY,
    )
    assert grace["due_on"] == date(2027, 2, 10)
    read = uc.get_arrears_file(db, OPERATOR, REFERRAL_ID)
    assert read == grace
    assert [s["stage"] for s in read["stages"]] == [
        "intimazione_notificata",
        "udienza_convalida",
        "termine_grazia",
    ]
    assert read["stages"][2]["on"] == date(2026, 11, 5)
    assert read["opened_at"].tzinfo is not None
    assert audits(db, "get_arrears_file") == 1
    assert audits(db, "record_arrears_stage") == 2
    cured = uc.record_stage(
        db, OPERATOR, REFERRAL_ID, {"stage": "sanato", "on": date(2026, 12, 1)}, TODAY
    )
    assert (cured["due_on"], cured["allowed_next"]) == (None, [])


def test_an_impossible_move_or_bad_dates_change_nothing(db):
    open_file(db)
    with pytest.raises(ArrearsStageTransitionInvalid) as error:
        uc.record_stage(
            db, OPERATOR, REFERRAL_ID, {"stage": "eseguito", "on": date(2026, 11, 5)}, TODAY
        )
    assert error.value.details["current"] == "intimazione_notificata"
    with pytest.raises(ArrearsInputInvalid):
        uc.record_stage(
            db, OPERATOR, REFERRAL_ID, {"stage": "udienza_convalida", "on": date(2026, 9, 1)}, TODAY
        )
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ArrearsStage)) == 1
    assert uc.get_arrears_file(db, OPERATOR, REFERRAL_ID)["stage"] == "intimazione_notificata"
    assert audits(db, "record_arrears_stage") == 0


def test_one_file_per_household_in_scope_and_only_for_those_who_may(db):
    open_file(db)
    with pytest.raises(ArrearsFileExists):
        open_file(db)
    with pytest.raises(FundsFileNotFound):
        uc.open_arrears_file(
            db, MILANO, OTHER_ID, {"stage": "morosita_lieve", "on": date(2026, 10, 1)}, TODAY
        )
    with pytest.raises(ArrearsFileNotFound):
        uc.get_arrears_file(db, MILANO, REFERRAL_ID)
    with pytest.raises(ArrearsFileNotFound):
        uc.get_arrears_file(db, OPERATOR, OTHER_ID)
    with pytest.raises(FundsForbidden):
        uc.get_arrears_file(db, CLIENT, REFERRAL_ID)
    with pytest.raises(FundsForbidden):
        uc.evictions_due(db, CLIENT, date(2027, 1, 1), TODAY)


def test_the_criteria_are_checked_on_the_stored_facts_and_kept_on_the_file(db):
    open_file(db)
    partial = uc.check_criteria(db, OPERATOR, REFERRAL_ID, {"on": TODAY})
    assert partial["eligibility"] == "incompleta"
    outcomes = {c["code"]: c["outcome"] for c in partial["criteria"]}
    assert outcomes["reddito"] == outcomes["intimazione"] == outcomes["causa"] == "soddisfatto"
    assert outcomes["residenza"] == "dato_mancante"
    complete = uc.check_criteria(
        db,
        OPERATOR,
        REFERRAL_ID,
        {
            "on": TODAY,
            "lease_registered": True,
            "cadastral_category": "A3",
            "resident_since": date(2021, 4, 1),
            "citizenship": "italiana",
            "owns_adequate_dwelling_in_province": False,
            "member_over_70": True,
        },
    )
    assert complete["eligibility"] == "ammissibile" and complete["preferential"]
    read = uc.get_arrears_file(db, OPERATOR, REFERRAL_ID)
    assert read["eligibility"] == "ammissibile" and read["checked_on"] == TODAY
    assert read["facts"]["resident_since"] == "2021-04-01"
    assert read["facts"]["ise_cents"] == 3_200_000  # kept from the opening
    assert read["assessment"] == complete
    with pytest.raises(ArrearsInputInvalid):
        uc.check_criteria(db, OPERATOR, REFERRAL_ID, {"cause": "altra_causa"})


def test_the_contribution_is_computed_capped_and_stored(db):
    open_file(db)
    result = uc.compute_contribution(
        db,
        OPERATOR,
        REFERRAL_ID,
        {
            "on": TODAY,
            "deferral_months": 8,
            "monthly_rent_cents": 65_000,  # 8 × € 650 = € 5.200
            "landlord_defers_eviction": True,
            "deposit_cents": 150_000,
            "new_lease_months": 12,
            "new_monthly_rent_cents": 55_000,  # 12 × € 550 = € 6.600 → € 5.300 left
            "new_lease_concordato": True,
        },
    )
    lines = {line["line"]: line["granted_cents"] for line in result["computation"]["lines"]}
    assert lines == {"b": 520_000, "c": 150_000, "d": 530_000}
    assert result["total_cents"] == 1_200_000
    read = uc.get_arrears_file(db, OPERATOR, REFERRAL_ID)
    assert [c["total_cents"] for c in read["contributions"]] == [1_200_000]
    assert read["contributions"][0]["request"]["deposit_cents"] == 150_000
    with pytest.raises(ArrearsInputInvalid):
        uc.compute_contribution(db, OPERATOR, REFERRAL_ID, {"deposit_cents": -5})
    assert len(uc.get_arrears_file(db, OPERATOR, REFERRAL_ID)["contributions"]) == 1


def test_evictions_due_lists_the_dates_coming_up_in_scope_soonest_first(db):
    today = local_date(datetime.now(UTC))
    uc.open_arrears_file(
        db,
        OPERATOR,
        REFERRAL_ID,
        {"stage": "intimazione_notificata", "on": today, "due_on": today + timedelta(days=20)},
    )
    uc.open_arrears_file(
        db,
        OPERATOR,
        OTHER_ID,
        {"stage": "intimazione_notificata", "on": today, "due_on": today + timedelta(days=3)},
    )
    due = uc.evictions_due(db, OPERATOR, today + timedelta(days=30))
    assert [(d["referral_id"], d["due_kind"]) for d in due] == [
        (OTHER_ID, "udienza"),
        (REFERRAL_ID, "udienza"),
    ]
    assert due[0]["due_on"] == today + timedelta(days=3)
    assert [
        d["referral_id"] for d in uc.evictions_due(db, OPERATOR, today + timedelta(days=10))
    ] == [OTHER_ID]
    assert uc.evictions_due(db, MILANO, today + timedelta(days=30)) == []
    assert audits(db, "evictions_due") == 3
    uc.record_stage(db, OPERATOR, OTHER_ID, {"stage": "rinuncia_proprietario", "on": today})
    assert [
        d["referral_id"] for d in uc.evictions_due(db, OPERATOR, today + timedelta(days=30))
    ] == [REFERRAL_ID]


def test_the_case_pseudonymised_removes_facts_notes_and_amounts_and_the_file_stays_closed(db):
    open_file(db)
    uc.check_criteria(db, OPERATOR, REFERRAL_ID, {"on": TODAY, "citizenship": "italiana"})
    uc.compute_contribution(db, OPERATOR, REFERRAL_ID, {"on": TODAY, "deposit_cents": 100_000})
    event = SimpleNamespace(id="p1", correlationid="p1")
    assert files.pseudonymise_funds_file(
        db, {"referral_id": REFERRAL_ID, "comune_istat": SGM}, event
    )
    read = uc.get_arrears_file(db, OPERATOR, REFERRAL_ID)
    assert read["pseudonymised_at"] is not None
    assert read["facts"] == {} and read["assessment"] is None and read["income_loss_on"] is None
    assert read["eligibility"] == "incompleta"  # the outcome stays for the counts
    assert [s["note"] for s in read["stages"]] == [None]
    assert read["stages"][0]["on"] == date(2026, 10, 1)
    assert read["contributions"][0]["request"] is None
    assert read["contributions"][0]["total_cents"] == 100_000
    with pytest.raises(ArrearsFilePseudonymised):
        uc.record_stage(
            db, OPERATOR, REFERRAL_ID, {"stage": "udienza_convalida", "on": TODAY}, TODAY
        )
