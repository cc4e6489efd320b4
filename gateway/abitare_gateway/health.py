"""``/healthz``: is the broker reachable, and does each service answer an RPC within 2 s?

A service "answers" when it replies at all, even with an error (``MethodNotFound`` from an older
version still proves the process consumes its queue); it is down when nobody consumes its queue
(503 from the RPC client) or no reply comes in time.
"""
from __future__ import annotations

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
        return {"ok": False, "error": type(exc).__name__,
                "latency_ms": round((time.monotonic() - started) * 1000)}
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000)}


@bp.get("/healthz")
def healthz():
    timeout = float(current_app.config["HEALTH_TIMEOUT"])
    client = backend.rpc()
    futures = {service: backend.executor().submit(ping, client, service, method, timeout)
               for service, method in PINGS.items()}
    ok, error = client.broker_reachable(timeout)
    broker = {"ok": ok} | ({"error": error} if error else {})
    services = {service: future.result() for service, future in futures.items()}
    healthy = broker["ok"] and all(s["ok"] for s in services.values())
    body = {"status": "ok" if healthy else "degraded", "broker": broker, "services": services}
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
