"""/api/v1/cases/<id>/funds/guarantee and the exposure, with the real funds service in process
(its migrated SQLite database, a funds file opened as the referral event would) behind the
gateway's real RPC client: enrol, claim, pay, plan, marks; refusals as problem details."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from gateway_doubles import InProcessIntake
from gateway_helpers import SGM, csrf_from, login, referral_payload

from abitare_chassis import migrate
from abitare_chassis.actor import Actor
from funds.service import FundsService
from funds.usecases import files

CASE = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"
BASE = f"/api/v1/cases/{CASE}/funds/guarantee"
CONTRACT = {
    "landlord_name": "Mario Rossi",
    "dwelling_address": "Via Roma 1, San Giuliano Milanese",
    "monthly_rent_cents": 60_000,
    "start_date": "2026-03-01",
    "duration_months": 36,
    "attestazione": True,
    "gross_annual_income_cents": 2_800_000,
}
CLAIM = {
    "arrears_from": "2026-09-01",
    "dwelling_recovered_on": "2027-06-30",
    "filed_on": "2027-07-10",
    "unpaid_rent_cents": 600_000,
    "legal_costs_cents": 150_000,
    "recovered_cents": 50_000,
    "deposit_kept_cents": 120_000,
    "documents": [
        "contratto_registrato",
        "prospetto_morosita",
        "verbale_rilascio",
        "fattura_legale_quietanzata",
    ],
}


class InProcessFunds(InProcessIntake):
    service_cls = FundsService

    def create_tables(self):
        migrate.upgrade(FundsService.migrations_dir, self.db.url)


@pytest.fixture
def funds(tmp_path, fake):
    service = InProcessFunds(tmp_path / "funds.db")
    service.install(fake)
    referral = {
        "referral_id": CASE,
        "comune_istat": SGM,
        "received_at": None,
        "household": {"size": 2},
        "economics": {},
    }
    handler = service.db.for_handler("funds.handle_intake_referral_received")
    files.open_funds_file(handler, referral, SimpleNamespace(id="e1", correlationid="e1"))
    yield service
    service.close()


@pytest.fixture
def operator(client, funds):
    assert login(client, "agenzia", "agenzia-pw").status_code == 302
    return client


@pytest.fixture
def coordinator(app, funds):
    client = app.test_client()
    assert login(client, "coordinamento", "coord-pw").status_code == 302
    return client


def test_an_operator_enrols_and_files_a_coordinator_pays_and_sets_the_plan(operator, coordinator):
    enrolled = operator.post(f"{BASE}/covers", json=CONTRACT, headers={"Idempotency-Key": "k1"})
    assert enrolled.status_code == 201, enrolled.get_json()
    cover = enrolled.get_json()
    assert cover["cover_cap_cents"] == 1_080_000 and cover["to_verify"] is True
    again = operator.post(f"{BASE}/covers", json=CONTRACT, headers={"Idempotency-Key": "k1"})
    assert again.get_json()["id"] == cover["id"]

    filed = operator.post(f"{BASE}/covers/{cover['id']}/claims", json=CLAIM)
    assert filed.status_code == 201, filed.get_json()
    claim = filed.get_json()
    assert claim["payable_cents"] == 580_000 and claim["status"] == "filed"

    refused = operator.post(f"{BASE}/claims/{claim['id']}/payment", json={})
    assert refused.status_code == 403 and refused.get_json()["code"] == "funds_forbidden"
    paid = coordinator.post(f"{BASE}/claims/{claim['id']}/payment", json={"paid_on": "2027-07-20"})
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid"
    twice = coordinator.post(f"{BASE}/claims/{claim['id']}/payment", json={})
    assert twice.status_code == 409 and twice.get_json()["code"] == "guarantee_claim_not_payable"

    short = coordinator.post(
        f"{BASE}/claims/{claim['id']}/repayment-plan",
        json={"months": 6, "first_due_on": "2027-09-01"},
    )
    assert short.status_code == 422
    assert short.get_json()["errors"]["months"][0]["code"] == "repayment_plan_too_short"
    assert "12" in short.get_json()["errors"]["months"][0]["message"]
    plan = coordinator.post(
        f"{BASE}/claims/{claim['id']}/repayment-plan",
        json={"months": 12, "first_due_on": "2027-09-01"},
    )
    assert plan.status_code == 201 and len(plan.get_json()["instalments"]) == 12
    marked = coordinator.put(f"{BASE}/claims/{claim['id']}/instalments/1", json={"status": "paid"})
    assert marked.status_code == 200
    assert marked.get_json()["instalments"][0]["status"] == "paid"

    read = operator.get(BASE)
    assert read.status_code == 200
    assert read.get_json()["covers"][0]["remaining_cents"] == 500_000
    exposure = coordinator.get("/api/v1/funds/guarantee/exposure?on=2027-12-01")
    assert exposure.get_json() == {
        "on": "2027-12-01",
        "active_covers": 1,
        "exposure_cents": 500_000,
    }
    assert operator.get("/api/v1/funds/guarantee/exposure").status_code == 403


def test_a_refused_contract_is_a_problem_with_the_reasons_and_nothing_is_stored(operator):
    refused = operator.post(f"{BASE}/covers", json={**CONTRACT, "monthly_rent_cents": 75_000})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["code"] == "guarantee_entry_condition_not_met"
    assert "32,14%" in body["details"]["reasons"][0]
    assert operator.get(BASE).get_json()["covers"] == []
    bad = operator.post(f"{BASE}/covers", json={**CONTRACT, "monthly_rent_cents": "tanti"})
    assert bad.status_code == 422 and "monthly_rent_cents" in bad.get_json()["errors"]


def test_a_claim_without_recovery_and_documents_is_refused_field_by_field(operator):
    cover = operator.post(f"{BASE}/covers", json=CONTRACT).get_json()
    response = operator.post(
        f"{BASE}/covers/{cover['id']}/claims",
        json={**CLAIM, "dwelling_recovered_on": None, "documents": ["contratto_registrato"]},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["dwelling_recovered_on"][0]["code"] == "dwelling_not_recovered"
    assert errors["documents"][0]["code"] == "documents_missing"
    assert operator.get(BASE).get_json()["covers"][0]["claims"] == []


def test_a_case_of_another_comune_and_a_comune_system_see_nothing(app, funds, sgm_headers):
    assert app.test_client().get(BASE, headers=sgm_headers).status_code == 404
    other = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    client = app.test_client()
    login(client, "agenzia", "agenzia-pw")
    response = client.get(f"/api/v1/cases/{other}/funds/guarantee")
    assert response.status_code == 404 and response.get_json()["code"] == "funds_file_not_found"


def test_the_openapi_document_has_the_guarantee_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/cases/{case_id}/funds/guarantee/covers"]
    assert "/api/v1/funds/guarantee/exposure" in paths
    assert (
        "put"
        in paths["/api/v1/cases/{case_id}/funds/guarantee/claims/{claim_id}/instalments/{number}"]
    )


# -- the web section (web/case_guarantee_views.py, funds/_guarantee.html) --------------------
AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM,))


@pytest.fixture
def case_id(intake, funds):
    """A case of intake with its funds file open."""
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    referral = {
        "referral_id": case,
        "comune_istat": SGM,
        "received_at": None,
        "household": {},
        "economics": {},
    }
    handler = funds.db.for_handler("funds.handle_intake_referral_received")
    files.open_funds_file(handler, referral, SimpleNamespace(id="e2", correlationid="e2"))
    return case


def web_form(client, url, data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


ENROL_FORM = {
    "form": "enrol",
    "landlord_name": "Mario Rossi",
    "dwelling_address": "Via Roma 1",
    "monthly_rent_cents": "600,00",
    "start_date": "01/03/2026",
    "duration_months": "36",
    "attestazione": "si",
    "gross_annual_income_cents": "28.000,00",
}


def test_the_section_enrols_refuses_with_reasons_files_and_pays(operator, coordinator, case_id):
    url = f"/schede/{case_id}/fondi/garanzia"
    page = operator.get(url)
    assert page.status_code == 200
    assert "Nessun contratto iscritto al fondo." in page.get_data(as_text=True)

    refused = web_form(operator, url, {**ENROL_FORM, "monthly_rent_cents": "750,00"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "32,14%" in html and "supera il 30,00%" in html

    enrolled = web_form(operator, url, ENROL_FORM)
    assert enrolled.status_code == 302, enrolled.get_data(as_text=True)
    html = operator.get(url).get_data(as_text=True)
    assert "Mario Rossi" in html and "10.800,00" in html and "claim-form" in html
    assert "Paga la richiesta" not in html
    cover_id = html.split('id="cover-', 1)[1].split('"', 1)[0]

    claim_form = {
        "form": "claim",
        "cover_id": cover_id,
        "arrears_from": "01/09/2026",
        "dwelling_recovered_on": "30/06/2027",
        "filed_on": "10/07/2027",
        "unpaid_rent_cents": "6.000,00",
        "legal_costs_cents": "1.500,00",
        "recovered_cents": "500,00",
        "deposit_kept_cents": "1.200,00",
    }
    missing = web_form(operator, url, claim_form)  # no documents
    assert missing.status_code == 422
    assert "Mancano documenti obbligatori" in missing.get_data(as_text=True)
    token = csrf_from(operator.get(url).get_data(as_text=True))
    filed = operator.post(
        url,
        data={
            "csrf_token": token,
            **claim_form,
            "documents": [
                "contratto_registrato",
                "prospetto_morosita",
                "verbale_rilascio",
                "fattura_legale_quietanzata",
            ],
        },
    )
    assert filed.status_code == 302, filed.get_data(as_text=True)
    html = coordinator.get(url).get_data(as_text=True)
    assert "5.800,00" in html and "Paga la richiesta" in html
    claim_id = html.split('id="pay-', 1)[1].split('"', 1)[0]
    paid = web_form(coordinator, url, {"form": "pay", "claim_id": claim_id})
    assert paid.status_code == 302
    plan = web_form(
        coordinator,
        url,
        {
            "form": "plan",
            "claim_id": claim_id,
            f"months-{claim_id}": "6",
            f"first_due_on-{claim_id}": "01/09/2027",
        },
    )
    assert plan.status_code == 422 and "almeno 12 mesi" in plan.get_data(as_text=True)
    plan = web_form(
        coordinator,
        url,
        {
            "form": "plan",
            "claim_id": claim_id,
            f"months-{claim_id}": "12",
            f"first_due_on-{claim_id}": "01/09/2027",
        },
    )
    assert plan.status_code == 302
    assert coordinator.get(url).get_data(as_text=True).count('data-status="due"') == 12
