"""The CloudEvents 1.0 envelope (DESIGN.md §5), structured mode, with our extensions
``tenant`` (ISTAT code), ``actor`` (signed actor token), ``correlationid``, ``causationid``,
and ``signature``: an HMAC of the rest, so a consumer can tell an event from a forgery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import config
from .actor import Actor, verify_actor
from .errors import ActorRejected

SPECVERSION = "1.0"
REQUIRED = ("specversion", "id", "source", "type", "time", "datacontenttype", "data")


def event_type_name(service: str, event: str, major: int = 1) -> str:
    """``intake.referral_received.v1``"""
    return f"{service}.{event}.v{major}"


def new_envelope(
    *,
    service: str,
    event: str,
    data: dict | None,
    subject: str | None,
    tenant: str | None,
    actor_token: str | None,
    correlationid: str | None = None,
    causationid: str | None = None,
    major: int = 1,
) -> dict:
    envelope = {
        "specversion": SPECVERSION,
        "id": str(uuid.uuid4()),
        "source": f"/abitare/{service}",
        "type": event_type_name(service, event, major),
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "subject": subject,
        "tenant": tenant,
        "actor": actor_token,
        "data": data,
    }
    envelope["correlationid"] = correlationid or envelope["id"]
    if causationid:
        envelope["causationid"] = causationid
    return envelope


def _canonical(envelope: dict) -> bytes:
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_envelope(envelope: dict, key: str | None = None) -> dict:
    signed = dict(envelope)
    signed["signature"] = hmac.new(
        (key or config.secret_key()).encode(), _canonical(envelope), hashlib.sha256
    ).hexdigest()
    return signed


@dataclass(frozen=True)
class CloudEvent:
    """A verified event as a handler sees it."""

    id: str
    type: str
    source: str
    time: str
    subject: str | None
    tenant: str | None
    actor: Actor
    data: dict
    correlationid: str | None = None
    raw: dict = field(default_factory=dict, repr=False)


def verify_envelope(envelope, key: str | None = None) -> CloudEvent:
    """Check shape, signature and actor; return the :class:`CloudEvent` or raise ActorRejected."""
    if not isinstance(envelope, dict) or any(k not in envelope for k in REQUIRED):
        raise ActorRejected("not a CloudEvents envelope")
    signature = envelope.get("signature")
    expected = hmac.new(
        (key or config.secret_key()).encode(), _canonical(envelope), hashlib.sha256
    ).hexdigest()
    if not isinstance(signature, str) or not hmac.compare_digest(signature, expected):
        raise ActorRejected("unsigned or forged event")
    # Events may wait in a queue through a broker outage: the actor token is not time-limited here.
    actor = verify_actor(envelope.get("actor"), max_age=None, key=key)
    tenant = envelope.get("tenant")
    if tenant is not None and actor.role != "system" and not actor.can_see(tenant):
        raise ActorRejected("event tenant outside the actor's scope")
    return CloudEvent(
        id=envelope["id"],
        type=envelope["type"],
        source=envelope["source"],
        time=envelope["time"],
        subject=envelope.get("subject"),
        tenant=tenant,
        actor=actor,
        data=envelope["data"],
        correlationid=envelope.get("correlationid"),
        raw=envelope,
    )
