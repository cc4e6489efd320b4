"""The partners service killed (SIGKILL) in the middle of a webhook fan-out: after a restart
every event still reaches the partner's endpoint, each under its one CloudEvent id (the
receiver deduplicates by ``webhook-id``; a message whose attempt was cut short is sent again,
never lost). The service runs as a real process on its own vhost and var/ directory; the
receiver (tests/support/webhook_receiver.py) verifies every signature with the independent
``standardwebhooks`` package."""

import sqlite3

from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.testing.consumer import EventFeed
from abitare_chassis.testing.services import wait_for
from tests.support.suite import DEMO_AMBITO, Suite
from tests.support.webhook_receiver import WebhookReceiver

EVENTS = 40
REFERRAL_TYPE = "intake.referral_received.v1"
REFERRALS = EventFeed(
    "intake.referral_received.v1", id_field="referral_id", tenant_field="comune_istat"
)
SETTINGS = {
    "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "WEBHOOK_RETRY_SCALE": "0.0002",
    "WEBHOOK_POLL_SECONDS": "0.1",
    "WEBHOOK_TIMEOUT_SECONDS": "2",
    "WEBHOOK_LEASE_SECONDS": "6",  # a cut-short attempt is taken again 6 s later
}


def actor(role: str):
    return sign_actor(
        Actor(sub=f"operator:{role}", role=role, comuni=tuple(DEMO_AMBITO)),
        rpc_audience("partners"),
    )


def partners_call(suite, method, *args):
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        return getattr(rpc.partners, method)(*args)


def subscribed(suite) -> bool:
    """FWA subscribed, once partners answers RPC (False until then)."""
    try:
        return bool(partners_call(suite, "subscribe", actor("system"), "FWA", REFERRAL_TYPE))
    except Exception:  # not up yet: no RPC queue to route to
        return False


def delivered_ids(suite) -> set[str]:
    with sqlite3.connect(suite.var_dir / "partners.db", timeout=30) as db:
        rows = db.execute("select event_id from delivery where partner_code = 'FWA'").fetchall()
    return {event_id for (event_id,) in rows}


def test_partners_killed_mid_fan_out_still_delivers_every_event_once_per_id(amqp_uri, tmp_path):
    suite = Suite(amqp_uri, tmp_path, extra_env=SETTINGS)
    receiver = WebhookReceiver().start()
    receiver.delay = 0.05  # the fan-out takes a while: there is a middle to kill it in
    try:
        suite.prepare()
        suite.start_service("partners")
        wait_for(lambda: subscribed(suite), timeout=60, interval=0.5, message="partners up")
        endpoint = partners_call(
            suite, "register_webhook", actor("coordinator"), "FWA", receiver.url
        )
        receiver.secrets = [endpoint["secret"]]
        broker = REFERRALS.broker(amqp_uri)
        for _ in range(EVENTS):
            broker.publish(REFERRALS.envelope(REFERRALS.data()))
        wait_for(lambda: len(receiver.events) >= 5, timeout=60, message="the fan-out under way")
        suite.kill("partners")  # SIGKILL: no clean stop, attempts cut short
        assert len(receiver.events) < EVENTS, "the fan-out was over before the kill"
        suite.start_service("partners")
        wait_for(
            lambda: len(receiver.events) == EVENTS, timeout=120, message="every event after restart"
        )
        assert set(receiver.events) == delivered_ids(suite)  # the ids of the Delivery rows
        assert len(delivered_ids(suite)) == EVENTS
        assert receiver.rejected == []
        # at least once: a cut-short attempt may have arrived twice, always under the same id
        assert all(receiver.requests[event_id] >= 1 for event_id in receiver.events)
    finally:
        receiver.stop()
        suite.stop()
