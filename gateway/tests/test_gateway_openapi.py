"""The OpenAPI document is generated from the schemas and the docs are served locally."""

from __future__ import annotations


def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_openapi_document_has_the_referral_paths(client):
    document = spec(client)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/overview",
        "/api/v1/comuni",
        "/api/v1/auth/token",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/referrals"])


def test_referral_schemas_come_from_marshmallow(client):
    document = spec(client)
    schemas = document["components"]["schemas"]
    referral_in = schemas["ReferralIn"]
    assert {
        "comune_istat",
        "referring_body",
        "problem_reported",
        "housing_situation",
        "household",
    } <= set(referral_in["required"])
    assert referral_in["properties"]["referring_body"]["enum"][0] == "servizi_sociali_comune"
    assert "Overview" in schemas or "OverviewOut" in schemas
    post = document["paths"]["/api/v1/referrals"]["post"]
    assert "201" in post["responses"] and "Location" in post["responses"]["201"]["headers"]
    parameters = {p["name"] for p in post.get("parameters", [])}
    assert "Idempotency-Key" in parameters


def test_errors_are_documented_as_problem_json(client):
    document = spec(client)
    responses = document["components"]["responses"]
    assert "application/problem+json" in responses["UNPROCESSABLE_ENTITY"]["content"]
    assert "bearerAuth" in document["components"]["securitySchemes"]


def test_swagger_ui_is_served_from_local_static_files(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/js/swagger-init.js" in html
    assert "http://" not in html and "https://" not in html  # nothing from the internet
    assert client.get("/static/js/swagger-init.js").status_code == 200


def test_openapi_document_has_the_case_path(client):
    paths = spec(client)["paths"]
    for path in (
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/triage",
        "/api/v1/cases/{case_id}/assignment",
        "/api/v1/cases/{case_id}/diary",
        "/api/v1/cases/{case_id}/interviews",
        "/api/v1/cases/{case_id}/assessments",
        "/api/v1/cases/{case_id}/eligibility",
        "/api/v1/cases/{case_id}/duplicates",
        "/api/v1/cases/{case_id}/project",
        "/api/v1/cases/{case_id}/project/versions",
        "/api/v1/cases/{case_id}/closure",
        "/api/v1/cases/{case_id}/reopening",
        "/api/v1/referrals/{referral_id}/status",
        "/api/v1/commission/meetings",
        "/api/v1/commission/meetings/{meeting_id}",
        "/api/v1/commission/meetings/{meeting_id}/proposals",
        "/api/v1/commission/proposals/{proposal_id}/decision",
        "/api/v1/commission/meetings/{meeting_id}/minutes",
        "/api/v1/worklist",
        "/api/v1/fotografia",
        "/api/v1/fotografia.csv",
    ):
        assert path in paths, path
    assert {"get", "post"} == set(paths["/api/v1/cases/{case_id}/diary"]) - {"parameters"}
    put = paths["/api/v1/cases/{case_id}/project"]["put"]
    assert {"412", "428"} <= set(put["responses"])
    assert "If-Match" in {p["name"] for p in put.get("parameters", [])}
    assert "ETag" in paths["/api/v1/cases/{case_id}/project"]["get"]["responses"]["200"]["headers"]
    assert "text/csv" in paths["/api/v1/fotografia.csv"]["get"]["responses"]["200"]["content"]
