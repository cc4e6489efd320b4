"""Integration: morosità incolpevole through the funds service's RPCs, with a real broker and a
real database (SQLite, PostgreSQL): a referral opens the funds file, an operator opens its
arrears file, records the eviction's stages, checks the criteria, computes the contribution,
and the hearings and executions coming up are listed; bad input and roles are refused."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from nameko.exceptions import RemoteError

from abitare_chassis.errors import decode
from abitare_chassis.testing.services import token, wait_for
from funds.domain.dates import local_date
from funds.service import FundsService

SGM = "015195"


def operator():
    return token("agency_operator", [SGM], service="funds")


@pytest.fixture
def funds(service_runner, db_url):
    service_runner.start(FundsService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc


def funds_file_of(rpc, referral_id):
    try:
        return rpc.funds.get_funds_file(operator(), referral_id)
    except RemoteError as exc:
        if exc.exc_type == "FundsFileNotFound":
            return None
        raise


def error_of(exc: RemoteError) -> dict:
    return decode(exc.value) or json.loads(exc.value)


def test_an_eviction_file_through_the_rpcs_and_the_evictions_due(
    funds, broker, make_referral, make_envelope
):
    data = make_referral()
    broker.publish(make_envelope(data))
    referral_id = data["referral_id"]
    wait_for(lambda: funds_file_of(funds, referral_id), message="funds file")
    today = local_date(datetime.now(UTC))
    hearing = today + timedelta(days=12)
    opened = funds.funds.open_arrears_file(
        operator(),
        referral_id,
        {
            "stage": "intimazione_notificata",
            "on": (today - timedelta(days=20)).isoformat(),
            "due_on": hearing.isoformat(),
            "cause": "cassa_integrazione",
            "income_loss_on": "2025-03-01",
            "facts": {"isee_cents": 1_850_000, "lease_start": "2019-06-01"},
        },
    )
    assert (opened["stage"], opened["due_on"], opened["due_kind"]) == (
        "intimazione_notificata",
        hearing.isoformat(),
        "udienza",
    )
    due = funds.funds.evictions_due(operator(), (today + timedelta(days=30)).isoformat())
    assert [(d["referral_id"], d["due_on"], d["due_kind"]) for d in due] == [
        (referral_id, hearing.isoformat(), "udienza")
    ]
    assert funds.funds.evictions_due(operator(), (today + timedelta(days=5)).isoformat()) == []

    criteria = funds.funds.check_arrears_criteria(
        operator(),
        referral_id,
        {
            "lease_registered": True,
            "cadastral_category": "A2",
            "resident_since": "2019-06-01",
            "citizenship": "ue",
            "owns_adequate_dwelling_in_province": False,
        },
    )
    assert criteria["eligibility"] == "ammissibile"
    contribution = funds.funds.compute_arrears_contribution(
        operator(),
        referral_id,
        {"arrears_cents": 620_000, "lease_end": "2030-05-31", "landlord_renounces_eviction": True},
    )
    assert contribution["total_cents"] == 620_000

    # an impossible move: a typed error with its code, nothing changed
    with pytest.raises(RemoteError) as error:
        funds.funds.record_arrears_stage(
            operator(), referral_id, {"stage": "eseguito", "on": today.isoformat()}
        )
    assert error.value.exc_type == "ArrearsStageTransitionInvalid"
    assert error_of(error.value)["code"] == "arrears_stage_transition_invalid"
    # bad input at the edge: coded field errors
    with pytest.raises(RemoteError) as error:
        funds.funds.record_arrears_stage(
            operator(), referral_id, {"stage": "udienza_convalida", "on": "ieri", "extra": 1}
        )
    fields = error_of(error.value)["details"]["fields"]
    assert (
        fields["on"][0]["code"] == "invalid_date" and fields["extra"][0]["code"] == "unknown_field"
    )
    # a municipal client may not read the household's eviction
    with pytest.raises(RemoteError) as error:
        funds.funds.evictions_due(
            token("municipal_client", [SGM], service="funds"), today.isoformat()
        )
    assert error.value.exc_type == "FundsForbidden"

    withdrawn = funds.funds.record_arrears_stage(
        operator(), referral_id, {"stage": "rinuncia_proprietario", "on": today.isoformat()}
    )
    assert withdrawn["due_on"] is None
    read = funds.funds.get_arrears_file(operator(), referral_id)
    assert [s["stage"] for s in read["stages"]] == [
        "intimazione_notificata",
        "rinuncia_proprietario",
    ]
    assert read["contributions"][0]["total_cents"] == 620_000
    assert funds.funds.evictions_due(operator(), (today + timedelta(days=30)).isoformat()) == []
