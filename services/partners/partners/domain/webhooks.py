"""The rules of webhook deliveries: Standard Webhooks signatures, the retry schedule, what ends
an endpoint, and which URLs a webhook may point at (SSRF).

Source: the Standard Webhooks specification, ``spec/standard-webhooks.md`` of
github.com/standard-webhooks/standard-webhooks, read at commit b2fa7b8 (2026-08-17):
"Signature scheme", "Webhook headers", "Deliverability and reliability" (the example retry
schedule, Svix's), "Delivery success and failure" (3xx is a failure, 410 disables),
"Request timeouts" (15-30 s), "Server side request forgery".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from ..errors import WebhookUrlInvalid

# -- signatures ("Signature scheme", "Webhook headers") ----------------------------------------
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec leaves the length to the sender; 256 bits like the HMAC


def new_secret() -> str:
    """``whsec_<base64 of 32 random bytes>``: shown once to the coordinator."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_bytes(secret: str) -> bytes:
    raw = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    return base64.b64decode(raw + "==")  # tolerant of missing padding, as the spec's libraries


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>``."""
    if "." in msg_id:
        raise ValueError("a webhook id may not contain '.' (the signed content is '.'-delimited)")
    content = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(signing_secrets: Iterable[str], msg_id: str, timestamp: int, body: bytes):
    """The ``webhook-signature`` value: one signature per secret, space-separated (rotation)."""
    return " ".join(sign(s, msg_id, timestamp, body) for s in signing_secrets)


# the previous secret stays valid this long after a rotation (the spec says "for a set period of
# time" without a figure; Svix keeps it 24 hours): an agency choice, da verificare
PREVIOUS_SECRET_VALID_FOR = timedelta(hours=24)


def signing_secrets(
    current: str, previous: str | None, previous_until: datetime | None, now: datetime
) -> list[str]:
    if previous and previous_until is not None and now < previous_until:
        return [current, previous]
    return [current]


# -- retries ("Deliverability and reliability") ------------------------------------------------
@dataclass(frozen=True)
class RetrySchedule:
    """The delay before each attempt after the first; ``source`` dates the figures."""

    delays: tuple[timedelta, ...]
    valid_from: date
    source: str

    def nominal_offsets(self) -> list[timedelta]:
        """When each attempt is due after the first, without jitter: 0, 5 s, 5 min 5 s, ..."""
        offsets, total = [timedelta(0)], timedelta(0)
        for delay in self.delays:
            total += delay
            offsets.append(total)
        return offsets

    @property
    def attempts(self) -> int:
        return len(self.delays) + 1


STANDARD_WEBHOOKS_SCHEDULE = RetrySchedule(
    delays=(
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=14),
        timedelta(hours=20),
        timedelta(hours=24),
    ),
    valid_from=date(2026, 8, 17),
    source=(
        "Standard Webhooks spec, 'Deliverability and reliability', example retry schedule "
        "(the Svix schedule), standard-webhooks commit b2fa7b8 of 2026-08-17"
    ),
)


def next_attempt_at(
    first_attempt_at: datetime,
    attempts_made: int,
    jitter: float,
    schedule: RetrySchedule = STANDARD_WEBHOOKS_SCHEDULE,
    scale: float = 1.0,
) -> datetime | None:
    """When attempt ``attempts_made + 1`` is due, or None when the schedule is spent.

    Exponential backoff with full jitter inside each step: attempt k+1 falls anywhere (``jitter``
    in [0, 1), uniform) between the nominal time of attempt k and that of attempt k+1, counted
    from the first attempt. So the attempts never bunch up, and the last one is always at least
    the second-to-last nominal offset (51 h 35 min 5 s) after the first: more than 24 hours of
    retrying whatever the draw. ``scale`` shrinks the schedule (tests only)."""
    offsets = schedule.nominal_offsets()
    if attempts_made >= len(offsets):
        return None
    low, high = offsets[attempts_made - 1], offsets[attempts_made]
    return first_attempt_at + (low + (high - low) * jitter) * scale


# consecutive failed attempts that disable an endpoint (config WEBHOOK_DISABLE_AFTER_FAILURES):
# an agency choice (Svix disables after 5 days of failures), da verificare
DISABLE_AFTER_FAILURES = 50
REQUEST_TIMEOUT_SECONDS = 15  # "Request timeouts": between 15 and 30 s
EXCERPT_CHARS = 120  # what the delivery log keeps of a response body


def outcome_of(status: int) -> str:
    """``delivered`` (2xx), ``gone`` (410: disable the endpoint at once), ``redirect`` (3xx:
    never followed, a failure) or ``failed``."""
    if 200 <= status < 300:
        return "delivered"
    if status == 410:
        return "gone"
    if 300 <= status < 400:
        return "redirect"
    return "failed"


_UNPRINTABLE = re.compile(r"[^\x20-\x7e]+")


def excerpt(body: bytes) -> str:
    """A short, printable ASCII excerpt of a response body (nothing more is kept)."""
    text = body[: EXCERPT_CHARS * 4].decode("utf-8", "replace")
    return _UNPRINTABLE.sub(" ", text).strip()[:EXCERPT_CHARS]


# -- which URLs ("Server side request forgery", "Enforcing HTTPS") --------------------------------
URL_MAX = 2000
_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_CANONICAL_IPV4 = re.compile(rf"^{_OCTET}(\.{_OCTET}){{3}}$")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class WebhookTarget:
    """A checked URL: where to connect (``address``, one the check accepted) and what to ask."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    address: str


Resolver = Callable[[str, int], list[str]]


def _refuse(code: str, **details):
    raise WebhookUrlInvalid({"url": [{"code": code, **details}]})


def address_refusal(address: str) -> str | None:
    """Why ``address`` is not a public unicast address (None when it is). IPv4-mapped and
    6to4/NAT64 forms are judged by the IPv4 address they carry."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.ipv4_mapped or ip.sixtofour
        if carried is not None:
            return address_refusal(str(carried))
        if ip in ipaddress.ip_network("64:ff9b::/96"):
            return address_refusal(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    for code, flag in (
        ("loopback_address", ip.is_loopback),
        ("unspecified_address", ip.is_unspecified),
        ("link_local_address", ip.is_link_local),
        ("multicast_address", ip.is_multicast),
        ("reserved_address", ip.is_reserved),
        ("private_address", ip.is_private),
        ("reserved_address", not ip.is_global),
    ):
        if flag:
            return code
    return None


def check_url(url: str, allowed_hosts: Iterable[str], resolve: Resolver) -> WebhookTarget:
    """``url`` if a webhook may be sent there, else :class:`WebhookUrlInvalid` with a code:
    HTTPS (HTTP only on an allow-listed host), no credentials, no fragment, a host written as a
    name or a canonical IP (no decimal, octal or hex tricks), and every address it resolves to
    public (private, loopback, link-local, multicast, reserved, unspecified are refused) unless
    the host is allow-listed. Called at registration and again before every attempt, whose
    connection goes to the address returned (DNS rebinding)."""
    if not isinstance(url, str) or not url or len(url) > URL_MAX:
        _refuse("url_length", max=URL_MAX)
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        _refuse("url_malformed")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        _refuse("url_malformed")
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in ("https", "http") or not host:
        _refuse("url_scheme", allowed=["https"])
    if parts.username is not None or parts.password is not None:
        _refuse("url_credentials")
    if parts.fragment:
        _refuse("url_fragment")
    allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}
    listed = host in allowed
    if scheme == "http" and not listed:
        _refuse("url_scheme", allowed=["https"])
    literal = _ip_literal(host)
    if literal is None and _NUMERIC_HOST.match(host):
        _refuse("ambiguous_ip_address")  # 2130706433, 0177.0.0.1, 0x7f.1: not a name
    port = port or (443 if scheme == "https" else 80)
    try:
        addresses = [literal] if literal else resolve(host, port)
    except OSError:
        _refuse("host_unresolvable")
    if not addresses:
        _refuse("host_unresolvable")
    if not listed:
        for address in addresses:
            refusal = address_refusal(address)
            if refusal:
                _refuse(refusal)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return WebhookTarget(url, scheme, host, port, path, addresses[0])


def _ip_literal(host: str) -> str | None:
    candidate = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in candidate:
        try:
            return str(ipaddress.IPv6Address(candidate.split("%", 1)[0]))
        except ValueError:
            _refuse("url_malformed")
    if _CANONICAL_IPV4.match(candidate):
        return candidate
    return None
