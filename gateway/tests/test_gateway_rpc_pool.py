"""The pooled RPC client, with fake proxies in place of nameko's (no broker): deadlines become
504, unknown services and broker failures 503, a timed-out proxy is never reused."""

from __future__ import annotations

import threading
import time

import pytest
from nameko.exceptions import MethodNotFound, RpcTimeout, UnknownService
from nameko.exceptions import RemoteError as NamekoRemoteError

from abitare_chassis.actor import Actor, rpc_audience, verify_actor
from abitare_gateway import create_app
from abitare_gateway.rpc import (
    NamekoRpcClient,
    ProxyPool,
    RemoteError,
    ServiceTimeout,
    ServiceUnavailable,
)

ACTOR = Actor(sub="operator:test", role="agency_operator", comuni=("015195",), name="Test")
KEY = "rpc-test-key"


class FakeProxy:
    """Stands in for a started ClusterRpcProxy; ``behaviour(service, method, args)`` answers."""

    created = 0

    def __init__(self, behaviour):
        FakeProxy.created += 1
        self.id = FakeProxy.created
        self.behaviour = behaviour
        self.closed = False
        self.alive = True
        self.calls = []

    def usable(self, max_idle):
        return self.alive

    def call(self, service, method, timeout, *args, **kwargs):
        self.calls.append((service, method, timeout, args, kwargs))
        return self.behaviour(service, method, args)

    def close(self):
        self.closed = True


def make_client(behaviour, **kwargs):
    proxies = []

    def factory():
        proxy = FakeProxy(behaviour)
        proxies.append(proxy)
        return proxy

    client = NamekoRpcClient("amqp://unused", KEY, timeout=0.5, proxy_factory=factory, **kwargs)
    return client, proxies


def test_calls_reuse_one_proxy_and_send_the_signed_actor_first():
    client, proxies = make_client(lambda service, method, args: {"ok": args[1]})
    assert client.call("intake", "get_referral", ACTOR, "r1") == {"ok": "r1"}
    assert client.call("intake", "get_referral", ACTOR, "r2") == {"ok": "r2"}
    assert len(proxies) == 1 and client.pool.idle == 1
    token = proxies[0].calls[0][3][0]
    assert verify_actor(token, rpc_audience("intake"), key=KEY) == ACTOR
    assert proxies[0].calls[0][2] == 0.5  # the client's default deadline


def test_timeout_is_service_timeout_and_the_proxy_is_discarded():
    def slow(service, method, args):
        raise RpcTimeout(0.5)

    client, proxies = make_client(slow)
    with pytest.raises(ServiceTimeout):
        client.call("funds", "get_funds_file", ACTOR, "r1", timeout=0.2)
    assert proxies[0].closed and client.pool.size == 0
    assert proxies[0].calls[0][2] == 0.2  # the per-call deadline reaches the proxy


def test_a_replaced_proxy_serves_the_next_call():
    answers = iter([RpcTimeout(1), "fine"])

    def flaky(service, method, args):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client, proxies = make_client(flaky)
    with pytest.raises(ServiceTimeout):
        client.call("funds", "x", ACTOR)
    assert client.call("funds", "x", ACTOR) == "fine"
    assert len(proxies) == 2 and proxies[0].closed and not proxies[1].closed


def test_unknown_service_is_unavailable_and_keeps_the_proxy():
    def nobody(service, method, args):
        raise UnknownService(service)

    client, proxies = make_client(nobody)
    with pytest.raises(ServiceUnavailable):
        client.call("partners", "get_deliveries", ACTOR, "r1")
    assert not proxies[0].closed and client.pool.idle == 1


def test_broken_connection_is_unavailable_and_discards_the_proxy():
    def broken(service, method, args):
        raise ConnectionResetError("broker went away")

    client, proxies = make_client(broken)
    with pytest.raises(ServiceUnavailable):
        client.call("intake", "list_comuni", ACTOR)
    assert proxies[0].closed


def test_broker_unreachable_when_creating_a_proxy_is_unavailable_fast():
    def factory():
        raise ConnectionRefusedError(111, "Connection refused")

    client = NamekoRpcClient("amqp://unused", KEY, proxy_factory=factory)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        client.call("intake", "list_comuni", ACTOR)
    assert time.monotonic() - started < 0.5
    assert client.pool.size == 0


def test_remote_errors_keep_their_names():
    def remote(service, method, args):
        if method == "missing":
            raise MethodNotFound("missing")
        raise NamekoRemoteError("ReferralNotFound", "no referral r1")

    client, proxies = make_client(remote)
    with pytest.raises(RemoteError) as error:
        client.call("intake", "get_referral", ACTOR, "r1")
    assert (error.value.exc_type, error.value.message) == ("ReferralNotFound", "no referral r1")
    with pytest.raises(RemoteError) as error:
        client.call("intake", "missing", ACTOR)
    assert error.value.exc_type == "MethodNotFound"
    assert not proxies[0].closed and len(proxies) == 1


def test_dead_idle_proxies_are_replaced_before_use():
    client, proxies = make_client(lambda *a: "ok")
    client.call("intake", "x", ACTOR)
    proxies[0].alive = False  # e.g. the broker restarted while it sat idle
    assert client.call("intake", "x", ACTOR) == "ok"
    assert proxies[0].closed and len(proxies) == 2


def test_pool_is_bounded_and_waits_then_gives_up():
    pool = ProxyPool(lambda: FakeProxy(lambda *a: None), max_size=2)
    first, second = pool.acquire(1), pool.acquire(1)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        pool.acquire(0.2)
    assert 0.15 < time.monotonic() - started < 2
    threading.Timer(0.1, pool.release, args=(first,)).start()
    assert pool.acquire(2) is first
    pool.release(second)


def test_concurrent_callers_get_their_own_answers():
    def echo(service, method, args):
        time.sleep(0.01)
        return args[1]

    client, proxies = make_client(echo, pool_size=4)
    results, errors = [], []

    def worker(value):
        try:
            results.append(client.call("echo", "echo", ACTOR, value))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(results) == list(range(20))
    assert len(proxies) <= 4


@pytest.mark.parametrize(
    "failure, status",
    [(RpcTimeout(5), 504), (UnknownService("intake"), 503), (ConnectionResetError("gone"), 503)],
)
def test_the_app_answers_504_and_503(tmp_path, failure, status):
    def fail(service, method, args):
        raise failure

    rpc_client, _ = make_client(fail)
    app = create_app(
        {
            "TESTING": True,
            "DEVELOPMENT": True,
            "RPC_CLIENT": rpc_client,
            "ARGON2_PROFILE": "cheapest",
            "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
            "ACTOR_SECRET_KEY": KEY,
        }
    )
    app.extensions["abitare_identity"].save_client("comune-015195", "s", "SGM", ["015195"])
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"client_id": "comune-015195", "client_secret": "s"}
    ).get_json()
    started = time.monotonic()
    response = client.get(
        "/api/v1/referrals", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert time.monotonic() - started < 2
