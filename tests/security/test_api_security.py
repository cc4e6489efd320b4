"""Security at the edge and one layer down: tenancy between comuni, credentials, bad input,
forged actor contexts on RPC and on events. Everything against the running suite."""

import json

import pytest
import requests
from kombu import Connection, Exchange
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis.actor import EVENT_AUDIENCE, Actor, sign_actor
from abitare_chassis.envelope import new_envelope, sign_envelope
from abitare_chassis.testing.services import token as signed_token
from abitare_chassis.testing.services import wait_for
from tests.support.amqp import depth
from tests.support.data import codice_fiscale, referral

SGM, MELEGNANO = "015195", "015140"
PROBLEM = "application/problem+json"


def count(api, suite):
    return api.get(f"{suite.base_url}/api/v1/referrals", timeout=10).json()["total"]


def test_wrong_credentials_get_401(suite):
    for body in (
        {"client_id": f"comune-{SGM}", "client_secret": "wrong"},
        {"client_id": "nobody", "client_secret": "x"},
    ):
        response = requests.post(f"{suite.base_url}/api/v1/auth/token", json=body, timeout=10)
        assert response.status_code == 401
        assert response.headers["Content-Type"].startswith(PROBLEM)
    assert requests.get(f"{suite.base_url}/api/v1/referrals", timeout=10).status_code == 401
    forged = {"Authorization": "Bearer not-a-real-token"}
    assert (
        requests.get(f"{suite.base_url}/api/v1/referrals", headers=forged, timeout=10).status_code
        == 401
    )


def test_comune_sees_only_its_own_referrals(suite):
    sgm, melegnano = suite.api(SGM), suite.api(MELEGNANO)
    mine = sgm.post(f"{suite.base_url}/api/v1/referrals", json=referral(SGM), timeout=15)
    assert mine.status_code == 201, mine.text
    referral_id = mine.json()["id"]
    other = melegnano.get(f"{suite.base_url}/api/v1/referrals/{referral_id}", timeout=10)
    assert other.status_code == 404
    assert other.headers["Content-Type"].startswith(PROBLEM)
    # exactly what a referral that never existed gets: nothing tells the two apart
    ghost = "00000000-0000-4000-8000-00000000dead"
    missing = melegnano.get(f"{suite.base_url}/api/v1/referrals/{ghost}", timeout=10)
    assert missing.status_code == 404
    assert other.text.replace(referral_id, ghost) == missing.text
    listed = melegnano.get(f"{suite.base_url}/api/v1/referrals", timeout=10).json()["items"]
    assert all(item["comune_istat"] == MELEGNANO for item in listed)
    overview = melegnano.get(
        f"{suite.base_url}/api/v1/referrals/{referral_id}/overview", timeout=10
    )
    assert overview.status_code == 404


def test_creating_for_another_comune_is_forbidden_and_stores_nothing(suite):
    sgm = suite.api(SGM)
    before = count(suite.api(MELEGNANO), suite)
    response = sgm.post(f"{suite.base_url}/api/v1/referrals", json=referral(MELEGNANO), timeout=15)
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith(PROBLEM)
    assert count(suite.api(MELEGNANO), suite) == before


@pytest.mark.parametrize(
    "mutate, status, field",
    [
        (lambda p: p["household"][0].update(codice_fiscale="RSSMRA80A01F205Y"), 422, "household"),
        (lambda p: p.update(comune_istat="999999"), 422, "comune_istat"),
        (lambda p: p.pop("household"), 422, "household"),
        (lambda p: p.pop("problem_reported"), 422, "problem_reported"),
        (lambda p: p.update(monthly_rent_cents=-5), 422, "monthly_rent_cents"),
        (lambda p: p["household"][0].update(birth_date="31/02/1980"), 422, "household"),
    ],
)
def test_bad_input_gets_problem_json_and_stores_nothing(suite, mutate, status, field):
    sgm = suite.api(SGM)
    before = count(sgm, suite)
    payload = referral(SGM)
    mutate(payload)
    response = sgm.post(f"{suite.base_url}/api/v1/referrals", json=payload, timeout=15)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == response.status_code and problem["title"]
    if response.status_code == 422:
        assert field in json.dumps(problem.get("errors", {}))
    assert count(sgm, suite) == before


def test_malformed_json_gets_400_and_stores_nothing(suite):
    sgm = suite.api(SGM)
    before = count(sgm, suite)
    response = sgm.post(
        f"{suite.base_url}/api/v1/referrals",
        data="{not json",
        headers={"Content-Type": "application/json"},
        timeout=15,
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith(PROBLEM)
    assert count(sgm, suite) == before


def test_retried_post_with_same_idempotency_key_creates_one_referral(suite):
    sgm = suite.api(SGM)
    before = count(sgm, suite)
    payload = referral(SGM)
    ids = {
        sgm.post(
            f"{suite.base_url}/api/v1/referrals",
            json=payload,
            timeout=15,
            headers={"Idempotency-Key": "retry-me-1"},
        ).json()["id"]
        for _ in range(3)
    }
    assert len(ids) == 1
    assert count(sgm, suite) == before + 1


@pytest.mark.parametrize(
    "token",
    [
        None,
        "unsigned",
        sign_actor(
            Actor(sub="operator:mallory", role="agency_operator", comuni=(SGM,)), key="stolen-guess"
        ),
        # the suite's own key, but an event's audience: what anyone reading an event queue holds
        sign_actor(Actor(sub="operator:anna", role="coordinator", comuni=(SGM,)), EVENT_AUDIENCE),
    ],
)
def test_rpc_with_forged_or_unsigned_actor_is_refused(suite, token):
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        for call in (
            lambda: rpc.intake.list_referrals(token),
            lambda: rpc.intake.submit_referral(token, referral(SGM)),
            lambda: rpc.funds.get_funds_file(token, "x"),
            lambda: rpc.housing_stock.get_housing_need(token, "x"),
            lambda: rpc.partners.get_deliveries(token, "x"),
        ):
            with pytest.raises(RemoteError) as error:
                call()
            assert error.value.exc_type == "ActorRejected"


def test_forged_event_is_refused_by_every_consumer(suite):
    """An event that did not come from intake (no valid signature) changes nothing anywhere."""
    data = {
        "referral_id": "00000000-0000-4000-8000-000000000001",
        "comune_istat": SGM,
        "comune_name": "San Giuliano Milanese",
        "received_at": "2026-01-01T00:00:00Z",
        "referring_body": "altro_ente",
        "problem_reported": "altro",
        "housing_situation": "altro",
        "household": {
            "size": 1,
            "minors": 0,
            "over_65": 0,
            "members": [
                {
                    "codice_fiscale": codice_fiscale(999),
                    "first_name": "X",
                    "last_name": "Y",
                    "birth_date": "1980-01-01",
                    "relation": "intestatario",
                }
            ],
        },
        "economics": {"monthly_net_income_cents": None, "monthly_rent_cents": None},
    }
    minimised = {
        k: v
        for k, v in data.items()
        if k not in ("referring_body", "problem_reported", "household")
    }
    minimised["household"] = {"size": 1, "minors": 0, "over_65": 0}
    actor = sign_actor(
        Actor(sub="operator:mallory", role="agency_operator", comuni=(SGM,)), key="guess"
    )
    exchange = Exchange("intake.events", type="topic", durable=True)
    with Connection(suite.amqp_uri) as conn:
        # v1 goes to partners, the minimised v2 to funds and housing_stock
        for major, routing_key, body in (
            (1, "referral_received", data),
            (2, "referral_received.v2", minimised),
        ):
            forged = sign_envelope(
                new_envelope(
                    service="intake",
                    event="referral_received",
                    major=major,
                    data=body,
                    subject=data["referral_id"],
                    tenant=SGM,
                    actor_token=actor,
                ),
                key="guess",
            )
            conn.Producer().publish(
                forged, exchange=exchange, routing_key=routing_key, serializer="json"
            )
    dlqs = [
        f"evt-intake-referral_received.v2--{s}.handle_intake_referral_received.dlq"
        for s in ("funds", "housing_stock")
    ]
    dlqs.append("evt-intake-referral_received--partners.handle_intake_referral_received.dlq")
    wait_for(
        lambda: all(depth(suite.amqp_uri, q) >= 1 for q in dlqs),
        timeout=20,
        message="the forged event parked by every consumer",
    )

    def system(service):
        return signed_token("system", (SGM,), sub="system:test", service=service)

    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        for call in (
            lambda: rpc.funds.get_funds_file(system("funds"), data["referral_id"]),
            lambda: rpc.housing_stock.get_housing_need(
                system("housing_stock"), data["referral_id"]
            ),
        ):
            with pytest.raises(RemoteError) as error:
                call()
            assert error.value.exc_type.endswith("NotFound")
        assert rpc.partners.get_deliveries(system("partners"), data["referral_id"]) == []
