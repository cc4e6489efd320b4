"""The guarantee fund's use cases on a real database (SQLite, PostgreSQL) through a chassis Db,
no broker: enrol, claim, pay, repay, exposure; refusals store nothing; idempotent keys; reads
scoped and audited; events in the outbox; pseudonymisation."""

import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from abitare_chassis.testing.consumer import contracts_dir
from funds.adapters.models import GuaranteeClaim, GuaranteeCover, metadata
from funds.domain import guarantee as rules
from funds.errors import (
    FundsFileNotFound,
    FundsFilePseudonymised,
    FundsForbidden,
    GuaranteeClaimNotFound,
    GuaranteeClaimNotPayable,
    GuaranteeEntryRefused,
    GuaranteeIdempotencyKeyReused,
    GuaranteeInputInvalid,
)
from funds.service import FundsService
from funds.usecases import files
from funds.usecases import guarantee as g

SGM = "015195"
OPERATOR = Actor(sub="operator:test", role="agency_operator", comuni=(SGM,))
COORDINATOR = Actor(sub="coordinator:test", role="coordinator", comuni=(SGM,))
MILANO = Actor(sub="coordinator:mi", role="coordinator", comuni=("015146",))
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"
ALL_DOCUMENTS = list(rules.REQUIRED_DOCUMENTS)


@pytest.fixture
def db(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    database = Db("funds", db_url, metadata, handler="funds.handle_intake_referral_received")
    files.open_funds_file(
        database,
        {
            "referral_id": REFERRAL_ID,
            "comune_istat": SGM,
            "received_at": datetime(2026, 11, 2, 9, tzinfo=UTC),
            "household": {"size": 3},
            "economics": {},
        },
        SimpleNamespace(id="e1", correlationid="e1"),
    )
    yield database
    database.dispose()


def contract(**overrides):
    data = {
        "landlord_name": "Mario Rossi",
        "dwelling_address": "Via Roma 1, San Giuliano Milanese",
        "monthly_rent_cents": 60_000,  # 12 x 600,00 = 7.200,00 against 28.000,00: 25,71%
        "start_date": date(2026, 3, 1),
        "duration_months": 36,
        "attestazione": True,
        "gross_annual_income_cents": 2_800_000,
    }
    data.update(overrides)
    return data


def claim(**overrides):
    data = {
        "arrears_from": date(2026, 9, 1),
        "dwelling_recovered_on": date(2027, 6, 30),
        "filed_on": date(2027, 7, 10),
        "unpaid_rent_cents": 600_000,
        "legal_costs_cents": 150_000,
        "recovered_cents": 50_000,
        "deposit_kept_cents": 120_000,
        "documents": ALL_DOCUMENTS,
    }
    data.update(overrides)
    return data


def count(db, table) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def outbox_types(db) -> list[str]:
    with db.session() as session:
        return [row.body["type"] for row in session.execute(select(db.outbox)).all()]


def test_an_eligible_contract_is_enrolled_with_its_terms_and_announced(db):
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    assert cover["eligible"] and cover["rent_to_gross_income"] == "0.2571"
    assert cover["cover_cap_cents"] == 1_080_000  # 18 x 600,00
    assert cover["ends_on"] == date(2029, 2, 28)
    assert {p["name"] for p in cover["parameters"]} == {
        rules.MAX_RENT_TO_GROSS_INCOME,
        rules.COVER_MONTHS_OF_RENT,
        rules.MIN_REPAYMENT_MONTHS,
    }
    assert cover["to_verify"] is True
    assert "funds.guarantee_enrolled.v1" in outbox_types(db)
    read = g.get_guarantee(db, OPERATOR, REFERRAL_ID)
    assert [c["id"] for c in read["covers"]] == [cover["id"]]
    assert read["covers"][0]["landlord_name"] == "Mario Rossi"
    with db.session() as session:
        actions = [row["action"] for row in audit.trail(session, COORDINATOR, REFERRAL_ID)]
    assert "enrol_guarantee" in actions and "get_guarantee" in actions


def test_a_contract_over_thirty_percent_is_refused_with_the_reasons_and_nothing_stored(db):
    with pytest.raises(GuaranteeEntryRefused) as error:
        g.enrol(db, OPERATOR, REFERRAL_ID, contract(monthly_rent_cents=75_000, attestazione=False))
    assert error.value.code == "guarantee_entry_condition_not_met"
    reasons = error.value.details["reasons"]
    assert "32,14%" in reasons[0] and "attestazione" in reasons[1]
    assert error.value.details["rent_to_gross_income"] == "0.3214"
    assert count(db, GuaranteeCover) == 0
    assert outbox_types(db) == []


def test_a_start_before_the_fund_existed_has_no_terms(db):
    with pytest.raises(GuaranteeInputInvalid) as error:
        g.enrol(db, OPERATOR, REFERRAL_ID, contract(start_date=date(2014, 6, 1)))
    assert error.value.errors == {"start_date": [{"code": g.NO_TERMS_ON_DATE}]}


def test_the_same_key_gives_the_first_cover_and_another_request_with_it_is_refused(db):
    first = g.enrol(db, OPERATOR, REFERRAL_ID, {**contract(), "idempotency_key": "k1"})
    again = g.enrol(db, OPERATOR, REFERRAL_ID, {**contract(), "idempotency_key": "k1"})
    assert again["id"] == first["id"]
    with pytest.raises(GuaranteeIdempotencyKeyReused):
        g.enrol(
            db, OPERATOR, REFERRAL_ID, {**contract(landlord_name="Altro"), "idempotency_key": "k1"}
        )
    assert count(db, GuaranteeCover) == 1
    assert outbox_types(db).count("funds.guarantee_enrolled.v1") == 1


def test_a_case_outside_the_comuni_does_not_exist_and_roles_are_checked(db):
    with pytest.raises(FundsFileNotFound):
        g.enrol(db, MILANO, REFERRAL_ID, contract())
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    filed = g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], claim())
    with pytest.raises(FundsForbidden):
        g.pay_claim(db, OPERATOR, REFERRAL_ID, filed["id"])  # operators do not pay
    with pytest.raises(GuaranteeClaimNotFound):
        g.pay_claim(db, MILANO, REFERRAL_ID, filed["id"])


def test_a_claim_is_assessed_paid_once_and_repaid_over_the_plan(db):
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    filed = g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], claim())
    # 6.000 + 1.500 - 500 - 1.200 = 5.800,00, under the cap of 10.800,00
    assert (filed["owed_cents"], filed["payable_cents"], filed["status"]) == (
        580_000,
        580_000,
        "filed",
    )
    assert filed["explanation"][-1] == "Il fondo paga € 5.800,00."
    paid = g.pay_claim(db, COORDINATOR, REFERRAL_ID, filed["id"], paid_on=date(2027, 7, 20))
    assert (paid["status"], paid["paid_cents"]) == ("paid", 580_000)
    with pytest.raises(GuaranteeClaimNotPayable):
        g.pay_claim(db, COORDINATOR, REFERRAL_ID, filed["id"])
    types = outbox_types(db)
    assert "funds.guarantee_claim_filed.v1" in types and "funds.guarantee_claim_paid.v1" in types

    with pytest.raises(GuaranteeInputInvalid) as error:
        g.create_repayment_plan(db, COORDINATOR, REFERRAL_ID, filed["id"], 6, date(2027, 9, 1))
    assert error.value.errors == {"months": [{"code": "repayment_plan_too_short", "min": 12}]}
    plan = g.create_repayment_plan(db, COORDINATOR, REFERRAL_ID, filed["id"], 12, date(2027, 9, 1))
    amounts = [i["amount_cents"] for i in plan["instalments"]]
    assert len(amounts) == 12 and sum(amounts) == 580_000
    assert amounts[0] == 48_333 and amounts[-1] == 48_337
    assert plan["instalments"][-1]["due_on"] == date(2028, 8, 1)
    with pytest.raises(GuaranteeInputInvalid):  # one plan per claim
        g.create_repayment_plan(db, COORDINATOR, REFERRAL_ID, filed["id"], 12, date(2027, 9, 1))

    marked = g.mark_instalment(db, COORDINATOR, REFERRAL_ID, filed["id"], 1, "missed")
    marked = g.mark_instalment(db, COORDINATOR, REFERRAL_ID, filed["id"], 1, "paid")
    assert marked["instalments"][0]["status"] == "paid"
    with pytest.raises(GuaranteeInputInvalid) as error:
        g.mark_instalment(db, COORDINATOR, REFERRAL_ID, filed["id"], 1, "missed")
    assert error.value.errors["number"][0]["code"] == "instalment_already_paid"
    with pytest.raises(GuaranteeInputInvalid) as error:
        g.mark_instalment(db, COORDINATOR, REFERRAL_ID, filed["id"], 13, "paid")
    assert error.value.errors["number"] == [{"code": "instalment_not_in_plan", "min": 1, "max": 12}]

    read = g.get_guarantee(db, OPERATOR, REFERRAL_ID)["covers"][0]
    assert (read["paid_cents"], read["remaining_cents"]) == (580_000, 500_000)
    assert read["claims"][0]["instalments"][0]["status"] == "paid"


def test_a_claim_that_cannot_be_filed_gives_field_errors_and_stores_nothing(db):
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    with pytest.raises(GuaranteeInputInvalid) as error:
        g.file_claim(
            db,
            OPERATOR,
            REFERRAL_ID,
            cover["id"],
            claim(
                arrears_from=date(2029, 3, 1),
                dwelling_recovered_on=None,
                documents=[rules.CONTRATTO],
            ),
        )
    assert set(error.value.errors) == {"arrears_from", "dwelling_recovered_on", "documents"}
    assert error.value.errors["arrears_from"][0]["code"] == "guarantee_cover_not_active"
    assert count(db, GuaranteeClaim) == 0
    assert "funds.guarantee_claim_filed.v1" not in outbox_types(db)


def test_a_claim_key_is_idempotent_and_payments_stay_within_the_cap(db):
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    big = claim(unpaid_rent_cents=1_000_000, legal_costs_cents=300_000, idempotency_key="c1")
    first = g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], big)
    assert g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], big)["id"] == first["id"]
    with pytest.raises(GuaranteeIdempotencyKeyReused):
        g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], {**big, "recovered_cents": 0})
    # 10.000 + 3.000 - 500 - 1.200 = 11.300,00 > cap 10.800,00
    assert first["payable_cents"] == 1_080_000
    second = g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], claim())
    g.pay_claim(db, COORDINATOR, REFERRAL_ID, first["id"])
    with pytest.raises(GuaranteeInputInvalid) as error:  # the cap is paid out
        g.pay_claim(db, COORDINATOR, REFERRAL_ID, second["id"])
    assert error.value.errors["claim_id"][0]["code"] == g.NOTHING_LEFT
    refused = g.refuse_claim(db, COORDINATOR, REFERRAL_ID, second["id"], "Massimale esaurito")
    assert refused["status"] == "refused"


def test_the_exposure_is_what_running_covers_could_still_pay(db):
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    g.enrol(db, OPERATOR, REFERRAL_ID, contract(start_date=date(2020, 1, 1), duration_months=12))
    filed = g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], claim())
    g.pay_claim(db, COORDINATOR, REFERRAL_ID, filed["id"])
    exposure = g.exposure(db, COORDINATOR, on=date(2027, 12, 1))
    assert exposure["active_covers"] == 1  # the 2020 contract has ended
    assert exposure["exposure_cents"] == 1_080_000 - 580_000
    assert g.exposure(db, MILANO, on=date(2027, 12, 1))["exposure_cents"] == 0
    with pytest.raises(FundsForbidden):
        g.exposure(db, OPERATOR)


def test_pseudonymisation_removes_names_address_income_and_texts(db):
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], claim())
    keys = {"referral_id": REFERRAL_ID, "comune_istat": SGM}
    assert files.pseudonymise_funds_file(db, keys, SimpleNamespace(id="p1", correlationid="p1"))
    read = g.get_guarantee(db, OPERATOR, REFERRAL_ID)["covers"][0]
    assert read["landlord_name"] is None and read["dwelling_address"] is None
    assert read["gross_annual_income_cents"] is None
    assert read["reasons"] == [g.PSEUDONYMISED_REASON]
    assert read["pseudonymised_at"] is not None
    assert read["cover_cap_cents"] == 1_080_000  # the fund's figures stay
    assert read["claims"][0]["explanation"] == [g.PSEUDONYMISED_EXPLANATION]
    assert read["claims"][0]["payable_cents"] == 580_000
    with pytest.raises(FundsFilePseudonymised):  # nothing personal is added afterwards
        g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    with pytest.raises(FundsFilePseudonymised):
        g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], claim())


def test_the_events_in_the_outbox_follow_their_published_contracts(db):
    cover = g.enrol(db, OPERATOR, REFERRAL_ID, contract())
    filed = g.file_claim(db, OPERATOR, REFERRAL_ID, cover["id"], claim())
    g.pay_claim(db, COORDINATOR, REFERRAL_ID, filed["id"])
    with db.session() as session:
        bodies = [row.body for row in session.execute(select(db.outbox)).all()]
    assert len(bodies) == 3
    for body in bodies:
        schema = json.loads((contracts_dir() / "events" / f"{body['type']}.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(body["data"])
        assert body["subject"] == REFERRAL_ID and body["tenant"] == SGM
