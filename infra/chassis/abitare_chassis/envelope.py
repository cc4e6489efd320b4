"""The CloudEvents 1.0 envelope (DESIGN.md §5), structured mode, with our extensions
``tenant`` (ISTAT code), ``actor`` (actor token signed for the ``event`` audience),
``correlationid``, ``causationid``, and ``signature``: an HMAC-SHA256 of the rest, so a consumer
can tell an event from a forgery. Signed with the suite key, verified against the current and the
previous keys of a rotation (:func:`abitare_chassis.config.verification_keys`). Partners get
copies signed with their own key and no actor (``partners.adapters.events``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import config
from .actor import EVENT_AUDIENCE, Actor, verify_actor
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


def signature(envelope: dict, key: str) -> str:
    """HMAC-SHA256 (hex) of the envelope without its ``signature``, keys sorted, compact JSON."""
    return hmac.new(key.encode(), _canonical(envelope), hashlib.sha256).hexdigest()


def sign_envelope(envelope: dict, key: str | None = None) -> dict:
    signed = dict(envelope)
    signed["signature"] = signature(envelope, key or config.secret_key())
    return signed


def signed_with(envelope: dict, keys: list[str]) -> bool:
    given = envelope.get("signature")
    return isinstance(given, str) and any(
        hmac.compare_digest(given, signature(envelope, key)) for key in keys
    )


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
    if not signed_with(envelope, [key] if key else config.verification_keys()):
        raise ActorRejected("unsigned or forged event")
    # Events may wait in a queue through a broker outage, so their actors live longer than an
    # RPC's, but not for ever; and only as event actors (never usable for an RPC call).
    actor = verify_actor(
        envelope.get("actor"), EVENT_AUDIENCE, max_age=config.event_actor_max_age(), key=key
    )
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
