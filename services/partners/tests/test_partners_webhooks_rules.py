"""The webhook rules: Standard Webhooks signatures (the spec's test vector, and the independent
``standardwebhooks`` package), the retry schedule (at least 24 hours whatever the jitter), and
the SSRF checks on URLs (IPv6, decimal/octal/hex tricks, resolution to private addresses)."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from partners.domain import webhooks as rules
from partners.errors import WebhookUrlInvalid

# the vector every library of github.com/standard-webhooks/standard-webhooks signs
# (libraries/go/webhook_test.go TestWebhookSign, libraries/php/tests/WebhookTest.php)
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_matches_the_spec_test_vector():
    assert rules.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    # the secret without its prefix signs the same
    unprefixed = VECTOR_SECRET.removeprefix("whsec_")
    assert rules.sign(unprefixed, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_a_new_secret_verifies_with_the_independent_library():
    secret = rules.new_secret()
    assert secret.startswith("whsec_") and len(rules.secret_bytes(secret)) == 32
    assert rules.new_secret() != secret
    now = int(datetime.now(UTC).timestamp())
    body = b'{"specversion":"1.0","id":"0b5c","data":{"x":"\xc3\xa8"}}'
    headers = {
        "webhook-id": "evt-1",
        "webhook-timestamp": str(now),
        "webhook-signature": rules.signature_header([secret], "evt-1", now, body),
    }
    assert Webhook(secret).verify(body, headers)["id"] == "0b5c"
    with pytest.raises(Exception, match="signature"):
        Webhook(rules.new_secret()).verify(body, headers)


def test_during_a_rotation_both_secrets_sign_and_each_verifies():
    old, new = rules.new_secret(), rules.new_secret()
    now = datetime(2026, 12, 2, 10, tzinfo=UTC)
    both = rules.signing_secrets(new, old, now + timedelta(hours=1), now)
    assert both == [new, old]
    assert rules.signing_secrets(new, old, now, now) == [new]  # the overlap is over
    assert rules.signing_secrets(new, None, None, now) == [new]
    ts = int(now.timestamp())
    header = rules.signature_header(both, "evt-2", ts, b"{}")
    assert len(header.split(" ")) == 2 and all(s.startswith("v1,") for s in header.split(" "))
    for secret in (old, new):  # the library's clock check is its own: sign with "now"
        ts_now = int(datetime.now(UTC).timestamp())
        headers = {
            "webhook-id": "evt-2",
            "webhook-timestamp": str(ts_now),
            "webhook-signature": rules.signature_header(both, "evt-2", ts_now, b"{}"),
        }
        assert Webhook(secret).verify(b"{}", headers) == {}


def test_an_id_with_a_dot_is_refused():
    with pytest.raises(ValueError):
        rules.sign(VECTOR_SECRET, "a.b", 1, b"{}")


# -- the schedule -------------------------------------------------------------------------------
def attempt_times(jitter):
    start = datetime(2026, 12, 2, tzinfo=UTC)
    times, made = [start], 1
    while (due := rules.next_attempt_at(start, made, jitter())) is not None:
        assert due >= times[-1]
        times.append(due)
        made += 1
    return times


def test_the_schedule_is_the_standard_webhooks_one_and_dated():
    schedule = rules.STANDARD_WEBHOOKS_SCHEDULE
    assert schedule.attempts == 10
    assert schedule.nominal_offsets()[-1] == timedelta(hours=75, minutes=35, seconds=5)
    assert "b2fa7b8" in schedule.source and schedule.valid_from.isoformat() == "2026-08-17"


@pytest.mark.parametrize("draw", [lambda: 0.0, lambda: 0.999999, random.Random(7).random])
def test_retries_last_at_least_24_hours_whatever_the_jitter(draw):
    times = attempt_times(draw)
    assert len(times) == 10
    assert times[-1] - times[0] >= timedelta(hours=24)
    assert times[-1] - times[0] <= timedelta(hours=75, minutes=35, seconds=5)


def test_full_jitter_spreads_each_step_over_its_window():
    start = datetime(2026, 12, 2, tzinfo=UTC)
    draws = [rules.next_attempt_at(start, 2, random.Random(i).random()) for i in range(200)]
    low, high = start + timedelta(seconds=5), start + timedelta(minutes=5, seconds=5)
    assert all(low <= d <= high for d in draws)
    assert max(draws) - min(draws) > timedelta(minutes=4)  # not bunched up
    # the scale shrinks the schedule for tests, in proportion
    assert rules.next_attempt_at(start, 1, 1.0, scale=0.001) == start + timedelta(seconds=0.005)


def test_outcomes_of_status_codes():
    assert [rules.outcome_of(s) for s in (200, 204, 301, 302, 307, 308, 410, 404, 500, 429)] == [
        "delivered",
        "delivered",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "gone",
        "failed",
        "failed",
        "failed",
    ]


def test_the_excerpt_is_short_and_printable():
    text = rules.excerpt(b"<html>\x00\x1b[31m" + "è".encode() * 10 + b"x" * 1000)
    assert len(text) <= rules.EXCERPT_CHARS and "\x00" not in text and "\x1b" not in text


# -- URLs (SSRF) ----------------------------------------------------------------------------------
def resolver(table):
    def resolve(host, _port):
        if host not in table:
            raise OSError("unknown host")
        return table[host]

    return resolve


PUBLIC = resolver({"hooks.example.org": ["93.184.215.14"], "partner.example": ["2606:4700::1"]})


def refusal(url, allowed=(), resolve=PUBLIC):
    with pytest.raises(WebhookUrlInvalid) as info:
        rules.check_url(url, allowed, resolve)
    assert info.value.code == "webhook_url_invalid"
    return info.value.errors["url"][0]["code"]


def test_a_public_https_url_is_accepted_with_its_address():
    target = rules.check_url("https://hooks.example.org/abitare?x=1", (), PUBLIC)
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example.org",
        443,
        "/abitare?x=1",
        "93.184.215.14",
    )
    assert rules.check_url("https://partner.example:8443/h", (), PUBLIC).address == "2606:4700::1"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.org/h", "url_scheme"),
        ("ftp://hooks.example.org/h", "url_scheme"),
        ("javascript:alert(1)", "url_scheme"),
        ("https:///nohost", "url_scheme"),
        ("https://user:pw@hooks.example.org/h", "url_credentials"),
        ("https://hooks.example.org/h#frag", "url_fragment"),
        ("https://hooks.example.org/ h", "url_malformed"),
        ("https://hooks.example.org:99999/h", "url_malformed"),
        ("https://unknown.example/h", "host_unresolvable"),
        ("https://127.0.0.1/h", "loopback_address"),
        ("https://10.1.2.3/h", "private_address"),
        ("https://192.168.0.10/h", "private_address"),
        ("https://172.16.5.4/h", "private_address"),
        ("https://100.64.0.1/h", "reserved_address"),  # carrier-grade NAT: not global
        ("https://169.254.169.254/latest/meta-data", "link_local_address"),
        ("https://0.0.0.0/h", "unspecified_address"),
        ("https://224.0.0.1/h", "multicast_address"),
        ("https://240.0.0.1/h", "reserved_address"),
        ("https://[::1]/h", "loopback_address"),
        ("https://[::]/h", "unspecified_address"),
        ("https://[fe80::1]/h", "link_local_address"),
        ("https://[fc00::1]/h", "private_address"),
        ("https://[ff02::1]/h", "multicast_address"),
        ("https://[::ffff:127.0.0.1]/h", "loopback_address"),  # IPv4-mapped
        ("https://[::ffff:a9fe:a9fe]/h", "link_local_address"),  # mapped 169.254.169.254
        ("https://[2002:7f00:1::]/h", "loopback_address"),  # 6to4 of 127.0.0.1
        ("https://[64:ff9b::a00:1]/h", "private_address"),  # NAT64 of 10.0.0.1
        ("https://2130706433/h", "ambiguous_ip_address"),  # decimal 127.0.0.1
        ("https://0177.0.0.1/h", "ambiguous_ip_address"),  # octal
        ("https://0x7f.0.0.1/h", "ambiguous_ip_address"),  # hex
        ("https://0x7f000001/h", "ambiguous_ip_address"),
        ("https://127.1/h", "ambiguous_ip_address"),  # short form
        ("https://010.010.010.010/h", "ambiguous_ip_address"),
    ],
)
def test_refused_urls(url, code):
    assert refusal(url) == code


def test_a_name_resolving_to_a_private_address_is_refused():
    rebinding = resolver({"evil.example": ["93.184.215.14", "127.0.0.1"]})
    assert refusal("https://evil.example/h", resolve=rebinding) == "loopback_address"
    internal = resolver({"intranet.example": ["10.0.0.5"]})
    assert refusal("https://intranet.example/h", resolve=internal) == "private_address"
    v6 = resolver({"v6.example": ["::ffff:192.168.1.1"]})
    assert refusal("https://v6.example/h", resolve=v6) == "private_address"


def test_an_allow_listed_host_may_use_http_and_loopback():
    local = resolver({"localhost": ["127.0.0.1", "::1"]})
    allowed = ("127.0.0.1", "localhost")
    target = rules.check_url("http://127.0.0.1:8080/hook", allowed, local)
    assert (target.scheme, target.address, target.port) == ("http", "127.0.0.1", 8080)
    assert rules.check_url("http://LOCALHOST:9/h", allowed, local).address == "127.0.0.1"
    # only the listed hosts: another loopback spelling is still refused
    assert refusal("http://127.0.0.2/h", allowed, local) == "url_scheme"
    assert refusal("https://127.0.0.2/h", allowed, local) == "loopback_address"
    assert refusal("https://2130706433/h", allowed, local) == "ambiguous_ip_address"
