"""The case's consents and partner referrals through the gateway, against the real partners
service and the real intake (in process, no broker): a withdrawal names the case in its URL
(API ``/api/v1/cases/{id}/consents/.../withdrawal``, ``/partner-referrals/.../withdrawal``, and
the "Invii ai partner" tab's forms), and a record of another case of the same comune is 404
with nothing changed."""

from __future__ import annotations

import pytest
from gateway_helpers import SAN_DONATO, SGM, csrf_from, login, referral_payload

from abitare_chassis.actor import Actor
from abitare_gateway import agency_time

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))


@pytest.fixture
def operator(client, partners):
    assert login(client).status_code == 302
    return client


@pytest.fixture
def cases(intake, partners):
    """Two cases of the same comune; the second has a consent and a referral to FWA."""
    mine = intake.submit_referral(AGENCY, referral_payload())["id"]
    other = intake.submit_referral(AGENCY, referral_payload())["id"]
    referral = partners.send(other, SGM, "FWA", "microcredito")
    [consent] = partners.list_consents(AGENCY, other)
    return {"mine": mine, "other": other, "referral": referral, "consent": consent["id"]}


def state_of(partners, case_id: str) -> tuple:
    [consent] = partners.list_consents(AGENCY, case_id)
    [referral] = partners.list_partner_referrals(AGENCY, case_id)
    return consent["withdrawn_on"], referral["state"], len(referral["steps"])


def test_the_api_refuses_to_withdraw_another_cases_consent_or_referral(operator, partners, cases):
    mine, other = cases["mine"], cases["other"]
    consent_url = f"/api/v1/cases/{{}}/consents/{cases['consent']}/withdrawal"
    referral_url = f"/api/v1/cases/{{}}/partner-referrals/{cases['referral']}/withdrawal"
    today = agency_time.today().isoformat()
    consent_body = {"withdrawn_by": "Maria Rossi", "withdrawn_on": today}
    before = state_of(partners, other)
    assert before == (None, "inviato", 1)

    wrong = operator.post(consent_url.format(mine), json=consent_body)
    assert wrong.status_code == 404, wrong.get_data(as_text=True)
    assert wrong.get_json()["code"] == "consent_not_found"
    wrong = operator.post(referral_url.format(mine), json={"reason": "per errore"})
    assert wrong.status_code == 404, wrong.get_data(as_text=True)
    assert wrong.get_json()["code"] == "partner_referral_not_found"
    assert state_of(partners, other) == before

    # through its own case both go
    right = operator.post(referral_url.format(other), json={"reason": "rinuncia"})
    assert right.status_code == 200 and right.get_json()["state"] == "ritirato"
    right = operator.post(consent_url.format(other), json=consent_body)
    assert right.status_code == 200 and right.get_json()["withdrawn_on"] == today


def test_the_case_tab_refuses_to_withdraw_another_cases_consent_or_referral(
    operator, partners, cases
):
    mine, other, referral, consent = (
        cases["mine"],
        cases["other"],
        cases["referral"],
        cases["consent"],
    )
    before = state_of(partners, other)
    token = csrf_from(operator.get(f"/schede/{mine}/partner").get_data(as_text=True))
    forms = (
        {"form": "withdraw-referral", "partner_referral_id": referral, f"reason-{referral}": "x"},
        {"form": "withdraw-consent", "consent_id": consent, f"withdrawn_by-{consent}": "Maria"},
    )
    for form in forms:
        response = operator.post(f"/schede/{mine}/partner", data={"csrf_token": token, **form})
        assert response.status_code == 404, form
    assert state_of(partners, other) == before

    for form in forms:  # on the record's own tab
        response = operator.post(f"/schede/{other}/partner", data={"csrf_token": token, **form})
        assert response.status_code == 302, response.get_data(as_text=True)
    withdrawn_on, state, steps = state_of(partners, other)
    assert withdrawn_on is not None and (state, steps) == ("ritirato", 2)
