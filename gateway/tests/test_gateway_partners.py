"""/api/v1/partners and the Partner pages, with the real partners service in process (its
migrated demo network) and the real intake (the comuni's names)."""

from __future__ import annotations

import re

import pytest
from gateway_helpers import bearer, get_token, login, post_form

FWA = "/api/v1/partners/FWA/conventions/FWA-2024"


@pytest.fixture
def coordinator(client, partners):
    assert login(client, "coordinamento", "coord-pw").status_code == 302
    return client


@pytest.fixture
def operator(client, partners):
    assert login(client, "agenzia", "agenzia-pw").status_code == 302
    return client


def test_the_api_lists_partners_with_the_convention_in_force(operator):
    response = operator.get("/api/v1/partners")
    assert response.status_code == 200
    listed = {p["code"]: p for p in response.get_json()}
    assert len(listed) == 9
    assert listed["FWA"]["in_force"]["code"] == "FWA-2024" and listed["FWA"]["lapse"] is None
    assert listed["MM"]["in_force"]["comuni"] == ["015146"]


def test_a_coordinator_edits_suspends_and_resumes_through_the_api(coordinator):
    response = coordinator.put(
        FWA, json={"expected_version": 1, "changes": {"response_days": 5, "valid_to": None}}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2
    stale = coordinator.put(FWA, json={"expected_version": 1, "changes": {"response_days": 6}})
    assert stale.status_code == 412  # the gateway's answer to a stale version
    assert stale.mimetype == "application/problem+json"
    assert stale.get_json()["code"] == "convention_version_conflict"
    bad = coordinator.put(FWA, json={"expected_version": 2, "changes": {"services": ["yoga"]}})
    assert bad.status_code == 422 and bad.get_json()["code"] == "convention_invalid"
    status = f"{FWA}/status"
    empty = coordinator.put(
        status, json={"expected_version": 2, "status": "sospesa", "reason": " "}
    )
    assert empty.status_code == 422
    suspended = coordinator.put(
        status, json={"expected_version": 2, "status": "sospesa", "reason": "Atto in revisione"}
    )
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "sospesa"
    fwa = coordinator.get("/api/v1/partners/fwa").get_json()
    assert fwa["in_force"] is None
    assert fwa["lapse"]["code"] == "convention_suspended"
    versions = fwa["conventions"][0]["versions"]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[2]["recorded_by"] == "operator:coordinamento"
    assert {"column": "status", "before": "attiva", "after": "sospesa"} in versions[2]["changes"]
    again = coordinator.put(
        status, json={"expected_version": 3, "status": "sospesa", "reason": "Di nuovo"}
    )
    assert again.status_code == 409 and again.get_json()["code"] == "convention_status_conflict"
    resumed = coordinator.put(
        status, json={"expected_version": 3, "status": "attiva", "reason": "Atto rinnovato"}
    )
    assert resumed.status_code == 200 and resumed.get_json()["version"] == 4


def test_an_operator_reads_but_may_not_edit_and_a_comune_system_sees_nothing(operator, client):
    assert operator.get("/api/v1/partners/AFOL").status_code == 200
    refused = operator.put(
        "/api/v1/partners/AFOL/conventions/AFOL-2024",
        json={"expected_version": 1, "changes": {"response_days": 5}},
    )
    assert refused.status_code == 403 and refused.get_json()["code"] == "partner_forbidden"
    assert operator.get("/api/v1/partners/NOSUCH").status_code == 404
    token = get_token(client)
    assert client.get("/api/v1/partners", headers=bearer(token)).status_code == 404


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/partners"] and "get" in paths["/api/v1/partners/{partner_code}"]
    convention = "/api/v1/partners/{partner_code}/conventions/{convention_code}"
    assert "put" in paths[convention]
    assert "put" in paths[f"{convention}/status"]
    responses = paths[f"{convention}/status"]["put"]["responses"]
    assert {"200", "403", "409", "412"} <= set(responses)


def test_the_partner_list_says_what_each_partner_offers_and_covers(operator):
    page = operator.get("/partner")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="nav-partner"' in html
    assert "Fondazione Welfare Ambrosiano" in html and "Microcredito" in html
    mm = html[html.index('id="partner-mm"') :]
    assert "<td>Milano</td>" in mm[: mm.index("</tr>")]  # MM covers Milano only, by name
    assert "Tutti i comuni dell'agenzia" in html
    assert "10 giorni" in html and "Coda AMQP dedicata" in html


def test_an_operator_sees_the_convention_and_its_history_but_no_form(operator):
    html = operator.get("/partner/AFOL").get_data(as_text=True)
    assert "Accordo tra amministrazioni (art. 15 L. 241/1990)" in html
    assert "Numero di componenti del nucleo" in html  # the fields in words
    assert "fissare il colloquio di orientamento al lavoro" in html  # the purpose
    assert "Prima versione" in html and 'href="/partner/AFOL/consegne"' in html
    assert 'id="edit-form-AFOL-2024"' not in html and 'id="status-form-AFOL-2024"' not in html


def test_a_coordinator_suspends_with_a_reason_and_the_list_says_so(coordinator):
    page = "/partner/CAF"
    assert 'id="status-form-CAF-2024"' in coordinator.get(page).get_data(as_text=True)
    empty = post_form(
        coordinator,
        "/partner/CAF/convenzioni/CAF-2024/stato",
        {"expected_version": "1", "status": "sospesa", "reason": ""},
        page=page,
    )
    assert empty.status_code == 422 and "Indica il motivo." in empty.get_data(as_text=True)
    done = post_form(
        coordinator,
        "/partner/CAF/convenzioni/CAF-2024/stato",
        {
            "expected_version": "1",
            "status": "sospesa",
            "reason": "Verifica del trattamento dei dati",
        },
        page=page,
    )
    assert done.status_code == 302
    listed = coordinator.get("/partner").get_data(as_text=True)
    assert (
        "Convenzione sospesa (Verifica del trattamento dei dati): nessun dato viene inviato."
        in listed
    )
    detail = coordinator.get(page).get_data(as_text=True)
    assert "Riprendi la convenzione" in detail
    assert re.search(r"<strong>Stato</strong>: Attiva → Sospesa", detail)
    assert "Coordinatrice" in detail  # who, by name


def test_a_coordinator_edits_a_convention_and_a_stale_form_is_refused(coordinator):
    page = "/partner/AFOL"
    form = {
        "expected_version": "1",
        "title": "Orientamento al lavoro e formazione",
        "kind": "accordo_art15",
        "reference": "Accordo n. 12/2024",
        "valid_from": "2024-01-01",
        "valid_to": "31/12/2027",
        "response_days": "15",
        "comuni": "015195, 015192",
        "services": ["orientamento_lavoro", "formazione"],
        "channels": ["amqp"],
        "grant-intake-case_opened-v1-granted": "1",
        "grant-intake-case_opened-v1-fields": ["household_ref", "status"],
        "grant-intake-case_opened-v1-purpose": "sapere che il nucleo è in carico",
    }
    done = post_form(coordinator, "/partner/AFOL/convenzioni/AFOL-2024/modifica", form, page=page)
    assert done.status_code == 302, done.get_data(as_text=True)
    detail = coordinator.get(page).get_data(as_text=True)
    assert "Valida fino al</strong>: — → 31/12/2027" in detail
    assert "San Giuliano Milanese" in detail
    stale = post_form(coordinator, "/partner/AFOL/convenzioni/AFOL-2024/modifica", form, page=page)
    assert stale.status_code == 412
    assert "ricarica la pagina" in stale.get_data(as_text=True)
    wrong = dict(form, expected_version="2", valid_to="2023-01-01", comuni="15195")
    refused = post_form(
        coordinator, "/partner/AFOL/convenzioni/AFOL-2024/modifica", wrong, page=page
    )
    assert refused.status_code == 422
    assert "Non sono codici ISTAT" in refused.get_data(as_text=True)
