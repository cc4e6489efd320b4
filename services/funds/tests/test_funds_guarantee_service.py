"""Integration: the guarantee fund's RPCs with a real broker and a real database (SQLite,
PostgreSQL): a referral opens the file, then a contract is enrolled, a claim filed, paid and
repaid through the RPCs; bad input and refusals come back as coded errors."""

import pytest
from nameko.exceptions import RemoteError

from abitare_chassis.errors import decode
from abitare_chassis.testing.services import token, wait_for
from funds.service import FundsService

SGM = "015195"

CONTRACT = {
    "landlord_name": "Mario Rossi",
    "dwelling_address": "Via Roma 1, San Giuliano Milanese",
    "monthly_rent_cents": 60_000,
    "start_date": "2026-03-01",
    "duration_months": 36,
    "attestazione": True,
    "gross_annual_income_cents": 2_800_000,
    "idempotency_key": "enrol-1",
}
CLAIM = {
    "arrears_from": "2026-09-01",
    "dwelling_recovered_on": "2027-06-30",
    "filed_on": "2027-07-10",
    "unpaid_rent_cents": 600_000,
    "legal_costs_cents": 150_000,
    "recovered_cents": 50_000,
    "deposit_kept_cents": 120_000,
    "documents": [
        "contratto_registrato",
        "prospetto_morosita",
        "verbale_rilascio",
        "fattura_legale_quietanzata",
    ],
}


def operator():
    return token("agency_operator", [SGM], service="funds")


def coordinator():
    return token("coordinator", [SGM], service="funds")


@pytest.fixture
def funds(service_runner, db_url):
    service_runner.start(FundsService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc


def open_case(funds, broker, make_referral, make_envelope) -> str:
    data = make_referral()
    broker.publish(make_envelope(data))

    def opened():
        try:
            return funds.funds.get_funds_file(operator(), data["referral_id"])
        except RemoteError:
            return None

    wait_for(opened, message="funds file")
    return data["referral_id"]


def error_of(call) -> dict:
    with pytest.raises(RemoteError) as error:
        call()
    return decode(error.value.value)


def test_enrol_claim_pay_and_repay_through_the_rpcs(funds, broker, make_referral, make_envelope):
    case = open_case(funds, broker, make_referral, make_envelope)
    rpc = funds.funds
    cover = rpc.enrol_guarantee(operator(), case, CONTRACT)
    assert cover["cover_cap_cents"] == 1_080_000 and cover["ends_on"] == "2029-02-28"
    assert rpc.enrol_guarantee(operator(), case, CONTRACT)["id"] == cover["id"]
    claim = rpc.file_guarantee_claim(operator(), case, cover["id"], CLAIM)
    assert claim["payable_cents"] == 580_000
    refused = error_of(lambda: rpc.pay_guarantee_claim(operator(), case, claim["id"]))
    assert refused["code"] == "funds_forbidden"
    paid = rpc.pay_guarantee_claim(coordinator(), case, claim["id"], "2027-07-20")
    assert paid["status"] == "paid" and paid["paid_on"] == "2027-07-20"
    plan = rpc.create_guarantee_repayment_plan(
        coordinator(), case, claim["id"], {"months": 12, "first_due_on": "2027-09-01"}
    )
    assert sum(i["amount_cents"] for i in plan["instalments"]) == 580_000
    marked = rpc.mark_guarantee_instalment(
        coordinator(), case, claim["id"], {"number": 1, "status": "paid"}
    )
    assert marked["instalments"][0]["status"] == "paid"
    read = rpc.get_guarantee(operator(), case)
    assert read["covers"][0]["remaining_cents"] == 500_000
    exposure = rpc.guarantee_exposure(coordinator(), "2027-12-01")
    assert exposure == {"on": "2027-12-01", "active_covers": 1, "exposure_cents": 500_000}


def test_bad_input_and_refused_contracts_are_coded_errors(
    funds, broker, make_referral, make_envelope
):
    case = open_case(funds, broker, make_referral, make_envelope)
    rpc = funds.funds
    bad = error_of(
        lambda: rpc.enrol_guarantee(operator(), case, {**CONTRACT, "monthly_rent_cents": "x"})
    )
    assert bad["code"] == "invalid_input"
    assert "monthly_rent_cents" in bad["details"]["fields"]
    over = error_of(
        lambda: rpc.enrol_guarantee(
            operator(), case, {**CONTRACT, "monthly_rent_cents": 75_000, "idempotency_key": None}
        )
    )
    assert over["code"] == "guarantee_entry_condition_not_met"
    assert "32,14%" in over["details"]["reasons"][0]
    assert rpc.get_guarantee(operator(), case)["covers"] == []
