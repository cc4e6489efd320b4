"""The actor context: who acts, in which role, over which comuni, and for whom the token is meant.

The gateway signs it (HMAC via itsdangerous) for every RPC call, with the audience
``rpc:<service>`` of the callee; a service signs it with the audience ``event`` into every event
it emits. Every service verifies it on every RPC call (its own ``rpc:<name>`` only, at most
300 s old) and event (``event`` only, at most ``ABITARE_EVENT_ACTOR_MAX_AGE_SECONDS`` old) and
scopes its queries by ``comuni``. So a token read from an event queue cannot be replayed as an RPC
actor, nor one sent to funds against intake. An unsigned, altered, expired or misdirected token
is refused with :class:`~abitare_chassis.errors.ActorRejected`.

Keys: signed with :func:`abitare_chassis.config.secret_key`, verified against
:func:`abitare_chassis.config.verification_keys` (the previous keys of a rotation too).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from . import config
from .errors import ActorRejected

SALT = "abitare.actor.v1"
RPC_MAX_AGE_SECONDS = 300
EVENT_AUDIENCE = "event"

# Roles. Operators work in the UI; municipal and partner clients are systems calling the API.
AGENCY_OPERATOR = "agency_operator"  # social worker of the agency: all comuni of the ambito
COMUNE_OPERATOR = "comune_operator"  # social worker of one comune
COORDINATOR = "coordinator"  # assigns cases, runs the commission
MUNICIPAL_CLIENT = "municipal_client"  # a comune's system, via the REST API
PARTNER_CLIENT = "partner_client"  # a partner's system (sub "partner:<CODE>"), /api/v1/partner/
SYSTEM = "system"  # a service acting on its own (demo loading, relays)
ROLES = (AGENCY_OPERATOR, COMUNE_OPERATOR, COORDINATOR, MUNICIPAL_CLIENT, PARTNER_CLIENT, SYSTEM)


def rpc_audience(service: str) -> str:
    """The audience of an RPC call to ``service``: ``rpc:funds``."""
    if not service:
        raise ValueError("an RPC audience names its service")
    return f"rpc:{service}"


@dataclass(frozen=True)
class Actor:
    sub: str  # stable id: "operator:rossi", "client:sgm-portal", "partner:FWA"
    role: str
    comuni: tuple[str, ...] = field(default_factory=tuple)  # ISTAT codes in scope
    name: str = ""

    def __post_init__(self):
        if self.role not in ROLES:
            raise ActorRejected(f"unknown role {self.role!r}")
        object.__setattr__(self, "comuni", tuple(sorted(set(self.comuni))))

    def can_see(self, istat_code: str) -> bool:
        return istat_code in self.comuni

    def to_dict(self) -> dict:
        data = asdict(self)
        data["comuni"] = list(self.comuni)
        return data


def _serializer(keys: list[str]) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and verifies with any of them
    return URLSafeTimedSerializer(list(reversed(keys)), salt=SALT)


def sign_actor(actor: Actor, audience: str = EVENT_AUDIENCE, key: str | None = None) -> str:
    """A signed token of ``actor`` for ``audience`` (``rpc_audience(service)`` or
    :data:`EVENT_AUDIENCE`, the default: the audience that opens no RPC method)."""
    if not audience:
        raise ValueError("an actor token needs an audience")
    return _serializer([key or config.secret_key()]).dumps({**actor.to_dict(), "aud": audience})


def verify_actor(
    token, audience: str, max_age: int | None = RPC_MAX_AGE_SECONDS, key: str | None = None
) -> Actor:
    """Return the :class:`Actor` inside a token signed for ``audience`` at most ``max_age``
    seconds ago, or raise :class:`ActorRejected`. ``key``: that key only (tests); else the
    configured verification keys."""
    if not isinstance(token, str) or not token:
        raise ActorRejected("missing actor context")
    try:
        data = _serializer([key] if key else config.verification_keys()).loads(
            token, max_age=max_age
        )
    except SignatureExpired:
        raise ActorRejected("expired actor context") from None
    except BadSignature:
        raise ActorRejected("forged or unsigned actor context") from None
    if not isinstance(data, dict) or data.get("aud") != audience:
        raise ActorRejected(f"actor context not meant for {audience}")
    try:
        return Actor(
            sub=data["sub"],
            role=data["role"],
            comuni=tuple(data["comuni"]),
            name=data.get("name", ""),
        )
    except (KeyError, TypeError):
        raise ActorRejected("malformed actor context") from None
