"""Health for load balancers and operators.

- ``/healthz`` (liveness): the gateway process answers. No RPC, no broker connection: cheap for
  anyone, as often as they like.
- ``/readyz`` (readiness): is the broker reachable, and does each service answer an RPC within
  the health timeout? Computed at most once per ``HEALTH_CACHE_SECONDS`` (one second while
  degraded, so recovery shows quickly) however many clients ask: a flood of probes cannot turn
  into a flood of RPC calls and broker connections.

A service "answers" when it replies at all, even with an error (``MethodNotFound`` from an older
version still proves the process consumes its queue); it is down when nobody consumes its queue
(503 from the RPC client) or no reply comes in time.
"""

from __future__ import annotations

import threading
import time

from flask import Blueprint, current_app, jsonify

from . import backend
from .auth import system_actor
from .rpc import RemoteError, RpcError

bp = Blueprint("health", __name__)

# service -> a cheap read that touches no personal data
PINGS = {
    "intake": "list_comuni",
    "funds": "count_files",
    "housing_stock": "count_needs",
    "partners": "count_deliveries",
}


def ping(client, service: str, method: str, timeout: float) -> dict:
    started = time.monotonic()
    try:
        client.call(service, method, system_actor("health"), timeout=timeout)
    except RemoteError:
        pass  # it replied: alive
    except RpcError as exc:
        return {
            "ok": False,
            "error": type(exc).__name__,
            "latency_ms": round((time.monotonic() - started) * 1000),
        }
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000)}


@bp.get("/healthz")
def healthz():
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


class ReadinessCache:
    """The last readiness view and when it expires; one request at a time recomputes it."""

    DEGRADED_SECONDS = 1.0

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._body: dict | None = None
        self._expires = 0.0

    def get(self, compute) -> dict:
        with self._lock:
            now = time.monotonic()
            if self._body is None or now >= self._expires:
                self._body = compute()
                healthy = self._body["status"] == "ok"
                self._expires = now + (
                    self.seconds if healthy else min(self.seconds, self.DEGRADED_SECONDS)
                )
            return self._body


def readiness() -> dict:
    timeout = float(current_app.config["HEALTH_TIMEOUT"])
    client = backend.rpc()
    futures = {
        service: backend.executor().submit(ping, client, service, method, timeout)
        for service, method in PINGS.items()
    }
    ok, error = client.broker_reachable(timeout)
    broker = {"ok": ok} | ({"error": error} if error else {})
    services = {service: future.result() for service, future in futures.items()}
    healthy = broker["ok"] and all(s["ok"] for s in services.values())
    return {"status": "ok" if healthy else "degraded", "broker": broker, "services": services}


@bp.get("/readyz")
def readyz():
    cache = current_app.extensions.setdefault(
        "abitare_readiness", ReadinessCache(float(current_app.config["HEALTH_CACHE_SECONDS"]))
    )
    body = cache.get(readiness)
    response = jsonify(body)
    response.status_code = 200 if body["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
