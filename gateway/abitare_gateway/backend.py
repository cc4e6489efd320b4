"""What the gateway asks the services, in one place (the API and the web UI share it).

Every call goes through the injectable RPC client (``app.extensions["abitare_rpc"]``) with the
actor of the request; reference data that every actor may read (the comuni) are kept for a few
minutes. The vocabulary is intake's contract file (:mod:`labels`), read without a call.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from abitare_chassis.actor import Actor

from . import labels, purposes
from .rpc import RpcClient, RpcError

REFERENCE_TTL_SECONDS = 600


def rpc() -> RpcClient:
    return current_app.extensions["abitare_rpc"]


def executor() -> ThreadPoolExecutor:
    return current_app.extensions["abitare_executor"]


def rpc_timeout() -> float:
    return float(current_app.config["RPC_TIMEOUT"])


# -- intake ---------------------------------------------------------------------------------
def submit_referral(actor: Actor, payload: dict) -> dict:
    """Every submission carries an idempotency key (the client's, or one made here): if intake
    crashes after committing, the broker redelivers the RPC request and the second execution
    returns the first referral instead of storing a duplicate."""
    payload = dict(payload)
    if not payload.get("idempotency_key"):
        payload["idempotency_key"] = f"gateway-{uuid.uuid4()}"
    return rpc().call("intake", "submit_referral", actor, payload)


def get_referral(actor: Actor, referral_id: str) -> dict:
    return rpc().call("intake", "get_referral", actor, referral_id, purpose=purposes.current())


def list_referrals(
    actor: Actor, comune_istat: str | None = None, page: int = 1, page_size: int = 20, **search
) -> dict:
    """``search``: intake's criteria (last_name, first_name, codice_fiscale, status, grade,
    assigned_to, received_from, received_to as ISO dates); absent ones are not sent."""
    return rpc().call(
        "intake",
        "list_referrals",
        actor,
        comune_istat=comune_istat,
        page=page,
        page_size=page_size,
        purpose=purposes.current(),
        **{name: value for name, value in search.items() if value not in (None, "")},
    )


def list_comuni(actor: Actor) -> list[dict]:
    """The reference list of comuni ``[{istat, name}]`` (the same for every actor)."""
    return _cached("comuni", lambda: rpc().call("intake", "list_comuni", actor))


def comune_names(actor: Actor) -> dict[str, str]:
    """ISTAT code -> name; empty when intake cannot be asked (pages then show the codes)."""
    try:
        return {c["istat"]: c["name"] for c in list_comuni(actor)}
    except RpcError:
        return {}


def partner_choices(actor: Actor) -> list[tuple[str, str]]:
    """``[(code, name)]`` of the active partners, from the partners service; empty when it
    cannot be asked (the form then says so)."""
    try:
        partners = _cached("partners", lambda: rpc().call("partners", "list_partners", actor))
    except RpcError:
        return []
    return [(p["code"], p["name"]) for p in partners if p.get("active", True)]


def partner_services(actor: Actor) -> list[tuple[str, str]]:
    """``[(service, "words (partners)")]`` of the services the partners offer today, from the
    partners service (the project action's select); empty when it cannot be asked."""
    try:
        offers = rpc().call("partners", "list_partner_offers", actor)
    except RpcError:
        return []
    by_service: dict[str, tuple[str, list[str]]] = {}
    for partner in offers:
        for service in partner["services"]:
            label, codes = by_service.setdefault(service["code"], (service["label"], []))
            codes.append(partner["partner_code"])
    return [
        (code, f"{label} ({', '.join(codes)})")
        for code, (label, codes) in sorted(by_service.items())
    ]


def vocabulary(actor: Actor) -> dict[str, list[dict]]:
    """Form options ``{referring_body: [{code, label}], ...}``: intake's vocabulary from its
    contract file (:mod:`labels`), with no call, so the form works while intake is away."""
    return labels.form_vocabulary()


# -- a tiny TTL cache for reference data --------------------------------------------------------
class TtlCache:
    def __init__(self, ttl: float = REFERENCE_TTL_SECONDS):
        self.ttl = ttl
        self._values: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, compute):
        now = time.monotonic()
        with self._lock:
            hit = self._values.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        value = compute()  # outside the lock: a slow service must not block other keys
        with self._lock:
            self._values[key] = (time.monotonic(), value)
        return value

    def clear(self):
        with self._lock:
            self._values.clear()


def _cached(key: str, compute):
    return current_app.extensions["abitare_cache"].get(key, compute)
