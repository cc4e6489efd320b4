"""Sign-in throttling, tried as an attacker would: password guessing on /login and on the token
endpoint, per account across addresses, per address across accounts, and a flood of parallel
tries against argon2's memory."""

from __future__ import annotations

import threading

import pytest
from gateway_helpers import Clock, CountingHasher, csrf_from

from abitare_chassis.testing.services import wait_for

PROBLEM = "application/problem+json"


@pytest.fixture
def clock(app):
    app.config["CLOCK"] = clock = Clock()
    return clock


@pytest.fixture
def hasher(app):
    store = app.extensions["abitare_identity"]
    store.hasher = counting = CountingHasher(store.hasher)
    return counting


def web_login(client, username, password, address="198.51.100.7"):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def token_request(client, client_id, secret, address="198.51.100.7"):
    return client.post(
        "/api/v1/auth/token",
        json={"client_id": client_id, "client_secret": secret},
        environ_base={"REMOTE_ADDR": address},
    )


def test_twenty_wrong_passwords_on_login_are_refused_without_hashing(client, clock, hasher):
    statuses = [web_login(client, "agenzia", f"guess-{n}").status_code for n in range(20)]
    assert statuses == [200] * 5 + [429] * 15
    assert hasher.calls == 5  # the 15 refused tries cost no argon2
    refused = web_login(client, "agenzia", "agenzia-pw")  # even the right password, for now
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 30
    assert "Troppi tentativi di accesso" in refused.get_data(as_text=True)
    assert hasher.calls == 5
    assert client.get("/schede").status_code == 302


def test_twenty_wrong_secrets_on_the_token_endpoint_are_refused_without_hashing(
    client, clock, hasher
):
    responses = [token_request(client, "comune-015195", f"guess-{n}") for n in range(20)]
    assert [r.status_code for r in responses] == [401] * 5 + [429] * 15
    assert hasher.calls == 5
    last = responses[-1]
    assert last.mimetype == PROBLEM
    body = last.get_json()
    assert body["code"] == "too_many_attempts"
    assert body["details"] == {"retry_after": 30}
    assert last.headers["Retry-After"] == "30"
    italian = client.post(
        "/api/v1/auth/token",
        json={"client_id": "comune-015195", "client_secret": "x"},
        headers={"Accept-Language": "it"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert "Troppi tentativi" in italian.get_json()["detail"]


def test_an_account_is_locked_across_addresses_and_a_success_resets_it(client, clock):
    for n in range(5):  # five addresses, one wrong secret each
        assert token_request(client, "comune-015195", "wrong", f"203.0.113.{n}").status_code == 401
    assert (
        token_request(client, "comune-015195", "secret-sgm", "203.0.113.99").status_code == 429
    )  # a sixth address does not get a fresh budget
    assert (
        token_request(client, "comune-015146", "secret-milano", "203.0.113.99").status_code == 200
    )  # other accounts are untouched
    clock.advance(seconds=31)
    assert token_request(client, "comune-015195", "secret-sgm", "203.0.113.99").status_code == 200
    # the success forgot the failures: five more wrong tries are answered, not refused
    assert [
        token_request(client, "comune-015195", "wrong", "203.0.113.5").status_code for _ in range(5)
    ] == [401] * 5


def test_failures_back_off_exponentially(client, clock):
    for _ in range(5):
        web_login(client, "agenzia", "wrong")
    assert web_login(client, "agenzia", "wrong").status_code == 429
    clock.advance(seconds=31)
    assert web_login(client, "agenzia", "wrong").status_code == 200  # one more try...
    clock.advance(seconds=31)
    refused = web_login(client, "agenzia", "agenzia-pw")  # ...then 60 s
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 30
    clock.advance(seconds=30)
    assert web_login(client, "agenzia", "agenzia-pw").status_code == 302


def test_one_address_guessing_many_accounts_is_refused(client, clock, hasher):
    for n in range(20):
        assert web_login(client, f"utente{n}", "password", "192.0.2.1").status_code == 200
    assert web_login(client, "agenzia", "agenzia-pw", "192.0.2.1").status_code == 429
    assert hasher.calls == 20
    assert web_login(client, "agenzia", "agenzia-pw", "192.0.2.2").status_code == 302


def test_an_ipv6_host_is_one_address_for_its_whole_64(client, clock):
    for n in range(20):
        web_login(client, f"utente{n}", "password", f"2001:db8:1:2::{n + 1:x}")
    assert web_login(client, "agenzia", "agenzia-pw", "2001:db8:1:2::ffff").status_code == 429
    assert web_login(client, "agenzia", "agenzia-pw", "2001:db8:1:3::1").status_code == 302


def test_successful_logins_from_one_office_do_not_lock_its_address(client, clock):
    for _ in range(25):
        assert web_login(client, "agenzia", "agenzia-pw", "192.0.2.50").status_code == 302
        client.delete_cookie("abitare_session")


class BlockingHasher(CountingHasher):
    """Holds every verification until released, counting how many are inside at once."""

    def __init__(self, inner):
        super().__init__(inner)
        self.inside = 0
        self.release = threading.Event()

    def verify(self, hashed, secret):
        self.inside += 1
        try:
            assert self.release.wait(10)
            return super().verify(hashed, secret)
        finally:
            self.inside -= 1


def test_parallel_tries_wait_for_a_hashing_slot_and_are_refused_when_none_frees(app_factory):
    app = app_factory(ARGON2_CONCURRENCY=1, ARGON2_WAIT_SECONDS=0.2)
    store = app.extensions["abitare_identity"]
    store.hasher = blocking = BlockingHasher(store.hasher)
    first: dict = {}
    worker = threading.Thread(
        target=lambda: first.setdefault(
            "status", token_request(app.test_client(), "comune-015195", "secret-sgm").status_code
        )
    )
    worker.start()
    try:
        wait_for(lambda: blocking.inside == 1, timeout=10)
        busy = token_request(app.test_client(), "comune-015146", "secret-milano", "192.0.2.9")
        assert busy.status_code == 503
        assert busy.get_json()["code"] == "sign_in_busy"
        assert busy.headers["Retry-After"] == "5"
        assert blocking.inside == 1  # the second try never reached argon2
    finally:
        blocking.release.set()
        worker.join(10)
    assert first["status"] == 200
