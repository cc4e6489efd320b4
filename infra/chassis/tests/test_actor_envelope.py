"""Unit tests of the actor context and the CloudEvents envelope (no broker)."""

import pytest

from abitare_chassis.actor import Actor, sign_actor, verify_actor
from abitare_chassis.envelope import new_envelope, sign_envelope, verify_envelope
from abitare_chassis.errors import ActorRejected

KEY = "unit-test-key"


def actor(**overrides):
    fields = dict(sub="operator:rossi", role="agency_operator", comuni=("015195", "015140"))
    fields.update(overrides)
    return Actor(**fields)


def test_actor_round_trip_and_scope():
    token = sign_actor(actor(), key=KEY)
    verified = verify_actor(token, key=KEY)
    assert verified == actor()
    assert verified.can_see("015195") and not verified.can_see("015146")


@pytest.mark.parametrize("token", [None, "", "not-a-token", 42])
def test_missing_or_garbage_actor_is_rejected(token):
    with pytest.raises(ActorRejected):
        verify_actor(token, key=KEY)


def test_actor_signed_with_another_key_is_rejected():
    with pytest.raises(ActorRejected, match="forged"):
        verify_actor(sign_actor(actor(), key="attacker"), key=KEY)


def test_actor_with_widened_scope_is_rejected():
    """Swap a genuine token's payload for one with more comuni: the signature no longer fits."""
    import base64
    import json

    token = sign_actor(actor(), key=KEY)
    rest = token.split(".", 1)[1]
    widened = dict(actor().to_dict(), comuni=["015195", "015140", "015146"])
    payload = base64.urlsafe_b64encode(json.dumps(widened).encode()).decode().rstrip("=")
    with pytest.raises(ActorRejected):
        verify_actor(payload + "." + rest, key=KEY)


def test_expired_actor_is_rejected(monkeypatch):
    token = sign_actor(actor(), key=KEY)
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 10_000)
    with pytest.raises(ActorRejected, match="expired"):
        verify_actor(token, max_age=300, key=KEY)


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
        actor_token=sign_actor(actor(), key=KEY),
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
