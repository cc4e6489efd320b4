"""FWA's lender status end to end, every service a process on a real broker: the agency sends a
household to FWA for microcredito (consent first), then FWA's own API client (the demo's
``partner-fwa``) posts approved → disbursed → instalment paid through the
gateway; each accepted report reaches a test consumer of ``partners.events`` exactly once as
``partners.lender_status_reported.v1`` (a retried POST adds nothing), a refused one never does.
The consumer is what funds will be: a queue bound to ``lender_status_reported``."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path

import pika
import pytest
import requests
from jsonschema import Draft202012Validator, FormatChecker
from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.testing.services import wait_for
from abitare_gateway import agency_time
from tests.support.amqp import depth, drain

QUEUE = "test.lender_status_reported"
EVENT_SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2]
        / "infra/contracts/events/partners.lender_status_reported.v1.json"
    ).read_text()
)
TODAY = agency_time.today()
SGM = "015195"
AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM,))


def day(offset: int) -> str:
    return (TODAY - timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def consumer(suite):
    """A durable queue bound to partners' lender status events, declared before any report."""
    connection = pika.BlockingConnection(pika.URLParameters(suite.amqp_uri))
    try:
        channel = connection.channel()
        channel.exchange_declare("partners.events", exchange_type="topic", durable=True)
        channel.queue_declare(QUEUE, durable=True)
        channel.queue_bind(QUEUE, "partners.events", routing_key="lender_status_reported")
    finally:
        connection.close()
    return QUEUE


@pytest.fixture(scope="module")
def fwa(suite):
    """FWA's system, signed in with the demo partner client's credentials."""
    token = requests.post(
        f"{suite.base_url}/api/v1/auth/token",
        json={"client_id": "partner-fwa", "client_secret": "demo-secret-fwa"},
        timeout=10,
    )
    assert token.status_code == 200, token.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return session


@pytest.fixture(scope="module")
def sent(suite) -> str:
    """A household of San Giuliano sent to FWA for microcredito, as the agency does it."""
    case = str(uuid.uuid4())
    keys = {"referral_id": case, "comune_istat": SGM, "partner_code": "FWA"}
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=15) as rpc:
        actor = sign_actor(AGENCY, rpc_audience("partners"))
        rpc.partners.record_consent(
            actor,
            {
                **keys,
                "service": "microcredito",
                "categories": ["contatti"],
                "given_by": "Maria Rossi",
                "given_on": day(0),
                "valid_until": day(-365),
            },
        )
        referral = rpc.partners.create_partner_referral(
            actor, {**keys, "service": "microcredito", "household": {"size": 2}}
        )
    assert referral["state"] == "inviato", referral
    return referral["id"]


def report(referral: str, status_id: str, status: str, offset: int, **values) -> dict:
    return {
        "status_id": status_id,
        "loan_ref": "FWA-MC-E2E-1",
        "partner_referral_id": referral,
        "product": "microcredito",
        "status": status,
        "occurred_on": day(offset),
        **values,
    }


def test_fwa_reports_and_each_report_reaches_the_consumer_once(suite, consumer, fwa, sent):
    url = f"{suite.base_url}/api/v1/partner/lender-status"
    reports = [
        report(
            sent,
            "e2e-1",
            "approved",
            30,
            amount_cents=300_000,
            instalments=12,
            instalment_cents=26_000,
            first_due_on=day(0),
        ),
        report(sent, "e2e-2", "disbursed", 20),
        report(sent, "e2e-3", "instalment_paid", 0, instalment_number=1),
    ]
    for body in reports:
        first = fwa.post(url, json=body, timeout=15)
        assert first.status_code == 201, first.text
        retried = fwa.post(url, json=body, timeout=15)  # the partner's retry: nothing new
        assert retried.status_code == 200, retried.text
        assert retried.json() == first.json()
    refused = fwa.post(url, json=report(sent, "e2e-4", "approved", 0), timeout=15)
    assert refused.status_code == 422 and refused.headers["Content-Type"].startswith(
        "application/problem+json"
    )

    wait_for(
        lambda: depth(suite.amqp_uri, consumer) >= 3,
        timeout=30,
        message="the three lender status events to be published",
    )
    events = drain(suite.amqp_uri, consumer)
    assert [e["type"] for e in events] == ["partners.lender_status_reported.v1"] * 3
    assert [e["data"]["status_id"] for e in events] == ["e2e-1", "e2e-2", "e2e-3"]
    assert len({e["id"] for e in events}) == 3
    validator = Draft202012Validator(EVENT_SCHEMA, format_checker=FormatChecker())
    for event in events:
        validator.validate(event["data"])
        assert event["source"] == "/abitare/partners" and event["subject"] == sent
        assert event["tenant"] == SGM
    assert events[-1]["data"]["loan"]["repaid_cents"] == 26_000

    # nothing else will arrive: partners' outbox holds these three, all sent (a retry and a
    # refusal wrote nothing), and the loan's history is the three reports
    with sqlite3.connect(suite.var_dir / "partners.db") as db:
        outbox = db.execute(
            "select event_id, sent_at from outbox_message"
            " where routing_key = 'lender_status_reported'"
        ).fetchall()
    assert sorted(event_id for event_id, _ in outbox) == sorted(e["id"] for e in events)
    assert all(sent_at for _, sent_at in outbox)
    loan = fwa.get(f"{suite.base_url}/api/v1/partner/loans/FWA-MC-E2E-1", timeout=10).json()
    assert [h["status_id"] for h in loan["history"]] == ["e2e-1", "e2e-2", "e2e-3"]


def test_fwas_client_reads_no_case_and_a_comunes_client_cannot_report(suite, fwa, sent):
    assert fwa.get(f"{suite.base_url}/api/v1/referrals", timeout=10).status_code == 404
    municipal = suite.api(SGM)
    refused = municipal.post(
        f"{suite.base_url}/api/v1/partner/lender-status",
        json=report(sent, "e2e-x", "disbursed", 0),
        timeout=10,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "partner_clients_only"
