"""/api/v1/partners/{code}/webhooks and the Consegne page, over the real partners service in
process (gateway_doubles.partners): shapes, 403 for every role but coordinators, 422
problem+json for a URL partners refuses, the secret shown once."""

from __future__ import annotations

import re

import pytest
from gateway_helpers import bearer, csrf_from, get_token, login

API = "/api/v1/partners/FWA/webhooks"
LOCAL = "http://127.0.0.1:9/hooks/abitare"


@pytest.fixture
def coordinator(client, partners):
    assert login(client, "coordinamento", "coord-pw").status_code == 302
    return client


def test_register_list_rotate_and_read_the_log(coordinator):
    response = coordinator.post(API, json={"url": LOCAL})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["secret"].startswith("whsec_") and created["enabled"] is True
    assert response.headers["Location"] == f"{API}/{created['id']}"
    again = coordinator.post(API, json={"url": LOCAL})
    assert again.status_code == 409 and again.get_json()["code"] == "webhook_endpoint_exists"
    listed = coordinator.get(API).get_json()
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0] and listed[0]["pending"] == 0
    rotated = coordinator.post(f"{API}/{created['id']}/rotate-secret").get_json()
    assert rotated["secret"] != created["secret"] and rotated["previous_secret_until"]
    log = coordinator.get(f"{API}/{created['id']}/deliveries?page_size=10").get_json()
    assert log["items"] == [] and log["total"] == 0 and log["page_size"] == 10
    replay = coordinator.post(f"{API}/{created['id']}/replay", json={"event_ids": ["x-1"]})
    assert replay.status_code == 200 and replay.get_json()["replayed"] == 0
    assert coordinator.post(f"{API}/{created['id']}/enable").get_json()["enabled"] is True


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://10.0.0.1/h", "private_address"),
        ("https://169.254.169.254/latest", "link_local_address"),
        ("https://[::1]/h", "loopback_address"),
        ("https://2130706433/h", "ambiguous_ip_address"),
        ("http://example.org/h", "url_scheme"),
    ],
)
def test_a_private_url_is_422_problem_json_and_changes_nothing(coordinator, url, code):
    response = coordinator.post(API, json={"url": url})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == "webhook_url_invalid"
    assert problem["errors"]["url"][0]["code"] == code
    assert coordinator.get(API).get_json() == []


def test_a_bad_replay_and_an_unknown_endpoint(coordinator):
    created = coordinator.post(API, json={"url": LOCAL}).get_json()
    response = coordinator.post(f"{API}/{created['id']}/replay", json={})
    assert response.status_code == 422 and response.get_json()["code"] == "webhook_replay_invalid"
    other = "00000000-0000-4000-8000-000000000000"
    response = coordinator.get(f"{API}/{other}/deliveries")
    assert response.status_code == 404
    assert response.get_json()["code"] == "webhook_endpoint_not_found"
    assert coordinator.get("/api/v1/partners/NOPE/webhooks").status_code == 404


def test_other_roles_get_403(client, partners):
    assert login(client, "agenzia", "agenzia-pw").status_code == 302
    assert client.get(API).status_code == 403
    response = client.post(API, json={"url": LOCAL})
    assert response.status_code == 403 and response.get_json()["code"] == "partner_forbidden"
    assert client.get("/partner/FWA/consegne").status_code == 403
    comune = client.application.test_client()
    headers = bearer(get_token(comune))
    assert comune.get(API, headers=headers).status_code == 403
    assert comune.post(API, json={"url": LOCAL}, headers=headers).status_code == 403


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, methods in {
        "/api/v1/partners/{code}/webhooks": {"get", "post"},
        "/api/v1/partners/{code}/webhooks/{endpoint_id}/rotate-secret": {"post"},
        "/api/v1/partners/{code}/webhooks/{endpoint_id}/enable": {"post"},
        "/api/v1/partners/{code}/webhooks/{endpoint_id}/deliveries": {"get"},
        "/api/v1/partners/{code}/webhooks/{endpoint_id}/replay": {"post"},
    }.items():
        assert methods <= set(paths[path]), path


def test_the_consegne_page_registers_shows_the_secret_once_and_refuses_in_italian(coordinator):
    page = coordinator.get("/partner/FWA/consegne")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="it"' in html
    assert "Nessun webhook" in html
    token = csrf_from(html)
    refused = coordinator.post(
        "/partner/FWA/consegne/webhook", data={"csrf_token": token, "url": "https://10.1.1.1/h"}
    )
    assert refused.status_code == 422
    assert "rete privata" in refused.get_data(as_text=True)
    done = coordinator.post(
        "/partner/FWA/consegne/webhook", data={"csrf_token": token, "url": LOCAL}
    )
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert "whsec_" in text and "solo ora" in text
    again = coordinator.get("/partner/FWA/consegne").get_data(as_text=True)
    assert "whsec_" not in again and LOCAL in again and "Registro delle consegne" in again


def test_a_disabled_endpoint_is_on_lavoro_and_flagged_on_the_partner_list(coordinator, partners):
    """The coordinators' alert beyond the Consegne banner: a line on Lavoro (partner, since
    when, why, link to Consegne) and a flag on the Partner list; nothing while it is enabled."""
    from datetime import UTC, datetime

    from partners.adapters.models import WebhookEndpoint

    created = coordinator.post(API, json={"url": LOCAL})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert 'class="alert alert-danger py-2 webhook-disabled"' not in coordinator.get(
        "/lavoro"
    ).get_data(as_text=True)
    assert "partner-webhook-disabled" not in coordinator.get("/partner").get_data(as_text=True)
    with partners.db.transaction() as tx:  # as the dispatcher does after a run of failures
        endpoint = tx.session.get(WebhookEndpoint, created.get_json()["id"])
        endpoint.enabled, endpoint.disabled_reason = False, "failures"
        endpoint.disabled_at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)

    lavoro = coordinator.get("/lavoro").get_data(as_text=True)
    [line] = re.findall(
        r'<li class="alert alert-danger py-2 webhook-disabled"[^>]*>(.*?)</li>', lavoro, re.S
    )
    assert "FWA" in line and "30/11/2026" in line
    assert "troppi tentativi falliti di seguito" in line
    assert 'href="/partner/FWA/consegne"' in line
    listing = coordinator.get("/partner").get_data(as_text=True)
    rows = dict(re.findall(r'<tr id="partner-(\w+)">(.*?)</tr>', listing, re.S))
    assert "partner-webhook-disabled" in rows["fwa"]
    assert not any(
        "partner-webhook-disabled" in html for code, html in rows.items() if code != "fwa"
    )


def test_an_operator_sees_no_webhook_alert(client, partners):
    assert login(client).status_code == 302
    assert "webhooks_disabled" not in client.get("/lavoro").get_data(as_text=True)
