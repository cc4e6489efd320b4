"""``POST /api/v1/partner/lender-status`` and ``GET /api/v1/partner/loans/{loan_ref}`` through
the gateway, against the real partners service (in process, no broker): FWA's system reports,
every bad report is a coded problem+json that changes nothing, nobody else reports."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from gateway_helpers import MILANO, SAN_DONATO, SGM, bearer, get_token, login

from abitare_gateway import agency_time

PROBLEM = "application/problem+json"
TODAY = agency_time.today()


def day(offset: int) -> str:
    return (TODAY - timedelta(days=offset)).isoformat()


@pytest.fixture
def fwa(app, partners):
    store = app.extensions["abitare_identity"]
    for code in ("FWA", "AFOL"):
        store.save_client(
            f"partner-{code.lower()}",
            f"secret-{code.lower()}",
            f"Sistema {code}",
            [SGM, SAN_DONATO, MILANO],
            partner_code=code,
        )
    client = app.test_client()
    client.referral = partners.send(str(uuid.uuid4()), SGM, "FWA", "microcredito")
    token = get_token(client, "partner-fwa", "secret-fwa")
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def status(status_id, status_name, offset, **values) -> dict:
    return {
        "status_id": status_id,
        "loan_ref": "FWA-MC-0042",
        "partner_referral_id": "pr-7f3a",
        "product": "microcredito",
        "status": status_name,
        "occurred_on": day(offset),
        **values,
    }


APPROVED = status(
    "st-1",
    "approved",
    20,
    amount_cents=500_000,
    instalments=24,
    instalment_cents=22_000,
    first_due_on=day(0),
)


def post(client, body, **kwargs):
    """POST a report for the household the fixture sent to FWA."""
    body = {**body, "partner_referral_id": client.referral}
    return client.post("/api/v1/partner/lender-status", json=body, **kwargs)


def history(client) -> list[str]:
    response = client.get("/api/v1/partner/loans/FWA-MC-0042")
    if response.status_code == 404:
        return []
    return [h["status_id"] for h in response.get_json()["history"]]


def test_fwa_reports_a_loan_and_reads_its_history(fwa):
    created = post(fwa, APPROVED)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["state"] == "approved"
    retried = post(fwa, APPROVED)
    assert retried.status_code == 200 and "replayed" not in retried.get_json()
    assert post(fwa, status("st-2", "disbursed", 10)).status_code == 201
    paid = post(fwa, status("st-3", "instalment_paid", 0, instalment_number=1))
    assert paid.status_code == 201
    loan = paid.get_json()
    assert (loan["state"], loan["repaid_cents"], loan["paid_instalments"]) == (
        "disbursed",
        22_000,
        [1],
    )
    assert history(fwa) == ["st-1", "st-2", "st-3"]


@pytest.mark.parametrize(
    "body, http, code",
    [
        (status("x", "disbursed", 1), 404, "loan_not_found"),  # unknown loan
        ({**APPROVED, "amount_cents": -500}, 422, None),  # negative amount: the shape
        ({**APPROVED, "amount_cents": 100_000}, 422, "lender_status_invalid"),  # below € 2.000
        ({**APPROVED, "status": "mortgaged"}, 422, None),
        ({**APPROVED, "occurred_on": day(-1)}, 422, "lender_status_invalid"),  # tomorrow
    ],
)
def test_a_bad_first_report_is_a_coded_problem_and_stores_nothing(fwa, body, http, code):
    response = post(fwa, body)
    assert response.status_code == http, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    if code:
        assert problem["code"] == code
    if http == 422:
        assert problem["errors"]
    assert history(fwa) == []


def test_an_instalment_after_repayment_and_a_status_out_of_turn_change_nothing(fwa):
    for body in (APPROVED, status("st-2", "disbursed", 10), status("st-3", "repaid", 5)):
        assert post(fwa, body).status_code == 201
    late = post(fwa, status("st-4", "instalment_paid", 0, instalment_number=2))
    assert late.status_code == 409 and late.get_json()["code"] == "loan_closed"
    assert (
        "chius"
        in post(
            fwa,
            status("st-4", "instalment_paid", 0, instalment_number=2),
            headers={"Accept-Language": "it"},
        ).get_json()["detail"]
    )
    again = post(fwa, status("st-5", "approved", 0))
    assert again.status_code in (409, 422)
    assert history(fwa) == ["st-1", "st-2", "st-3"]


def test_a_status_not_valid_from_the_current_state(fwa):
    assert post(fwa, APPROVED).status_code == 201
    response = post(fwa, status("st-2", "instalment_missed", 1, instalment_number=1))
    assert response.status_code == 409
    assert response.get_json()["code"] == "lender_status_not_allowed"
    assert history(fwa) == ["st-1"]


def test_a_partner_without_lending_in_its_convention_cannot_report(app, fwa):
    afol = app.test_client()
    headers = bearer(get_token(afol, "partner-afol", "secret-afol"))
    afol.referral = fwa.referral
    response = post(afol, APPROVED, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["code"] == "lending_not_in_convention"
    # and it never sees FWA's loans
    assert post(fwa, APPROVED).status_code == 201
    other = afol.get("/api/v1/partner/loans/FWA-MC-0042", headers=headers)
    assert other.status_code == 404 and other.get_json()["code"] == "loan_not_found"


def test_fwas_token_reads_no_case_and_municipal_clients_and_operators_cannot_report(app, fwa):
    for path in ("/api/v1/referrals", "/api/v1/cases/x1", "/api/v1/worklist", "/api/v1/comuni"):
        assert fwa.get(path).status_code == 404
    municipal = app.test_client()
    headers = bearer(get_token(municipal))
    refused = municipal.post("/api/v1/partner/lender-status", json=APPROVED, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["code"] == "partner_clients_only"
    operator = app.test_client()
    assert login(operator, "coordinamento", "coord-pw").status_code == 302
    assert operator.post("/api/v1/partner/lender-status", json=APPROVED).status_code == 403
    assert operator.get("/api/v1/partner/loans/FWA-MC-0042").status_code == 403
    assert history(fwa) == []


def test_a_loan_for_a_referral_fwa_never_received_is_not_found(fwa, partners):
    afol_referral = partners.send(str(uuid.uuid4()), SGM, "AFOL", "orientamento_lavoro")
    for referral in ("pr-unknown", afol_referral):
        body = {**APPROVED, "partner_referral_id": referral}
        response = fwa.post("/api/v1/partner/lender-status", json=body)
        assert response.status_code == 404, response.get_data(as_text=True)
        assert response.get_json()["code"] == "partner_referral_not_found"
    assert history(fwa) == []
