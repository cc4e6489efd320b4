"""/healthz (liveness, no RPC) and /readyz (broker reachability and an RPC ping per service
within the health deadline, computed at most once per cache window)."""

from __future__ import annotations

from abitare_gateway.rpc import ServiceTimeout, ServiceUnavailable


def answering(fake):
    fake.returns("funds", "count_files", 3)
    fake.returns("housing_stock", "count_needs", 3)
    fake.returns("partners", "count_deliveries", 9)


def test_all_answering_is_200(client, fake):
    answering(fake)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["broker"]["ok"]
    assert set(body["services"]) == {"intake", "funds", "housing_stock", "partners"}
    assert all(s["ok"] for s in body["services"].values())
    for call in fake.calls:
        assert call.actor.role == "system" and call.timeout == 2.0


def test_a_service_down_or_slow_is_503(client, fake):
    answering(fake)
    fake.fail("partners", "count_deliveries", ServiceUnavailable("partners"))
    fake.fail("funds", "count_files", ServiceTimeout("funds"))
    response = client.get("/readyz")
    assert response.status_code == 503
    services = response.get_json()["services"]
    assert services["partners"] == {
        "ok": False,
        "error": "ServiceUnavailable",
        "latency_ms": services["partners"]["latency_ms"],
    }
    assert not services["funds"]["ok"] and services["intake"]["ok"]


def test_a_reply_with_an_error_still_means_alive(client, fake):
    answering(fake)
    fake.remote_error("funds", "count_files", "MethodNotFound", "count_files")
    assert client.get("/readyz").status_code == 200


def test_broker_down_is_503(client, fake):
    answering(fake)
    fake.broker_ok = False
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["broker"]["ok"] is False


def test_liveness_makes_no_rpc_call_and_no_broker_connection(client, fake):
    fake.broker_ok = False  # a broken backend does not matter to liveness
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert fake.calls == []


def test_readiness_is_computed_once_per_window_however_many_ask(app, client, fake):
    answering(fake)
    app.config["HEALTH_CACHE_SECONDS"] = 60
    for _ in range(20):
        assert client.get("/readyz").status_code == 200
    assert len(fake.calls) == 4  # one ping of each service, not twenty


def test_degraded_readiness_is_recomputed_within_a_second(app, client, fake, monkeypatch):
    from abitare_gateway import health

    answering(fake)
    app.config["HEALTH_CACHE_SECONDS"] = 60
    fake.broker_ok = False
    assert client.get("/readyz").status_code == 503
    fake.broker_ok = True
    clock = [health.time.monotonic()]
    monkeypatch.setattr(health.time, "monotonic", lambda: clock[0])
    assert client.get("/readyz").status_code == 503  # still the cached view
    clock[0] += health.ReadinessCache.DEGRADED_SECONDS + 0.01
    assert client.get("/readyz").status_code == 200
