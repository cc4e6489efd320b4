"""The pooled nameko client against a real RabbitMQ (the chassis' private node, a fresh vhost per
test). The "services" here are plain kombu consumers that answer in nameko's wire format, so the
test runs with or without eventlet monkey patching."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from kombu import Connection, Exchange, Queue

from abitare_chassis.actor import Actor, rpc_audience, verify_actor
from abitare_chassis.errors import NotFound
from abitare_chassis.testing.rabbit import rabbitmq_installed
from abitare_chassis.testing.services import wait_for
from abitare_gateway.rpc import NamekoRpcClient, RemoteError, ServiceTimeout, ServiceUnavailable

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not rabbitmq_installed() and not os.environ.get("ABITARE_TEST_AMQP_URI"),
        reason="needs rabbitmq-server (or ABITARE_TEST_AMQP_URI)",
    ),
]

KEY = "broker-test-key"
ACTOR = Actor(sub="client:comune-015195", role="municipal_client", comuni=("015195",))
RPC_EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)


class FakeService(threading.Thread):
    """Consumes ``rpc-<name>`` like a nameko service and answers with ``handler``; with
    ``answer=False`` it only holds the queue (calls are routed, never answered)."""

    def __init__(self, amqp_uri, name, handler=None, answer=True):
        super().__init__(daemon=True)
        self.amqp_uri, self.name, self.handler, self.answer = amqp_uri, name, handler, answer
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.queue = Queue(
            f"rpc-{name}", exchange=RPC_EXCHANGE, routing_key=f"{name}.*", durable=True
        )

    def run(self):
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            self.queue(channel).declare()
            if not self.answer:
                self.ready.set()
                self.stopping.wait()
                return
            with conn.Consumer(self.queue, callbacks=[self.on_message], accept=["json"]):
                self.ready.set()
                while not self.stopping.is_set():
                    try:
                        conn.drain_events(timeout=0.1)
                    except TimeoutError:
                        continue

    def on_message(self, body, message):
        method = message.delivery_info["routing_key"].split(".", 1)[1]
        try:
            payload = {
                "result": self.handler(method, *body["args"], **body["kwargs"]),
                "error": None,
            }
        except Exception as exc:
            payload = {
                "result": None,
                "error": {
                    "exc_type": type(exc).__name__,
                    "exc_path": f"fake.{type(exc).__name__}",
                    "exc_args": [str(exc)],
                    "value": str(exc),
                },
            }
        with Connection(self.amqp_uri) as conn:
            conn.Producer().publish(
                payload,
                exchange=RPC_EXCHANGE,
                routing_key=message.properties["reply_to"],
                correlation_id=message.properties["correlation_id"],
                serializer="json",
            )
        message.ack()

    def __enter__(self):
        self.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.join(5)


class ReferralNotFound(NotFound):
    code = "referral_not_found"


def intake_handler(method, token, *args, **kwargs):
    actor = verify_actor(token, rpc_audience("intake"), key=KEY)
    if method == "get_referral":
        if args[0] != "r1":
            raise ReferralNotFound(f"no referral {args[0]}", referral_id=args[0])
        return {"id": "r1", "seen_by": actor.sub}
    if method == "list_comuni":
        return [{"istat": "015195", "name": "San Giuliano Milanese"}]
    raise AttributeError(method)


@pytest.fixture
def rpc_client(amqp_uri):
    client = NamekoRpcClient(amqp_uri, KEY, timeout=2.0, pool_size=8)
    yield client
    client.close()


def test_round_trip_with_the_signed_actor(amqp_uri, rpc_client):
    with FakeService(amqp_uri, "intake", intake_handler):
        assert rpc_client.call("intake", "get_referral", ACTOR, "r1") == {
            "id": "r1",
            "seen_by": "client:comune-015195",
        }
        assert rpc_client.call("intake", "list_comuni", ACTOR)[0]["istat"] == "015195"
        assert rpc_client.pool.size == 1


def test_remote_exception_keeps_its_name(amqp_uri, rpc_client):
    with FakeService(amqp_uri, "intake", intake_handler):
        with pytest.raises(RemoteError) as error:
            rpc_client.call("intake", "get_referral", ACTOR, "r2")
    assert error.value.exc_type == "ReferralNotFound"
    assert (error.value.code, error.value.kind, error.value.details) == (
        "referral_not_found",
        "not_found",
        {"referral_id": "r2"},
    )  # the code travels


def test_unknown_service_is_503_fast(rpc_client):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        rpc_client.call("partners", "get_deliveries", ACTOR, "r1")
    assert time.monotonic() - started < 1.5


def test_no_answer_is_504_at_the_deadline_and_the_pool_recovers(amqp_uri, rpc_client):
    with (
        FakeService(amqp_uri, "funds", answer=False),
        FakeService(amqp_uri, "intake", intake_handler),
    ):
        rpc_client.call("intake", "list_comuni", ACTOR)
        started = time.monotonic()
        with pytest.raises(ServiceTimeout):
            rpc_client.call("funds", "get_funds_file", ACTOR, "r1", timeout=0.5)
        assert 0.4 < time.monotonic() - started < 1.5
        assert rpc_client.pool.size == 0  # the timed-out proxy was discarded
        assert rpc_client.call("intake", "get_referral", ACTOR, "r1")["id"] == "r1"


def test_broker_unreachable_is_503_fast():
    client = NamekoRpcClient("amqp://guest:guest@127.0.0.1:1/", KEY, timeout=2.0)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        client.call("intake", "list_comuni", ACTOR)
    assert time.monotonic() - started < 1.5
    assert client.broker_reachable(1.0)[0] is False


def test_concurrent_calls_share_the_pool(amqp_uri, rpc_client):
    def handler(method, token, value):
        return value * 2

    results, errors = [], []

    def worker(value):
        try:
            results.append(rpc_client.call("echo", "double", ACTOR, value))
        except Exception as exc:  # pragma: no cover - reported by the assertion
            errors.append(exc)

    with FakeService(amqp_uri, "echo", handler):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert not errors
    assert sorted(results) == [i * 2 for i in range(24)]
    assert rpc_client.pool.size <= 8
    assert rpc_client.broker_reachable(2.0) == (True, None)


def reply_queues(node) -> list[dict]:
    listed = node._ctl(
        "list_queues", "-p", "/", "name", "durable", "exclusive", "consumers", "--formatter", "json"
    ).stdout
    return [
        q for q in json.loads(listed[listed.index("[") :]) if q["name"].startswith("rpc.reply-")
    ]


def test_reply_queues_do_not_outlive_broker_restarts(private_rabbit):
    """Reply queues belong to one connection: after two broker restarts no reply queue is left
    without its consumer (nameko's own are durable and linger for 5 minutes)."""
    uri = private_rabbit.amqp_uri()
    client = NamekoRpcClient(uri, KEY, timeout=2.0, pool_size=4)
    try:
        for _ in range(3):  # three rounds of calls, with a broker restart between them
            with FakeService(uri, "intake", intake_handler):

                def answered():
                    try:
                        return client.call("intake", "list_comuni", ACTOR)
                    except ServiceUnavailable:  # the first call after a restart may find
                        return None  # a proxy whose connection just died

                wait_for(answered, timeout=20, message="an answer after the restart")
                threads = [threading.Thread(target=answered) for _ in range(6)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(20)
                queues = reply_queues(private_rabbit)
                assert queues and all(not q["durable"] and q["exclusive"] for q in queues)
            private_rabbit.restart()
        assert reply_queues(private_rabbit) == []
        client.close()
        assert reply_queues(private_rabbit) == []
    finally:
        client.close()
