"""Unit tests of the actor context and the CloudEvents envelope (no broker)."""

import pytest

from abitare_chassis import config
from abitare_chassis.actor import EVENT_AUDIENCE, Actor, rpc_audience, sign_actor, verify_actor
from abitare_chassis.envelope import new_envelope, sign_envelope, verify_envelope
from abitare_chassis.errors import ActorRejected

KEY = "unit-test-key"
RPC = rpc_audience("intake")


def actor(**overrides):
    fields = dict(sub="operator:rossi", role="agency_operator", comuni=("015195", "015140"))
    fields.update(overrides)
    return Actor(**fields)


def test_actor_round_trip_and_scope():
    token = sign_actor(actor(), RPC, key=KEY)
    verified = verify_actor(token, RPC, key=KEY)
    assert verified == actor()
    assert verified.can_see("015195") and not verified.can_see("015146")


@pytest.mark.parametrize("token", [None, "", "not-a-token", 42])
def test_missing_or_garbage_actor_is_rejected(token):
    with pytest.raises(ActorRejected):
        verify_actor(token, RPC, key=KEY)


def test_actor_signed_with_another_key_is_rejected():
    with pytest.raises(ActorRejected, match="forged"):
        verify_actor(sign_actor(actor(), RPC, key="attacker"), RPC, key=KEY)


def test_actor_with_widened_scope_is_rejected():
    """Swap a genuine token's payload for one with more comuni: the signature no longer fits."""
    import base64
    import json

    token = sign_actor(actor(), RPC, key=KEY)
    rest = token.split(".", 1)[1]
    widened = dict(actor().to_dict(), comuni=["015195", "015140", "015146"])
    payload = base64.urlsafe_b64encode(json.dumps(widened).encode()).decode().rstrip("=")
    with pytest.raises(ActorRejected):
        verify_actor(payload + "." + rest, RPC, key=KEY)


def test_expired_actor_is_rejected(monkeypatch):
    token = sign_actor(actor(), RPC, key=KEY)
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 10_000)
    with pytest.raises(ActorRejected, match="expired"):
        verify_actor(token, RPC, max_age=300, key=KEY)


def test_unknown_role_is_rejected():
    with pytest.raises(ActorRejected):
        Actor(sub="x", role="superuser")


def envelope(**overrides):
    env = new_envelope(
        service="intake",
        event="referral_received",
        data={"referral_id": "r1"},
        subject="r1",
        tenant="015195",
        actor_token=sign_actor(actor(), EVENT_AUDIENCE, key=KEY),
    )
    env.update(overrides)
    return env


def test_envelope_has_cloudevents_attributes_and_extensions():
    env = envelope()
    assert env["specversion"] == "1.0"
    assert env["type"] == "intake.referral_received.v1"
    assert env["source"] == "/abitare/intake"
    assert env["datacontenttype"] == "application/json"
    assert env["correlationid"] == env["id"]
    assert env["time"].endswith("Z")


def test_signed_envelope_verifies():
    event = verify_envelope(sign_envelope(envelope(), key=KEY), key=KEY)
    assert event.data == {"referral_id": "r1"}
    assert event.tenant == "015195"
    assert event.actor.sub == "operator:rossi"


def test_unsigned_envelope_is_rejected():
    with pytest.raises(ActorRejected, match="unsigned"):
        verify_envelope(envelope(), key=KEY)


def test_tampered_envelope_is_rejected():
    signed = sign_envelope(envelope(), key=KEY)
    signed["data"] = {"referral_id": "someone-else"}
    with pytest.raises(ActorRejected):
        verify_envelope(signed, key=KEY)


def test_event_outside_actor_scope_is_rejected():
    signed = sign_envelope(envelope(tenant="015146"), key=KEY)
    with pytest.raises(ActorRejected, match="scope"):
        verify_envelope(signed, key=KEY)


def test_not_an_envelope_is_rejected():
    with pytest.raises(ActorRejected):
        verify_envelope({"hello": "world"}, key=KEY)


# -- audiences (issue 7, finding 1) -------------------------------------------------------------
def test_a_token_is_valid_only_for_its_audience():
    event_token = sign_actor(actor(), EVENT_AUDIENCE, key=KEY)
    with pytest.raises(ActorRejected, match="not meant for rpc:intake"):
        verify_actor(event_token, RPC, key=KEY)
    funds_token = sign_actor(actor(), rpc_audience("funds"), key=KEY)
    with pytest.raises(ActorRejected, match="not meant for rpc:intake"):
        verify_actor(funds_token, RPC, key=KEY)
    with pytest.raises(ActorRejected, match="not meant for event"):
        verify_actor(funds_token, EVENT_AUDIENCE, key=KEY)
    assert verify_actor(funds_token, rpc_audience("funds"), key=KEY) == actor()


def test_a_token_without_audience_is_rejected():
    """What the suite signed before audiences existed: a plain actor dict."""
    from itsdangerous import URLSafeTimedSerializer

    legacy = URLSafeTimedSerializer(KEY, salt="abitare.actor.v1").dumps(actor().to_dict())
    with pytest.raises(ActorRejected, match="not meant for"):
        verify_actor(legacy, RPC, key=KEY)


def test_an_event_older_than_the_event_actor_age_is_rejected(monkeypatch):
    signed = sign_envelope(envelope(), key=KEY)
    monkeypatch.setenv("ABITARE_EVENT_ACTOR_MAX_AGE_SECONDS", "3600")
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3000)
    assert verify_envelope(signed, key=KEY).actor == actor()  # through a long outage: fine
    monkeypatch.setattr(time, "time", lambda: real() + 4000)
    with pytest.raises(ActorRejected, match="expired"):
        verify_envelope(signed, key=KEY)


def test_the_event_actor_age_defaults_to_a_week(monkeypatch):
    monkeypatch.delenv("ABITARE_EVENT_ACTOR_MAX_AGE_SECONDS", raising=False)
    assert config.event_actor_max_age() == 7 * 24 * 3600


# -- keys (issue 7, finding 2) ------------------------------------------------------------------
def test_no_key_outside_development_is_refused(monkeypatch):
    monkeypatch.delenv("ABITARE_SECRET_KEY", raising=False)
    monkeypatch.delenv("ABITARE_DEVELOPMENT", raising=False)
    with pytest.raises(config.MissingSecretKey, match="ABITARE_SECRET_KEY is not set"):
        sign_actor(actor(), RPC)
    with pytest.raises(config.MissingSecretKey):
        verify_actor("anything", RPC)
    monkeypatch.setenv("ABITARE_DEVELOPMENT", "1")
    assert config.secret_key() == config.DEVELOPMENT_SECRET_KEY
    monkeypatch.setenv("ABITARE_SECRET_KEY", "a-real-key")
    assert config.secret_key() == "a-real-key" and not config.using_development_key()


def configured_event():
    """An envelope signed, actor and all, with the configured key."""
    return sign_envelope(envelope(actor=sign_actor(actor(), EVENT_AUDIENCE)))


def rotated(monkeypatch, current, previous=""):
    monkeypatch.setenv("ABITARE_SECRET_KEY", current)
    monkeypatch.setenv("ABITARE_PREVIOUS_SECRET_KEYS", previous)


def test_rotation_keeps_the_previous_keys_valid_and_signs_with_the_new_one(monkeypatch):
    rotated(monkeypatch, "old-key")
    old_token = sign_actor(actor(), RPC)
    old_event = configured_event()
    rotated(monkeypatch, "new-key", " older-key , old-key ")
    assert config.verification_keys() == ["new-key", "older-key", "old-key"]
    assert verify_actor(old_token, RPC) == actor()
    assert verify_envelope(old_event).actor == actor()
    new_token = sign_actor(actor(), RPC)
    assert verify_actor(new_token, RPC, key="new-key") == actor()  # signed with the new key
    with pytest.raises(ActorRejected):
        verify_actor(new_token, RPC, key="old-key")
    assert verify_envelope(configured_event(), key="new-key").actor == actor()


def test_a_token_of_an_unknown_key_is_refused_during_a_rotation(monkeypatch):
    rotated(monkeypatch, "stranger-key")
    token, event = sign_actor(actor(), RPC), configured_event()
    rotated(monkeypatch, "new-key", "old-key")
    with pytest.raises(ActorRejected, match="forged"):
        verify_actor(token, RPC)
    with pytest.raises(ActorRejected, match="forged"):
        verify_envelope(event)
    rotated(monkeypatch, "new-key")  # the rotation is over: old-key is gone
    rotated(monkeypatch, "old-key")
    rotated_out = configured_event()
    rotated(monkeypatch, "new-key")
    with pytest.raises(ActorRejected, match="forged"):
        verify_envelope(rotated_out)
