"""The gateway's keys (issue 7, finding 2): none outside development means no start; the API
tokens' key is not the actors' key; both rotate with a previous key still valid; every RPC call's
actor is signed for its callee only."""

from __future__ import annotations

import pytest
from gateway_helpers import bearer, get_token

from abitare_chassis.actor import Actor, rpc_audience, verify_actor
from abitare_chassis.errors import ActorRejected
from abitare_gateway import config
from abitare_gateway.cli import main
from abitare_gateway.rpc import NamekoRpcClient


@pytest.fixture
def production(monkeypatch):
    """A deployment's environment: no development mode, no key unless the test sets one."""
    for name in (
        "ABITARE_DEVELOPMENT",
        "ABITARE_SECRET_KEY",
        "GATEWAY_SECRET_KEY",
        "ABITARE_PREVIOUS_SECRET_KEYS",
        "GATEWAY_PREVIOUS_SECRET_KEYS",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_gateway_does_not_start_without_its_keys(production, tmp_path):
    production.setenv("GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'g.db'}")
    with pytest.raises(SystemExit, match="GATEWAY_SECRET_KEY is not set"):
        main(["serve"])
    production.setenv("GATEWAY_SECRET_KEY", "gateway-key")
    with pytest.raises(SystemExit, match="ABITARE_SECRET_KEY is not set"):
        main(["serve"])
    production.setenv("ABITARE_SECRET_KEY", "gateway-key")
    with pytest.raises(SystemExit, match="the same key"):
        main(["serve"])


def test_development_mode_allows_the_public_development_keys(production):
    production.setenv("ABITARE_DEVELOPMENT", "1")
    settings = config.load({})
    assert settings["SECRET_KEY"] == config.DEVELOPMENT_SECRET_KEY
    assert settings["ACTOR_SECRET_KEY"] != settings["SECRET_KEY"]
    assert settings["DEVELOPMENT"] is True


def test_api_tokens_survive_a_rotation_and_unknown_keys_do_not(app_factory):
    before = app_factory(SECRET_KEY="gateway-key-1", PREVIOUS_SECRET_KEYS=[])
    old_token = get_token(before.test_client())
    stranger = app_factory(SECRET_KEY="someone-elses-key", PREVIOUS_SECRET_KEYS=[])
    foreign_token = get_token(stranger.test_client())
    after = app_factory(SECRET_KEY="gateway-key-2", PREVIOUS_SECRET_KEYS=["gateway-key-1"])
    client = after.test_client()
    assert client.get("/api/v1/referrals", headers=bearer(old_token)).status_code == 200
    assert client.get("/api/v1/referrals", headers=bearer(foreign_token)).status_code == 401
    new_token = get_token(client)
    done = app_factory(SECRET_KEY="gateway-key-2", PREVIOUS_SECRET_KEYS=[]).test_client()
    assert done.get("/api/v1/referrals", headers=bearer(new_token)).status_code == 200
    assert done.get("/api/v1/referrals", headers=bearer(old_token)).status_code == 401


def test_the_environment_names_the_previous_keys(production):
    production.setenv("GATEWAY_SECRET_KEY", "gateway-key-2")
    production.setenv("GATEWAY_PREVIOUS_SECRET_KEYS", "gateway-key-1, gateway-key-0")
    production.setenv("ABITARE_SECRET_KEY", "actor-key")
    settings = config.load({})
    assert settings["PREVIOUS_SECRET_KEYS"] == ["gateway-key-1", "gateway-key-0"]
    assert settings["ACTOR_SECRET_KEY"] == "actor-key" and settings["SECRET_KEY"] == "gateway-key-2"


class RecordingProxy:
    def __init__(self):
        self.tokens = []

    def usable(self, max_idle):
        return True

    def call(self, service, method, timeout, token, *args, **kwargs):
        self.tokens.append((service, token))
        return None

    def close(self):
        pass


def test_each_call_is_signed_for_its_callee_only():
    proxy = RecordingProxy()
    client = NamekoRpcClient("memory://", "actor-key", proxy_factory=lambda: proxy)
    actor = Actor(sub="operator:anna", role="agency_operator", comuni=("015195",))
    client.call("funds", "get_funds_file", actor, "r1")
    client.call("intake", "get_referral", actor, "r1")
    (_, to_funds), (_, to_intake) = proxy.tokens
    assert verify_actor(to_funds, rpc_audience("funds"), key="actor-key") == actor
    assert verify_actor(to_intake, rpc_audience("intake"), key="actor-key") == actor
    with pytest.raises(ActorRejected, match="not meant for rpc:intake"):
        verify_actor(to_funds, rpc_audience("intake"), key="actor-key")
    with pytest.raises(ActorRejected, match="not meant for event"):
        verify_actor(to_funds, "event", key="actor-key")
