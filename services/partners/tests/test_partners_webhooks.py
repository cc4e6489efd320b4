"""Integration: webhook deliveries with a real broker and a real database (SQLite, PostgreSQL),
to local receivers that verify every signature with the independent ``standardwebhooks``
package and deduplicate by ``webhook-id`` (tests/support/webhook_receiver.py).

The retry schedule is the real one shrunk (``WEBHOOK_RETRY_SCALE``): every wait is on a
condition, none on the clock."""

import contextlib

import pytest
from nameko.exceptions import RemoteError
from sqlalchemy import select

from abitare_chassis.testing.services import token, wait_for
from partners.adapters.models import Delivery, WebhookMessage
from partners.service import PartnersService
from tests.support.webhook_receiver import WebhookReceiver

SGM = "015195"
REFERRAL_RECEIVED = "intake.referral_received.v1"
SETTINGS = {
    "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "WEBHOOK_RETRY_SCALE": "0.0002",  # 75 h 35 min of schedule in 54 s
    "WEBHOOK_TIMEOUT_SECONDS": "1",
    "WEBHOOK_POLL_SECONDS": "0.1",
}


def coordinator():
    return token("coordinator", [SGM], sub="operator:coordinatrice", service="partners")


@pytest.fixture
def start_partners(service_runner, db_url, monkeypatch):
    """``start_partners(**settings)``: the service with the webhook settings of the tests."""
    with contextlib.ExitStack() as stack:

        def start(**overrides):
            for name, value in {**SETTINGS, **overrides}.items():
                monkeypatch.setenv(name, value)
            service_runner.start(PartnersService, db_url)
            return stack.enter_context(service_runner.rpc()).partners

        yield start


@pytest.fixture
def receivers():
    started = []

    def make(mode="ok"):
        receiver = WebhookReceiver(mode=mode).start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.stop()


def register(partners, code, receiver):
    partners.subscribe(coordinator(), code, REFERRAL_RECEIVED)
    endpoint = partners.register_webhook(coordinator(), code, receiver.url)
    receiver.secrets = [endpoint["secret"]]
    return endpoint


def log(partners, code, endpoint):
    return partners.list_webhook_attempts(coordinator(), code, endpoint["id"], 1, 200)["items"]


def delivered_ids(service_runner, code):
    db = service_runner.db("partners")
    with db.session() as session:
        return set(session.scalars(select(Delivery.event_id).where(Delivery.partner_code == code)))


def test_receiver_down_then_up_gets_every_event_once_with_the_same_ids(
    start_partners, service_runner, receivers, broker, make_envelope
):
    partners = start_partners()
    receiver = receivers()
    endpoint = register(partners, "FWA", receiver)
    assert endpoint["secret"].startswith("whsec_") and endpoint["enabled"] is True
    assert "secret" not in partners.list_webhooks(coordinator(), "FWA")[0]  # shown once
    receiver.stop()  # down
    for _ in range(5):
        broker.publish(make_envelope())
    wait_for(
        lambda: (
            len({a["event_id"] for a in log(partners, "FWA", endpoint)}) == 5
            and all(
                a["error_class"] == "connection_refused" for a in log(partners, "FWA", endpoint)
            )
        ),
        message="a failed attempt per event while the receiver is down",
    )
    wait_for(lambda: max(a["attempt"] for a in log(partners, "FWA", endpoint)) >= 2)
    receiver.start()  # up again, same port
    wait_for(lambda: len(receiver.events) == 5, timeout=60, message="every event after the outage")
    expected = delivered_ids(service_runner, "FWA")
    assert set(receiver.events) == expected  # the CloudEvent ids of the Delivery rows
    on_the_queue = {body["id"] for _, body in broker.get_all("partner.fwa")}
    assert on_the_queue == expected  # the same ids as the partner's AMQP queue
    assert receiver.rejected == []
    assert all(event["specversion"] == "1.0" for event in receiver.events.values())
    attempts = log(partners, "FWA", endpoint)
    assert {a["outcome"] for a in attempts} == {"failed", "delivered"}
    assert all(a["latency_ms"] >= 0 and a["url"] == receiver.url for a in attempts)
    wait_for(lambda: partners.list_webhooks(coordinator(), "FWA")[0]["pending"] == 0)


def test_slow_failing_gone_and_redirecting_endpoints_lose_nothing_and_block_no_one(
    start_partners, service_runner, receivers, broker, make_envelope
):
    partners = start_partners()
    slow, redirect = receivers("slow"), receivers("redirect")
    failing, gone, healthy = receivers("error"), receivers("gone"), receivers("ok")
    endpoints = {
        "slow": register(partners, "FWA", slow),
        "redirect": register(partners, "FWA", redirect),
        "failing": register(partners, "ALER", failing),
        "gone": register(partners, "ALER", gone),
        "healthy": register(partners, "AFOL", healthy),
    }
    for _ in range(3):
        broker.publish(make_envelope())
    # AFOL gets everything while FWA's slow endpoint is still timing out
    wait_for(lambda: len(healthy.events) == 3, timeout=30, message="the healthy partner")
    assert not [a for a in log(partners, "FWA", endpoints["slow"]) if a["outcome"] == "delivered"]
    wait_for(
        lambda: any(a["error_class"] == "timeout" for a in log(partners, "FWA", endpoints["slow"]))
    )
    wait_for(lambda: log(partners, "FWA", endpoints["redirect"]))
    redirects = log(partners, "FWA", endpoints["redirect"])
    assert {(a["outcome"], a["status_code"]) for a in redirects} == {("redirect", 302)}
    # never followed: the receiver sees one request per attempt in the log, not one more (once
    # no attempt is under way; followed redirects would make it two or more per attempt)
    wait_for(
        lambda: sum(redirect.requests.values()) == len(log(partners, "FWA", endpoints["redirect"])),
        message="one request per logged attempt",
    )
    wait_for(lambda: not partners.list_webhooks(coordinator(), "ALER")[1]["enabled"])
    gone_endpoint = partners.list_webhooks(coordinator(), "ALER")[1]
    assert gone_endpoint["id"] == endpoints["gone"]["id"]
    assert gone_endpoint["disabled_reason"] == "gone" and gone_endpoint["pending"] == 3
    assert partners.list_disabled_webhooks(coordinator())[0]["id"] == endpoints["gone"]["id"]
    assert {(a["outcome"], a["status_code"]) for a in log(partners, "ALER", endpoints["gone"])} == {
        ("gone", 410)
    }
    failing_log = lambda: log(partners, "ALER", endpoints["failing"])  # noqa: E731
    wait_for(lambda: any(a["status_code"] == 503 for a in failing_log()))
    # everyone answers again; the gone endpoint is enabled again by a coordinator
    for receiver in (slow, redirect, failing, gone):
        receiver.mode = "ok"
    partners.enable_webhook(coordinator(), "ALER", endpoints["gone"]["id"])
    for receiver, code in ((slow, "FWA"), (redirect, "FWA"), (failing, "ALER"), (gone, "ALER")):
        wait_for(lambda r=receiver: len(r.events) == 3, timeout=60, message=f"{code} after all")
        assert set(receiver.events) == delivered_ids(service_runner, code)
        assert receiver.rejected == []
    assert set(healthy.events) == delivered_ids(service_runner, "AFOL")


def test_rotation_signs_with_both_secrets_during_the_overlap(
    start_partners, receivers, broker, make_envelope
):
    partners = start_partners()
    receiver = receivers()
    endpoint = register(partners, "FWA", receiver)
    old = endpoint["secret"]
    rotated = partners.rotate_webhook_secret(coordinator(), "FWA", endpoint["id"])
    new = rotated["secret"]
    assert new != old and new.startswith("whsec_") and rotated["previous_secret_until"]
    receiver.secrets = [old, new]
    broker.publish(make_envelope())
    wait_for(lambda: len(receiver.events) == 1)
    (event_id,) = receiver.events
    assert sorted(receiver.signatures[event_id]) == sorted([old, new])  # each verifies alone


def test_replay_sends_again_with_the_same_ids(
    start_partners, service_runner, receivers, broker, make_envelope
):
    partners = start_partners()
    receiver = receivers()
    endpoint = register(partners, "FWA", receiver)
    for _ in range(2):
        broker.publish(make_envelope())
    wait_for(lambda: len(receiver.events) == 2)
    first, second = sorted(receiver.events)
    replayed = partners.replay_webhook(coordinator(), "FWA", endpoint["id"], {"event_ids": [first]})
    assert replayed["replayed"] == 1
    wait_for(lambda: receiver.requests[first] == 2)
    assert receiver.requests[second] == 1
    db = service_runner.db("partners")
    with db.session() as session:
        queued = sorted(session.scalars(select(WebhookMessage.queued_at)))
    window = {"from": queued[0].isoformat(), "to": queued[-1].isoformat()}
    assert partners.replay_webhook(coordinator(), "FWA", endpoint["id"], window)["replayed"] == 2
    wait_for(lambda: receiver.requests[first] == 3 and receiver.requests[second] == 2)
    assert set(receiver.events) == {first, second}  # same ids: the receiver deduplicates
    wait_for(  # the log has each attempt, numbered on across rounds (newest first)
        lambda: (
            [a["attempt"] for a in log(partners, "FWA", endpoint) if a["event_id"] == first]
            == [3, 2, 1]
        )
    )
    with pytest.raises(RemoteError) as error:
        partners.replay_webhook(coordinator(), "FWA", endpoint["id"], {})
    assert error.value.exc_type == "WebhookReplayInvalid"


def test_a_run_of_failures_disables_the_endpoint_and_announces_it(
    start_partners, service_runner, receivers, broker, make_envelope
):
    partners = start_partners(WEBHOOK_DISABLE_AFTER_FAILURES="3")
    receiver = receivers("error")
    endpoint = register(partners, "FWA", receiver)
    broker.publish(make_envelope())
    wait_for(lambda: not partners.list_webhooks(coordinator(), "FWA")[0]["enabled"], timeout=30)
    disabled = partners.list_webhooks(coordinator(), "FWA")[0]
    assert disabled["disabled_reason"] == "failures" and disabled["consecutive_failures"] == 3
    assert disabled["pending"] == 1  # the message waits
    db = service_runner.db("partners")
    with db.session() as session:
        announced = session.execute(
            select(db.outbox.c.body).where(db.outbox.c.routing_key == "webhook_endpoint_disabled")
        ).scalar_one()
    assert announced["data"]["endpoint_id"] == endpoint["id"]
    assert announced["data"]["reason"] == "failures"
    receiver.mode = "ok"
    partners.enable_webhook(coordinator(), "FWA", endpoint["id"])
    wait_for(lambda: len(receiver.events) == 1)


def test_bad_urls_and_other_roles_are_refused_and_change_nothing(start_partners):
    partners = start_partners()
    for url, code in (
        ("https://10.0.0.1/h", "private_address"),
        ("https://[::1]/h", "loopback_address"),
        ("http://example.org/h", "url_scheme"),
        ("https://2130706433/h", "ambiguous_ip_address"),
    ):
        with pytest.raises(RemoteError) as error:
            partners.register_webhook(coordinator(), "FWA", url)
        assert error.value.exc_type == "WebhookUrlInvalid"
        assert f'"code": "{code}"' in error.value.value
    for role in ("agency_operator", "comune_operator", "system", "municipal_client"):
        with pytest.raises(RemoteError) as error:
            partners.register_webhook(
                token(role, [SGM], service="partners"), "FWA", "http://127.0.0.1:9/h"
            )
        assert error.value.exc_type == "PartnerForbidden"
    with pytest.raises(RemoteError) as error:
        partners.register_webhook(coordinator(), "NOPE", "http://127.0.0.1:9/h")
    assert error.value.exc_type == "PartnerNotFound"
    assert partners.list_webhooks(coordinator(), "FWA") == []
