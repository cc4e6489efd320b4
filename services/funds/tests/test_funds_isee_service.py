"""Integration: the ISEE aid's RPCs of the funds service with a real broker and a real database
(SQLite, PostgreSQL): an estimate and a certified ISEE on a household opened by a referral,
read back with the applicable one, refusals as coded remote errors, and the pseudonymisation
notice reaching the ISEE records."""

import pytest
from nameko.exceptions import RemoteError

from abitare_chassis.testing.services import token, wait_for
from funds.service import FundsService

SGM = "015195"
DSU = {
    "members": [{"relation": "altro", "employment_income_cents": 1_800_000}],
    "rent": {"registered": True, "annual_rent_cents": 840_000},
    "financial": {"deposits_balance_cents": 400_000},
}  # domain_rules.md §1.9 example A: ISEE 8.000,00
CERTIFIED = {
    "protocol": "INPS-ISEE-2026-00099999Z-01",
    "kind": "corrente",
    "isee_cents": 750_000,
    "dsu_date": "2026-01-10",
    "valid_until": "2026-07-09",
}


def operator():
    return token("agency_operator", [SGM], service="funds")


@pytest.fixture
def funds(service_runner, db_url):
    service_runner.start(FundsService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc


def opened(funds, broker, make_referral, make_envelope):
    data = make_referral()
    broker.publish(make_envelope(data))
    wait_for(lambda: _file(funds, data["referral_id"]), message="funds file")
    return data["referral_id"]


def _file(funds, referral_id):
    try:
        return funds.funds.get_funds_file(operator(), referral_id)
    except RemoteError as exc:
        if exc.exc_type.endswith("NotFound"):
            return None
        raise


def test_estimate_certify_and_list_over_rpc(funds, broker, make_referral, make_envelope):
    referral_id = opened(funds, broker, make_referral, make_envelope)
    stored = funds.funds.estimate_isee(
        operator(), referral_id, {"dsu": DSU, "computed_on": "2026-01-15"}
    )
    assert stored["isee_cents"] == 800_000 and stored["label"] == "ISEE stimato"
    assert stored["computed_on"] == "2026-01-15"
    certified = funds.funds.record_certified_isee(operator(), referral_id, CERTIFIED)
    assert certified["kind"] == "corrente" and certified["valid_until"] == "2026-07-09"
    listed = funds.funds.list_isee(operator(), referral_id, on="2026-02-01")
    assert listed["applicable"]["kind"] == "certificato"
    assert listed["applicable"]["isee_cents"] == 750_000
    assert listed["estimates"] == [stored]
    later = funds.funds.list_isee(operator(), referral_id, on="2026-08-01")
    assert later["applicable"]["kind"] == "stimato"
    with pytest.raises(RemoteError) as refused:
        funds.funds.record_certified_isee(operator(), referral_id, CERTIFIED)
    assert refused.value.exc_type == "CertifiedIseeDuplicate"
    with pytest.raises(RemoteError) as refused:
        funds.funds.estimate_isee(operator(), referral_id, {"dsu": {"members": []}})
    assert refused.value.exc_type == "InvalidInput"


def test_a_pseudonymised_case_loses_its_isee_figures(
    funds, broker, make_referral, make_envelope, pseudonymised_notice
):
    referral_id = opened(funds, broker, make_referral, make_envelope)
    funds.funds.estimate_isee(operator(), referral_id, {"dsu": DSU, "computed_on": "2026-01-15"})
    funds.funds.record_certified_isee(operator(), referral_id, CERTIFIED)
    broker.publish(pseudonymised_notice(referral_id), "case_pseudonymised")
    listed = wait_for(
        lambda: (
            (found := funds.funds.list_isee(operator(), referral_id, on="2026-02-01"))
            and found["estimates"][0]["pseudonymised_at"]
            and found
        ),
        message="isee pseudonymised",
    )
    assert listed["estimates"][0]["dsu"] is None
    assert listed["certified"][0]["protocol"] is None
    assert listed["applicable"]["isee_cents"] == 750_000
