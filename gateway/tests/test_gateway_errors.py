"""problem+json everywhere under /api; the status from a remote error's kind, its words from
its code (``error_texts``), English unless the client asks for Italian."""

from __future__ import annotations

import json

import pytest
from gateway_helpers import referral_payload

from abitare_chassis.errors import encode
from abitare_gateway import error_texts
from abitare_gateway.errors import KIND_STATUS, field_errors, status_for_remote
from abitare_gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["type"] and body["title"]
    assert body["instance"] == response.request.path
    return body


def coded(exc_type, code, kind, message="internal detail", **details) -> RemoteError:
    return RemoteError("intake", exc_type, encode(code, kind, message, details))


@pytest.mark.parametrize(
    "kind, status",
    [
        ("actor_rejected", 401),
        ("not_found", 404),
        ("forbidden", 403),
        ("conflict", 409),
        ("stale_version", 412),
        ("invalid", 422),
        ("something_new", 502),
    ],
)
def test_status_comes_from_the_kind_not_the_class_name(kind, status):
    assert status_for_remote(coded("WhateverNameConflict", "x", kind)) == status


@pytest.mark.parametrize(
    "exc_type, message",
    [
        ("ZeroDivisionError", "division by zero"),
        ("MethodNotFound", "count_files"),
        ("ReferralNotFound", "referral r1 not found"),  # a name alone is not enough
        ("KeyError", json.dumps({"code": "x"})),
    ],
)
def test_uncoded_remote_errors_are_502(exc_type, message):
    assert status_for_remote(RemoteError("intake", exc_type, message)) == 502


@pytest.mark.parametrize(
    "exc_type, code, kind, status",
    [
        ("ActorRejected", "actor_rejected", "actor_rejected", 401),
        ("ReferralNotFound", "referral_not_found", "not_found", 404),
        ("ReferralForbidden", "referral_forbidden", "forbidden", 403),
        ("CaseConflict", "case_conflict", "conflict", 409),
    ],
)
def test_remote_errors_become_problems_with_their_code(
    client, fake, sgm_headers, exc_type, code, kind, status
):
    fake.remote_error("intake", "get_referral", exc_type, encode(code, kind, "internal detail"))
    body = assert_problem(client.get("/api/v1/referrals/r1", headers=sgm_headers), status)
    assert body["code"] == code
    assert "internal detail" not in json.dumps(body)  # the English log message stays in logs


def test_unexpected_remote_error_is_502_without_leak(client, fake, sgm_headers):
    fake.remote_error("intake", "get_referral", "KeyError", "internal detail")
    body = assert_problem(client.get("/api/v1/referrals/r1", headers=sgm_headers), 502)
    assert "internal detail" not in json.dumps(body) and "code" not in body


def test_detail_and_details_come_from_the_code_in_english_or_italian(client, fake, sgm_headers):
    fake.remote_error(
        "intake",
        "submit_referral",
        "ReferralForbidden",
        encode(
            "referral_forbidden",
            "forbidden",
            "comune 015146 is outside",
            {"comune_istat": "015146"},
        ),
    )
    body = assert_problem(
        client.post("/api/v1/referrals", json=referral_payload(), headers=sgm_headers), 403
    )
    assert body["detail"] == "You may not submit referrals for comune 015146."
    assert body["details"] == {"comune_istat": "015146"}
    italian = assert_problem(
        client.post(
            "/api/v1/referrals",
            json=referral_payload(),
            headers=sgm_headers | {"Accept-Language": "it-IT,it"},
        ),
        403,
    )
    assert italian["detail"] == "Non puoi inviare schede per il comune 015146."


def test_invalid_input_becomes_422_with_coded_field_errors(client, fake, sgm_headers):
    fields = {
        "household": [{"code": "household_head_count", "relation": "intestatario", "found": 0}],
        "household.1.codice_fiscale": [{"code": "codice_fiscale_duplicate"}],
        "page_size": [{"code": "range", "min": 1, "max": 200}],
    }
    fake.remote_error(
        "intake",
        "submit_referral",
        "InvalidInput",
        encode("invalid_input", "invalid", "invalid input", {"fields": fields}),
    )
    body = assert_problem(
        client.post("/api/v1/referrals", json=referral_payload(), headers=sgm_headers), 422
    )
    assert body["code"] == "invalid_input" and "details" not in body
    assert body["errors"] == {
        "household": [
            {
                "code": "household_head_count",
                "relation": "intestatario",
                "found": 0,
                "message": "Exactly one member must have relation 'intestatario' (found 0).",
            }
        ],
        "household.1.codice_fiscale": [
            {
                "code": "codice_fiscale_duplicate",
                "message": "Duplicate codice fiscale in the household.",
            }
        ],
        "page_size": [
            {"code": "range", "min": 1, "max": 200, "message": "Must be between 1 and 200."}
        ],
    }


def test_field_errors_of_a_remote_error_nested_or_plain():
    nested = coded(
        "InvalidInput",
        "invalid_input",
        "invalid",
        fields={"household": {"0": {"codice_fiscale": [{"code": "x"}]}}},
    )
    assert field_errors(nested) == {"household.0.codice_fiscale": [{"code": "x"}]}
    plain = coded("InvalidInput", "invalid_input", "invalid", fields={"a": ["free text"]})
    assert field_errors(plain) == {"a": [{"code": "invalid", "message": "free text"}]}
    assert field_errors(coded("ReferralNotFound", "referral_not_found", "not_found")) == {}


def test_every_kind_and_chassis_code_has_words():
    from abitare_chassis.schemas import FIELD_CODES, VALIDATOR_CODES

    for code in (
        {*KIND_STATUS, "invalid_input", "error"} - {"invalid"} | FIELD_CODES | VALIDATOR_CODES
    ):
        assert error_texts.has_text(code), code
    for params in ({"min": 1}, {"max": 2}, {"min": 1, "max": 2}):
        assert "?" not in error_texts.text("range", params, "en")
        assert "?" not in error_texts.text("length", params, "it")


def test_gateway_validation_is_422_with_field_paths(client, sgm_headers):
    payload = referral_payload()
    payload["household"][0]["codice_fiscale"] = "RSSMRA80A01F205Y"  # wrong check character
    payload["monthly_rent_cents"] = 12.5
    body = assert_problem(client.post("/api/v1/referrals", json=payload, headers=sgm_headers), 422)
    assert set(body["errors"]) == {"household.0.codice_fiscale", "monthly_rent_cents"}


def test_unknown_fields_are_refused(client, sgm_headers):
    body = assert_problem(
        client.post("/api/v1/referrals", json=referral_payload(is_admin=True), headers=sgm_headers),
        422,
    )
    assert "is_admin" in body["errors"]


def test_malformed_json_is_400(client, sgm_headers):
    response = client.post(
        "/api/v1/referrals",
        data='{"comune_istat": ',
        headers=sgm_headers | {"Content-Type": "application/json"},
    )
    assert_problem(response, 400)


def test_wrong_content_type_is_415(client, sgm_headers):
    response = client.post(
        "/api/v1/referrals",
        data="comune_istat=015195",
        headers=sgm_headers | {"Content-Type": "text/plain"},
    )
    assert_problem(response, 415)
    response = client.post(
        "/api/v1/referrals", data={"comune_istat": "015195"}, headers=sgm_headers
    )
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


def test_remote_error_keeps_the_exception_name_and_reads_the_code():
    error = RemoteError(
        "intake",
        "ReferralNotFound",
        encode("referral_not_found", "not_found", "no r1", {"referral_id": "r1"}),
    )
    assert (error.service, error.exc_type) == ("intake", "ReferralNotFound")
    assert (error.code, error.kind, error.details) == (
        "referral_not_found",
        "not_found",
        {"referral_id": "r1"},
    )
    plain = RemoteError("intake", "KeyError", "no r1")
    assert (plain.code, plain.kind, plain.details, plain.message) == (None, None, {}, "no r1")


def test_web_page_of_a_coded_error_says_it_in_italian(client, fake, sgm_headers):
    fake.remote_error(
        "intake",
        "get_referral",
        "CaseConflict",
        encode("case_conflict", "conflict", "a case with status 'chiusa'"),
    )
    response = client.get("/api/v1/referrals/r1", headers=sgm_headers)
    assert response.get_json()["detail"].startswith("Not possible in the current status")
