"""End to end through the gateway's HTTP API with all services running as processes: a referral
POSTed by a comune's system reaches all four services and the partner FWA's queue, and the
aggregated view shows it."""

import json

import requests
from jsonschema import Draft202012Validator
from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis import config
from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.envelope import signed_with
from abitare_chassis.testing.services import wait_for
from tests.support.amqp import drain
from tests.support.data import referral
from tests.support.suite import DEMO_AMBITO, REPO

FWA_FIELDS = {
    "referral_id",
    "comune_istat",
    "comune_name",
    "received_at",
    "problem_reported",
    "housing_situation",
    "household",
    "economics",
}


def subscribe_fwa(suite) -> str:
    """Subscribe FWA; return the delivery key a coordinator issued it."""
    system = sign_actor(
        Actor(sub="system:test", role="system", comuni=tuple(DEMO_AMBITO)), rpc_audience("partners")
    )
    coordinator = sign_actor(
        Actor(sub="operator:coordinatrice", role="coordinator", comuni=tuple(DEMO_AMBITO)),
        rpc_audience("partners"),
    )
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        rpc.partners.subscribe(system, "FWA", "intake.referral_received.v1")
        return rpc.partners.issue_delivery_key(coordinator, "FWA")["delivery_key"]


def test_posted_referral_reaches_every_service_and_fwa(suite):
    fwa_key = subscribe_fwa(suite)
    drain(suite.amqp_uri, "partner.fwa")
    api = suite.api("015195")
    payload = referral("015195", members=3)
    created = api.post(f"{suite.base_url}/api/v1/referrals", json=payload, timeout=15)
    assert created.status_code == 201, created.text
    referral_id = created.json()["id"]
    assert created.headers["Location"].endswith(f"/api/v1/referrals/{referral_id}")

    fetched = api.get(f"{suite.base_url}/api/v1/referrals/{referral_id}", timeout=10)
    assert fetched.status_code == 200
    assert fetched.json()["comune_istat"] == "015195"
    listed = api.get(f"{suite.base_url}/api/v1/referrals", timeout=10).json()
    assert referral_id in [item["id"] for item in listed["items"]]

    def overview():
        body = api.get(
            f"{suite.base_url}/api/v1/referrals/{referral_id}/overview", timeout=10
        ).json()
        sections = ("referral", "funds_file", "housing_need", "partner_deliveries")
        return body if all(body[s]["status"] == "disponibile" for s in sections) else None

    view = wait_for(overview, timeout=30, message="the four services to know the referral")
    assert view["referral"]["data"]["id"] == referral_id
    affordability = view["funds_file"]["data"]["affordability"]
    assert affordability["outcome"] == "non_sostenibile"  # 900 EUR over 1 500 EUR = 60%
    assert affordability["rent_to_income_ratio"] == "0.6000"
    assert view["housing_need"]["data"]["household_size"] == 3
    assert [d["partner_code"] for d in view["partner_deliveries"]["data"]] == ["FWA"]

    messages = wait_for(
        lambda: drain(suite.amqp_uri, "partner.fwa"), timeout=20, message="FWA's copy"
    )
    assert len(messages) == 1
    event = messages[0]
    assert signed_with(event, [fwa_key]) and "actor" not in event  # FWA's key, no actor token
    assert not signed_with(event, config.verification_keys())  # nothing of the suite's
    assert event["type"] == "intake.referral_received.v1" and event["subject"] == referral_id
    assert set(event["data"]) <= FWA_FIELDS
    assert set(event["data"]["household"]) == {"size", "minors"}
    text = json.dumps(messages[0])
    for member in payload["household"]:
        assert member["codice_fiscale"] not in text and member["last_name"] not in text
    assert payload["description"] not in text


def test_emitted_events_match_their_published_contracts(suite):
    """What intake really emits, v1 and the minimised v2, validates against infra/contracts (the
    consumers' view)."""
    envelope_schema = json.loads((REPO / "infra/contracts/envelope.schema.json").read_text())
    import sqlite3

    api = suite.api("015140")
    payload = referral("015140")
    created = api.post(f"{suite.base_url}/api/v1/referrals", json=payload, timeout=15)
    assert created.status_code == 201, created.text
    db = sqlite3.connect(suite.var_dir / "intake.db")
    rows = db.execute(
        "select body from outbox_message where json_extract(body, '$.subject') = ?",
        (created.json()["id"],),
    ).fetchall()
    envelopes = {envelope["type"]: envelope for envelope in (json.loads(r[0]) for r in rows)}
    assert set(envelopes) == {"intake.referral_received.v1", "intake.referral_received.v2"}
    for event_type, envelope in envelopes.items():
        schema = json.loads((REPO / f"infra/contracts/events/{event_type}.json").read_text())
        Draft202012Validator(envelope_schema).validate(envelope)
        Draft202012Validator(schema).validate(envelope["data"])
    minimised = json.dumps(envelopes["intake.referral_received.v2"]["data"])
    for member in payload["household"]:
        assert member["codice_fiscale"] not in minimised and member["last_name"] not in minimised


def test_health_reports_broker_and_every_service(suite):
    health = requests.get(f"{suite.base_url}/readyz", timeout=10)
    assert health.status_code == 200
    text = health.text
    for name in ("broker", "intake", "funds", "housing_stock", "partners"):
        assert name in text
