"""The actor context: who acts, in which role, over which comuni.

The gateway signs it (HMAC via itsdangerous) for every request; every service verifies it on every
RPC call and event and scopes its queries by ``comuni``. An unsigned, altered or (for RPC) expired
token is refused with :class:`~abitare_chassis.errors.ActorRejected`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from . import config
from .errors import ActorRejected

SALT = "abitare.actor.v1"
RPC_MAX_AGE_SECONDS = 300

# Roles. Operators work in the UI; municipal clients are systems calling the API.
AGENCY_OPERATOR = "agency_operator"  # social worker of the agency: all comuni of the ambito
COMUNE_OPERATOR = "comune_operator"  # social worker of one comune
COORDINATOR = "coordinator"  # assigns cases, runs the commission
MUNICIPAL_CLIENT = "municipal_client"  # a comune's system, via the REST API
SYSTEM = "system"  # a service acting on its own (demo loading, relays)
ROLES = (AGENCY_OPERATOR, COMUNE_OPERATOR, COORDINATOR, MUNICIPAL_CLIENT, SYSTEM)


@dataclass(frozen=True)
class Actor:
    sub: str  # stable id: "operator:rossi", "client:sgm-portal"
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


def _serializer(key: str | None = None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key or config.secret_key(), salt=SALT)


def sign_actor(actor: Actor, key: str | None = None) -> str:
    return _serializer(key).dumps(actor.to_dict())


def verify_actor(token, max_age: int | None = RPC_MAX_AGE_SECONDS, key: str | None = None) -> Actor:
    """Return the :class:`Actor` inside a signed token, or raise :class:`ActorRejected`."""
    if not isinstance(token, str) or not token:
        raise ActorRejected("missing actor context")
    try:
        data = _serializer(key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ActorRejected("expired actor context") from None
    except BadSignature:
        raise ActorRejected("forged or unsigned actor context") from None
    try:
        return Actor(
            sub=data["sub"],
            role=data["role"],
            comuni=tuple(data["comuni"]),
            name=data.get("name", ""),
        )
    except (KeyError, TypeError):
        raise ActorRejected("malformed actor context") from None
