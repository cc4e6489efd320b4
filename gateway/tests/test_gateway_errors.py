"""problem+json everywhere under /api, and one table from remote exception names to statuses."""
from __future__ import annotations

import json

import pytest

from abitare_gateway.errors import field_errors_from_message, status_for_remote
from abitare_gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable

from gateway_helpers import referral_payload

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["type"] and body["title"]
    assert body["instance"] == response.request.path
    return body


@pytest.mark.parametrize("exc_type, status", [
    ("ActorRejected", 401),
    ("ReferralNotFound", 404),
    ("FundsFileNotFound", 404),
    ("HousingNeedNotFound", 404),
    ("NotFound", 404),
    ("ReferralForbidden", 403),
    ("StaleVersionConflict", 409),
    ("InvalidInput", 422),
    ("HouseholdInvalid", 422),
    ("ZeroDivisionError", 502),
    ("MethodNotFound", 502),
])
def test_remote_error_table(exc_type, status):
    assert status_for_remote(exc_type) == status


@pytest.mark.parametrize("exc_type, status", [
    ("ActorRejected", 401), ("ReferralNotFound", 404), ("ReferralForbidden", 403),
    ("ReferralConflict", 409), ("KeyError", 502)])
def test_remote_errors_become_problems(client, fake, sgm_headers, exc_type, status):
    fake.remote_error("intake", "get_referral", exc_type, "internal detail")
    body = assert_problem(client.get("/api/v1/referrals/r1", headers=sgm_headers), status)
    if status == 502:
        assert "internal detail" not in json.dumps(body)   # no leak of unexpected errors


def test_invalid_input_becomes_422_with_field_errors(client, fake, sgm_headers):
    errors = {"household": ["Exactly one member must have relation 'intestatario' (found 0)."],
              "household.1.codice_fiscale": ["Duplicate codice fiscale in the household."]}
    fake.remote_error("intake", "submit_referral", "InvalidInput", json.dumps(errors))
    body = assert_problem(client.post("/api/v1/referrals", json=referral_payload(),
                                      headers=sgm_headers), 422)
    assert body["errors"] == errors


def test_invalid_input_messages_are_parsed_nested_or_plain():
    assert field_errors_from_message(json.dumps({"household": {"0": {"codice_fiscale": ["x"]}}})) \
        == {"household.0.codice_fiscale": ["x"]}
    assert field_errors_from_message("not json") == {"_schema": ["not json"]}


def test_gateway_validation_is_422_with_field_paths(client, sgm_headers):
    payload = referral_payload()
    payload["household"][0]["codice_fiscale"] = "RSSMRA80A01F205Y"   # wrong check character
    payload["monthly_rent_cents"] = 12.5
    body = assert_problem(client.post("/api/v1/referrals", json=payload, headers=sgm_headers),
                          422)
    assert set(body["errors"]) == {"household.0.codice_fiscale", "monthly_rent_cents"}


def test_unknown_fields_are_refused(client, sgm_headers):
    body = assert_problem(client.post("/api/v1/referrals",
                                      json=referral_payload(is_admin=True), headers=sgm_headers),
                          422)
    assert "is_admin" in body["errors"]


def test_malformed_json_is_400(client, sgm_headers):
    response = client.post("/api/v1/referrals", data='{"comune_istat": ',
                           headers=sgm_headers | {"Content-Type": "application/json"})
    assert_problem(response, 400)


def test_wrong_content_type_is_415(client, sgm_headers):
    response = client.post("/api/v1/referrals", data="comune_istat=015195",
                           headers=sgm_headers | {"Content-Type": "text/plain"})
    assert_problem(response, 415)
    response = client.post("/api/v1/referrals", data={"comune_istat": "015195"},
                           headers=sgm_headers)
    assert_problem(response, 415)


def test_unknown_api_route_is_404_problem(client, sgm_headers):
    assert_problem(client.get("/api/v1/nothing-here", headers=sgm_headers), 404)
    assert_problem(client.get("/api/v2/referrals"), 404)


def test_wrong_method_is_405_problem_with_allow(client, sgm_headers):
    response = client.delete("/api/v1/referrals", headers=sgm_headers)
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_service_unavailable_is_503_and_timeout_is_504(client, fake, sgm_headers):
    fake.fail("intake", "list_referrals", ServiceUnavailable("intake", "service not running"))
    response = client.get("/api/v1/referrals", headers=sgm_headers)
    assert_problem(response, 503)
    assert response.headers["Retry-After"]
    fake.fail("intake", "list_referrals", ServiceTimeout("intake", "no answer within 5s"))
    assert_problem(client.get("/api/v1/referrals", headers=sgm_headers), 504)


def test_unexpected_exception_is_500_problem(client, fake, sgm_headers):
    fake.on("intake", "list_referrals", lambda *a, **k: 1 / 0)
    body = assert_problem(client.get("/api/v1/referrals", headers=sgm_headers), 500)
    assert "ZeroDivision" not in json.dumps(body)


def test_web_errors_are_italian_pages(client):
    response = client.get("/pagina-che-non-esiste", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Pagina non trovata" in response.get_data(as_text=True)


def test_remote_error_keeps_the_exception_name():
    error = RemoteError("intake", "ReferralNotFound", "no r1")
    assert (error.service, error.exc_type, error.message) == ("intake", "ReferralNotFound",
                                                              "no r1")
