"""Partner API clients: a partner's system gets a token like a comune's, acts as
``partner_client`` with ``sub`` = ``partner:<CODE>``, and reaches ``/api/v1/partner/...`` only;
nobody else reaches those. Proved over every route of the OpenAPI document."""

from __future__ import annotations

import re

import pytest
from gateway_helpers import MILANO, SAN_DONATO, SGM, bearer, csrf_from, get_token, login

from abitare_gateway.auth import PARTNER_API_PREFIX, client_actor

FWA_SECRET = "secret-fwa"
PARAMETER = re.compile(r"\{[^}]+\}")
PARTNERS = [
    {"code": "AFOL", "name": "AFOL Metropolitana", "active": True},
    {"code": "FWA", "name": "Fondazione Welfare Ambrosiano", "active": True},
    {"code": "OLD", "name": "Partner cessato", "active": False},
]


@pytest.fixture
def store(app):
    store = app.extensions["abitare_identity"]
    store.save_client(
        "partner-fwa", FWA_SECRET, "Sistema FWA", [SGM, SAN_DONATO, MILANO], partner_code="FWA"
    )
    return store


def openapi_operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, PARAMETER.sub("x1", path)


def test_a_partner_client_acts_as_its_partner_over_the_agency(client, store):
    partner = store.get_client("partner-fwa")
    actor = client_actor(partner)
    assert (actor.sub, actor.role) == ("partner:FWA", "partner_client")
    assert actor.comuni == tuple(sorted((SGM, SAN_DONATO, MILANO)))
    municipal = client_actor(store.get_client("comune-015195"))
    assert (municipal.sub, municipal.role) == ("client:comune-015195", "municipal_client")
    # the token has the municipal clients' lifetime
    response = client.post(
        "/api/v1/auth/token", json={"client_id": "partner-fwa", "client_secret": FWA_SECRET}
    )
    assert response.status_code == 200
    assert response.get_json()["expires_in"] == client.application.config["TOKEN_MAX_AGE"]


def test_a_partner_client_finds_nothing_outside_the_partner_api(client, store):
    headers = bearer(get_token(client, "partner-fwa", FWA_SECRET))
    checked = 0
    for method, path in openapi_operations(client):
        if path.startswith(PARTNER_API_PREFIX) or path == "/api/v1/auth/token":
            continue
        response = client.open(path, method=method.upper(), headers=headers, json={})
        assert response.status_code == 404, (method, path, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json"
        checked += 1
    assert checked >= 20  # every route of the document, not a sample


def test_nobody_but_a_partner_client_reaches_the_partner_api(client, store):
    partner_routes = [
        (m, p) for m, p in openapi_operations(client) if p.startswith(PARTNER_API_PREFIX)
    ]
    assert partner_routes, "the document has partner routes"
    municipal = bearer(get_token(client))
    operator = client.application.test_client()
    assert login(operator, "coordinamento", "coord-pw").status_code == 302
    for method, path in partner_routes:
        for caller, headers in ((client, municipal), (operator, {})):
            response = caller.open(path, method=method.upper(), headers=headers, json={})
            assert response.status_code == 403, (method, path, response.get_data(as_text=True))
            assert response.get_json()["code"] == "partner_clients_only"
        anonymous = client.application.test_client().open(path, method=method.upper(), json={})
        assert anonymous.status_code == 401


def test_a_coordinator_creates_a_partner_client_and_sees_its_secret_once(app, fake, store):
    fake.returns("partners", "list_partners", PARTNERS)
    web = app.test_client()
    assert login(web, "coordinamento", "coord-pw").status_code == 302
    page = web.get("/utenti/partner/nuovo")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="FWA"' in html and 'value="AFOL"' in html and 'value="OLD"' not in html
    # every comune of the coordinator preselected: the partner works for the whole agency
    assert html.count("checked") == 2
    token = csrf_from(html)
    bad = web.post(
        "/utenti/partner/nuovo",
        data={
            "csrf_token": token,
            "account_id": "partner-old",
            "display_name": "X",
            "partner": "OLD",
            "comuni": [SGM],
        },
    )
    assert bad.status_code == 422
    assert store.get_client("partner-old") is None
    created = web.post(
        "/utenti/partner/nuovo",
        data={
            "csrf_token": token,
            "account_id": "partner-afol",
            "display_name": "Sistema AFOL",
            "partner": "AFOL",
            "comuni": [SGM, SAN_DONATO],
        },
    )
    assert created.status_code == 200
    secret = re.search(r'id="one-time-secret">([^<]+)<', created.get_data(as_text=True))
    assert secret, created.get_data(as_text=True)
    afol = store.get_client("partner-afol")
    assert afol.partner_code == "AFOL"
    assert client_actor(afol).sub == "partner:AFOL"
    api = app.test_client()
    headers = bearer(get_token(api, "partner-afol", secret.group(1).strip()))
    assert api.get("/api/v1/referrals", headers=headers).status_code == 404
    listing = web.get("/utenti").get_data(as_text=True)
    assert "Partner AFOL" in listing
    assert secret.group(1).strip() not in listing


def test_the_partner_form_says_when_the_partner_list_is_away(app, store):
    web = app.test_client()
    assert login(web, "coordinamento", "coord-pw").status_code == 302
    page = web.get("/utenti/partner/nuovo").get_data(as_text=True)
    assert "L'elenco dei partner non è disponibile" in page


def test_a_partner_code_must_look_like_one(store):
    with pytest.raises(ValueError):
        store.save_client("partner-x", "s", "X", [SGM], partner_code="fwa; drop")
