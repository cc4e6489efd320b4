"""The Fondo Affitto through the gateway's API, against the real funds and intake services (in
process, no broker): a coordinator opens a window, an operator files a case's application (one
application per Idempotency-Key), the coordinator closes, ranks, approves and pays; other roles,
other comuni and bad input get the problem+json they should, with nothing changed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from gateway_helpers import MILANO, SGM, bearer, csrf_from, get_token, login, referral_payload

from abitare_chassis.actor import Actor
from abitare_gateway import agency_time

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM,))
MILANO_OPERATOR = Actor(sub="operator:mi", role="agency_operator", comuni=(MILANO,))
DEMO_REGULATION = "5a3b2e1c-0000-4000-8000-000000000001"
API = "/api/v1/funds/rent-fund"
DOCUMENTS = [
    "Attestazione ISEE in corso di validità",
    "Contratto di locazione registrato",
    "Documento d'identità del richiedente",
]


AMBITO = ["015195", "015192", "015050", "015071", "015082", "015101", "015140", "015202", "015244"]


@pytest.fixture
def coordinator(app, funds):
    """A coordinator of every comune of the demo regulation (managing a window decides them
    all: a coordinator of some comuni only is refused)."""
    store = app.extensions["abitare_identity"]
    store.save_operator(
        "coord-ambito", "ambito-pw", "Coordinatrice d'ambito", "coordinator", AMBITO
    )
    client = app.test_client()
    assert login(client, "coord-ambito", "ambito-pw").status_code == 302
    return client


@pytest.fixture
def operator(app, funds):
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def window_body(**changes):
    today = agency_time.today()
    return {
        "regulation_id": DEMO_REGULATION,
        "title": "Bando affitto 2026",
        "opens_on": (today - timedelta(days=5)).isoformat(),
        "closes_on": (today + timedelta(days=25)).isoformat(),
        "budget_cents": 500_000,
        **changes,
    }


def application_body(window, **changes):
    return {
        "window_id": window,
        "casa_grade": 3,
        "isee_cents": 900_000,
        "isee_kind": "certificato",
        "monthly_rent_cents": 55_000,
        "monthly_net_income_cents": 130_000,
        "resident": True,
        "lease_registered": True,
        "lease_start": "2024-05-01",
        "tenure": "concordato",
        "eviction_procedure": False,
        "owns_adequate_dwelling": False,
        "documents": DOCUMENTS,
        **changes,
    }


def test_window_application_ranking_approval_and_payment(coordinator, operator, intake):
    [regulation] = operator.get(f"{API}/regulations").get_json()
    assert regulation["id"] == DEMO_REGULATION and "grant_cap_cents" in regulation["to_verify"]
    refused = operator.post(f"{API}/windows", json=window_body())
    assert refused.status_code == 403 and refused.get_json()["code"] == "funds_forbidden"
    opened = coordinator.post(f"{API}/windows", json=window_body())
    assert opened.status_code == 201, opened.get_data(as_text=True)
    window = opened.get_json()
    assert (window["state"], window["budget_cents"]) == ("aperto", 500_000)

    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    url = f"/api/v1/cases/{case}/funds/applications"
    headers = {"Idempotency-Key": "domanda-1"}
    filed = operator.post(url, json=application_body(window["id"]), headers=headers)
    assert filed.status_code == 201, filed.get_data(as_text=True)
    app = filed.get_json()
    assert (app["state"], app["eligibility"], app["grant_cents"]) == (
        "presentata",
        "ammissibile",
        360_000,
    )
    assert all(c["outcome"] == "soddisfatto" for c in app["criteria"])
    again = operator.post(url, json=application_body(window["id"]), headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] == app["id"]
    reused = operator.post(url, json=application_body(window["id"], isee_cents=1), headers=headers)
    assert reused.status_code == 409
    assert reused.get_json()["code"] == "rent_fund_idempotency_key_reused"
    assert [a["id"] for a in operator.get(url).get_json()] == [app["id"]]

    early = coordinator.post(f"{API}/windows/{window['id']}/ranking")
    assert early.status_code == 409 and early.get_json()["code"] == "rent_fund_conflict"
    for step in ("closure", "ranking", "approval"):
        done = coordinator.post(f"{API}/windows/{window['id']}/{step}")
        assert done.status_code == 200, (step, done.get_data(as_text=True))
    assert done.get_json()["committed_cents"] == 360_000
    detail = coordinator.get(f"{API}/windows/{window['id']}").get_json()
    assert [(a["id"], a["state"], a["rank_position"]) for a in detail["items"]] == [
        (app["id"], "approvata", 1)
    ]

    pay = f"{API}/applications/{app['id']}/payments"
    today = agency_time.today().isoformat()
    too_much = coordinator.post(pay, json={"amount_cents": 360_001, "paid_on": today})
    assert too_much.status_code == 422, too_much.get_data(as_text=True)
    paid = coordinator.post(pay, json={"amount_cents": 360_000, "paid_on": today})
    assert paid.status_code == 201 and paid.get_json()["state"] == "pagata"


@pytest.mark.parametrize(
    "changes",
    [{"monthly_rent_cents": -1}, {"isee_cents": 10.5}, {"tenure": "abusivo"}, {"window_id": ""}],
)
def test_bad_input_is_422_and_files_nothing(coordinator, operator, intake, changes):
    window = coordinator.post(f"{API}/windows", json=window_body()).get_json()
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    url = f"/api/v1/cases/{case}/funds/applications"
    bad = operator.post(url, json=application_body(window["id"], **changes))
    assert bad.status_code == 422, bad.get_data(as_text=True)
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert operator.get(url).get_json() == []


def test_another_comunes_case_and_municipal_clients_get_404(coordinator, operator, intake, client):
    window = coordinator.post(f"{API}/windows", json=window_body()).get_json()
    milano = intake.submit_referral(MILANO_OPERATOR, referral_payload(comune=MILANO))["id"]
    url = f"/api/v1/cases/{milano}/funds/applications"
    assert operator.get(url).status_code == 404
    assert operator.post(url, json=application_body(window["id"])).status_code == 404
    municipal = bearer(get_token(client))
    assert client.get(f"{API}/windows", headers=municipal).status_code == 404


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/funds/rent-fund/regulations",
        "/api/v1/funds/rent-fund/windows",
        "/api/v1/funds/rent-fund/windows/{window_id}",
        "/api/v1/funds/rent-fund/windows/{window_id}/ranking",
        "/api/v1/funds/rent-fund/applications/{application_id}/payments",
        "/api/v1/cases/{case_id}/funds/applications",
    ):
        assert path in paths, path


def test_the_case_tab_files_an_application_and_explains_it(coordinator, operator, intake):
    """Fondi → Fondo Affitto: no open window says so; with one, the form files the application
    (a double post is one application) and the page shows each criterion and the grant."""
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    page = f"/schede/{case}/fondi/affitto"
    empty = operator.get(page).get_data(as_text=True)
    assert 'id="rent-no-window"' in empty and 'id="funds-section-affitto"' in empty
    window = coordinator.post(f"{API}/windows", json=window_body()).get_json()
    html = operator.get(page).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)
    form = {
        "csrf_token": csrf_from(html),
        "idempotency_key": key,
        "window_id": window["id"],
        "isee_cents": "9.000,00",
        "isee_kind": "certificato",
        "monthly_rent_cents": "550",
        "monthly_net_income_cents": "1.300",
        "lease_start": "01/05/2024",
        "tenure": "concordato",
        "resident": "si",
        "lease_registered": "si",
        "eviction_procedure": "no",
        "owns_adequate_dwelling": "no",
        "casa_grade": "3",
        "documents": DOCUMENTS,
    }
    done = operator.post(page, data=form)
    assert done.status_code == 302, done.get_data(as_text=True)
    assert operator.post(page, data=form).status_code == 302  # the same page posted again
    shown = operator.get(page).get_data(as_text=True)
    assert shown.count('class="card card-bg shadow-sm mb-3 rent-application"') == 1
    assert "Ammissibile" in shown and "€ 3.600,00" in shown
    assert shown.count('data-outcome="soddisfatto"') >= 7 and "da verificare" in shown
    bad = operator.post(page, data={**form, "idempotency_key": "k2", "monthly_rent_cents": "x"})
    assert bad.status_code == 422
    assert len(operator.get(f"/api/v1/cases/{case}/funds/applications").get_json()) == 1


def test_the_coordinators_window_pages_open_rank_approve_and_pay(coordinator, operator, intake):
    """/fondi/bandi: a coordinator opens a window on the form, an application is filed, and the
    window's page closes, ranks, approves and records the payment; operators get 403."""
    assert operator.get("/fondi/bandi").status_code == 403
    html = coordinator.get("/fondi/bandi").get_data(as_text=True)
    assert 'id="windows-empty"' in html
    today = agency_time.today()
    form = {
        "csrf_token": csrf_from(html),
        "regulation_id": DEMO_REGULATION,
        "title": "Bando dicembre",
        "opens_on": (today - timedelta(days=1)).strftime("%d/%m/%Y"),
        "closes_on": (today + timedelta(days=30)).strftime("%d/%m/%Y"),
        "budget_cents": "10.000",
    }
    bad = coordinator.post("/fondi/bandi", data={**form, "budget_cents": "-5"})
    assert bad.status_code == 422
    opened = coordinator.post("/fondi/bandi", data=form)
    assert opened.status_code == 302, opened.get_data(as_text=True)
    page = opened.headers["Location"]
    window_id = page.rsplit("/", 1)[1]
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    filed = operator.post(
        f"/api/v1/cases/{case}/funds/applications", json=application_body(window_id)
    )
    assert filed.status_code == 201
    for step in ("closure", "ranking", "approval"):
        html = coordinator.get(page).get_data(as_text=True)
        assert f'id="step-{step}"' in html, step
        done = coordinator.post(page, data={"csrf_token": csrf_from(html), "form": step})
        assert done.status_code == 302, (step, done.get_data(as_text=True))
    html = coordinator.get(page).get_data(as_text=True)
    assert "Approvato" in html and "3.600,00 €" in html and 'value="3600,00"' in html
    paid = coordinator.post(
        page,
        data={
            "csrf_token": csrf_from(html),
            "form": "payment",
            "application_id": filed.get_json()["id"],
            "amount_cents": "3600,00",
            "paid_on": today.strftime("%d/%m/%Y"),
        },
    )
    assert paid.status_code == 302, paid.get_data(as_text=True)
    assert "Pagata" in coordinator.get(page).get_data(as_text=True)
