"""The ISEE aid's use cases on a real database (SQLite, PostgreSQL) through a chassis Db, no
broker: certified ISEEs and estimates kept on a household's funds file, the applicable one
chosen on a day, audited reads and writes, scope, refusals that change nothing, and the
pseudonymisation of the household."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.errors import InvalidInput
from abitare_chassis.migrate import upgrade
from abitare_chassis.schemas import load
from funds.adapters.models import CertifiedIsee, IseeEstimate, metadata
from funds.errors import (
    CertifiedIseeDuplicate,
    CertifiedIseeInvalid,
    FundsFileNotFound,
    FundsFilePseudonymised,
    FundsForbidden,
    IseeInputInvalid,
)
from funds.schemas import CertifiedIseeIn, IseeEstimateIn
from funds.service import FundsService
from funds.usecases import files, isee

SGM = "015195"
OPERATOR = Actor(sub="operator:test", role="agency_operator", comuni=(SGM,))
MILANO = Actor(sub="operator:mi", role="comune_operator", comuni=("015146",))
CLIENT = Actor(sub="client:sgm", role="municipal_client", comuni=(SGM,))
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"
DAY = date(2026, 1, 15)
DAY_TEXT = DAY.isoformat()

# domain_rules.md §1.9 example B: a couple with two minor children, ISEE 10.751,88
EXAMPLE_B = {
    "members": [
        {"relation": "genitore", "employment_income_cents": 2_800_000, "worked_6_months": True},
        {"relation": "genitore", "employment_income_cents": 1_200_000, "worked_6_months": True},
        {"relation": "figlio", "minor": True},
        {"relation": "figlio", "minor": True},
    ],
    "rent": {"registered": True, "annual_rent_cents": 960_000},
    "financial": {"deposits_balance_cents": 1_500_000, "state_bonds_cents": 2_000_000},
}
CERTIFIED = {
    "protocol": "INPS-ISEE-2026-00012345A-00",
    "kind": "ordinario",
    "isee_cents": 1_100_000,
    "ise_cents": 2_926_000,
    "dsu_date": "2026-01-10",
    "valid_until": "2026-12-31",
}


@pytest.fixture
def db(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    database = Db("funds", db_url, metadata, handler="funds.handle_intake_case_pseudonymised")
    files.open_funds_file(
        database,
        {
            "referral_id": REFERRAL_ID,
            "comune_istat": SGM,
            "received_at": None,
            "household": {"size": 4},
            "economics": {},
        },
        SimpleNamespace(id="open", correlationid="open"),
    )
    yield database
    database.dispose()


def estimate(db, actor=OPERATOR, dsu=EXAMPLE_B, on=DAY_TEXT, **kw):
    data = load(IseeEstimateIn(), {"dsu": dsu, "computed_on": on, **kw})
    return isee.estimate_and_store(db, actor, REFERRAL_ID, data)


def certify(db, actor=OPERATOR, **overrides):
    data = load(CertifiedIseeIn(), {**CERTIFIED, **overrides})
    return isee.record_certified_isee(db, actor, REFERRAL_ID, data)


def counts(db):
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(CertifiedIsee)),
            session.scalar(select(func.count()).select_from(IseeEstimate)),
        )


def audit_actions(db):
    with db.session() as session:
        return [row["action"] for row in audit.trail(session, OPERATOR, REFERRAL_ID)]


def test_an_estimate_is_kept_with_what_it_was_computed_from_and_reads_back_identically(db):
    stored = estimate(db)
    assert stored["label"] == "ISEE stimato" and stored["source"] == "stimato"
    assert stored["isee_cents"] == 1_075_188  # 10.751,88, example B to the cent
    assert (stored["ise_cents"], stored["isr_cents"], stored["isp_cents"]) == (
        2_860_000,
        2_760_000,
        500_000,
    )
    assert stored["scale"] == "2.66" and stored["computed_on"] == DAY
    assert stored["dsu"]["members"][0]["employment_income_cents"] == 2_800_000
    assert stored["result"]["scale"]["working_parents_increment"] == "0.20"
    assert stored["result"]["isp"]["state_bonds_excluded_cents"] == 2_000_000
    names = {p["name"]: p for p in stored["parameters"]}
    assert names["isee_scale_4"]["source"] == "DPCM 5 dicembre 2013 n. 159, Allegato 1"
    assert names["isee_state_bonds_exclusion_cents"]["to_verify"] is True
    assert stored["to_verify"] is True
    listed = isee.list_isee(db, OPERATOR, REFERRAL_ID, on=DAY)
    assert listed["estimates"] == [stored]
    assert listed["applicable"]["kind"] == "stimato"
    assert listed["applicable"]["label"] == "ISEE stimato"
    assert listed["applicable"]["record"] == stored


def test_a_valid_certified_isee_beats_the_estimate_and_an_expired_one_does_not(db):
    estimate(db)
    certified = certify(db)
    assert certified["label"] == "ISEE certificato" and certified["kind"] == "ordinario"
    assert certified["protocol"] == CERTIFIED["protocol"]
    assert certified["dsu_date"] == date(2026, 1, 10) and certified["recorded_by"] == OPERATOR.sub
    chosen = isee.list_isee(db, OPERATOR, REFERRAL_ID, on=DAY)["applicable"]
    assert chosen["kind"] == "certificato" and chosen["isee_cents"] == 1_100_000
    assert chosen["record"]["id"] == certified["id"] and chosen["record"]["valid"] is True
    later = isee.list_isee(db, OPERATOR, REFERRAL_ID, on=date(2027, 1, 2))
    assert later["applicable"]["kind"] == "stimato"
    assert later["certified"][0]["valid"] is False
    before = isee.list_isee(db, OPERATOR, REFERRAL_ID, on=date(2026, 1, 9))
    assert before["applicable"] is None  # nothing certified yet, no estimate made by then


def test_reads_and_writes_are_audited(db):
    estimate(db)
    certify(db)
    isee.list_isee(db, OPERATOR, REFERRAL_ID, purpose="istruttoria")
    actions = audit_actions(db)
    assert actions[-3:] == ["estimate_isee", "record_certified_isee", "list_isee"]


def test_the_same_protocol_twice_is_refused_and_nothing_changes(db):
    certify(db)
    with pytest.raises(CertifiedIseeDuplicate):
        certify(db, isee_cents=900_000)
    assert counts(db) == (1, 0)


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"valid_until": "2026-01-09"}, "valid_until", "date_order"),
        ({"isee_cents": 3_000_000}, "isee_cents", "isee_above_ise"),
        ({"isr_cents": 3_000_000}, "isr_cents", "isr_above_ise"),
    ],
)
def test_an_impossible_certified_isee_is_refused_and_nothing_changes(db, overrides, field, code):
    with pytest.raises(CertifiedIseeInvalid) as refused:
        certify(db, **overrides)
    assert refused.value.errors[field][0]["code"] == code
    assert counts(db) == (0, 0)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"protocol": "12345"}, "protocol"),
        ({"kind": "qualsiasi"}, "kind"),
        ({"isee_cents": -1}, "isee_cents"),
        ({"isee_cents": 10.5}, "isee_cents"),
        ({"dsu_date": "2026-02-30"}, "dsu_date"),
    ],
)
def test_bad_fields_of_a_certified_isee_are_coded(overrides, field):
    with pytest.raises(InvalidInput) as refused:
        load(CertifiedIseeIn(), {**CERTIFIED, **overrides})
    assert field in refused.value.errors


def test_impossible_dsu_figures_are_refused_and_nothing_is_stored(db):
    dsu = {"members": [{"relation": "figlio", "minor": True}]}
    with pytest.raises(IseeInputInvalid) as refused:
        estimate(db, dsu=dsu)
    assert refused.value.errors["members"][0]["code"] == "isee_no_adult"
    with pytest.raises(InvalidInput):
        bad = {"members": [{"relation": "altro", "pension_income_cents": -5}]}
        load(IseeEstimateIn(), {"dsu": bad})
    assert counts(db) == (0, 0)


def test_another_comune_or_a_municipal_client_gets_nothing(db):
    estimate(db)
    with pytest.raises(FundsFileNotFound):
        isee.list_isee(db, MILANO, REFERRAL_ID)
    with pytest.raises(FundsFileNotFound):
        certify(db, actor=MILANO)
    with pytest.raises(FundsForbidden):
        isee.list_isee(db, CLIENT, REFERRAL_ID)
    with pytest.raises(FundsForbidden):
        estimate(db, actor=CLIENT)
    assert counts(db) == (0, 1)


def test_the_family_regime_is_chosen_and_kept(db):
    stored = estimate(db, regime="misure_famiglia_2026")
    assert stored["regime"] == "misure_famiglia_2026"
    names = {(p["name"], p["regime"]) for p in stored["parameters"]}
    assert ("isee_scale_children_2", "misure_famiglia_2026") in names


def test_pseudonymisation_removes_the_figures_and_keeps_the_isee(db):
    estimate(db)
    certify(db)
    keys = {"referral_id": REFERRAL_ID, "comune_istat": SGM}
    assert files.pseudonymise_funds_file(db, keys, SimpleNamespace(id="p1", correlationid="p1"))
    listed = isee.list_isee(db, OPERATOR, REFERRAL_ID, on=DAY)
    certified, estimated = listed["certified"][0], listed["estimates"][0]
    assert certified["protocol"] is None and certified["ise_cents"] is None
    assert certified["isee_cents"] == 1_100_000 and certified["pseudonymised_at"] is not None
    assert estimated["dsu"] is None and estimated["result"] is None
    assert estimated["isr_cents"] is None and estimated["isee_cents"] == 1_075_188
    assert listed["applicable"]["kind"] == "certificato"
    with pytest.raises(FundsFilePseudonymised):  # nothing personal is added afterwards
        estimate(db)
    with pytest.raises(FundsFilePseudonymised):
        certify(db, protocol="INPS-ISEE-2026-XX0000000-99")
