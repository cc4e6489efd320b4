"""/api/v1/referrals and /api/v1/comuni over a fake intake: scope, idempotency, overview."""

from __future__ import annotations

from gateway_helpers import MILANO, SGM, bearer, get_token, referral_payload

from abitare_chassis.errors import encode
from abitare_gateway.rpc import RemoteError, ServiceTimeout, ServiceUnavailable


def create(client, headers, payload=None, **extra_headers):
    return client.post(
        "/api/v1/referrals", json=payload or referral_payload(), headers=headers | extra_headers
    )


def test_create_returns_201_with_location(client, fake, sgm_headers):
    response = create(client, sgm_headers)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/referrals/{body['id']}"
    assert body["comune_istat"] == SGM and body["status"] == "ricevuta"
    call = fake.calls_to("intake", "submit_referral")[-1]
    assert call.actor.sub == "client:comune-015195"
    assert call.args[0]["monthly_rent_cents"] == 70000
    assert call.args[0]["household"][0]["birth_date"] == "1980-01-01"  # JSON-safe payload


def test_idempotency_key_header_maps_to_the_payload(client, fake, sgm_headers):
    first = create(client, sgm_headers, **{"Idempotency-Key": "sgm-2025-0001"})
    again = create(client, sgm_headers, **{"Idempotency-Key": "sgm-2025-0001"})
    assert first.get_json()["id"] == again.get_json()["id"]
    assert (
        fake.calls_to("intake", "submit_referral")[-1].args[0]["idempotency_key"] == "sgm-2025-0001"
    )


def test_a_submission_without_key_still_carries_one_to_intake(client, fake, sgm_headers):
    """So that intake can recognise a redelivered RPC request after a crash."""
    create(client, sgm_headers)
    create(client, sgm_headers)
    keys = [call.args[0]["idempotency_key"] for call in fake.calls_to("intake", "submit_referral")]
    assert len(keys) == 2 and all(keys) and keys[0] != keys[1]


def test_conflicting_idempotency_keys_are_422(client, sgm_headers):
    response = create(
        client, sgm_headers, referral_payload(idempotency_key="a"), **{"Idempotency-Key": "b"}
    )
    assert response.status_code == 422
    assert "idempotency_key" in response.get_json()["errors"]


def test_creating_for_another_comune_is_403(client, fake, sgm_headers):
    """Intake decides (after validating the input, so an unknown ISTAT code is a 422)."""
    response = create(client, sgm_headers, referral_payload(comune=MILANO))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_referral_forbidden_from_intake_is_403(client, fake, sgm_headers):
    fake.remote_error(
        "intake",
        "submit_referral",
        "ReferralForbidden",
        encode("referral_forbidden", "forbidden", "not yours"),
    )
    assert create(client, sgm_headers).status_code == 403


def test_another_comunes_referral_is_404(client, sgm_headers):
    milano = bearer(get_token(client, "comune-015146", "secret-milano"))
    referral_id = create(client, milano, referral_payload(comune=MILANO)).get_json()["id"]
    assert client.get(f"/api/v1/referrals/{referral_id}", headers=milano).status_code == 200
    response = client.get(f"/api/v1/referrals/{referral_id}", headers=sgm_headers)
    assert response.status_code == 404
    assert (
        client.get(f"/api/v1/referrals/{referral_id}/overview", headers=sgm_headers).status_code
        == 404
    )


def test_odd_ids_are_404_without_a_call(client, fake, sgm_headers):
    assert client.get("/api/v1/referrals/..%2F..%2Fetc", headers=sgm_headers).status_code == 404
    assert fake.calls_to("intake", "get_referral") == []


def test_list_passes_page_and_comune_and_shows_only_what_intake_returns(client, fake, sgm_headers):
    create(client, sgm_headers)
    response = client.get("/api/v1/referrals?page=1&page_size=5&comune=015195", headers=sgm_headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page_size"] == 5
    call = fake.calls_to("intake", "list_referrals")[-1]
    assert call.kwargs == {
        "comune_istat": SGM,
        "page": 1,
        "page_size": 5,
        "purpose": "invio e verifica delle schede",
    }
    milano = bearer(get_token(client, "comune-015146", "secret-milano"))
    assert client.get("/api/v1/referrals", headers=milano).get_json()["total"] == 0


def test_list_validates_the_query(client, sgm_headers):
    response = client.get("/api/v1/referrals?page=0&page_size=1000&comune=abc", headers=sgm_headers)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"page", "page_size", "comune"}


def test_response_is_filtered_by_the_schema(client, fake, sgm_headers):
    referral_id = create(client, sgm_headers).get_json()["id"]
    fake.on(
        "intake",
        "get_referral",
        lambda actor, rid: {"id": rid, "comune_istat": SGM, "internal_note": "secret"},
    )
    body = client.get(f"/api/v1/referrals/{referral_id}", headers=sgm_headers).get_json()
    assert "internal_note" not in body


FUNDS = {
    "referral_id": "r0001",
    "comune_istat": SGM,
    "opened_at": "2025-06-01T10:00:00+00:00",
    "affordability": {
        "monthly_rent_cents": 70000,
        "monthly_net_income_cents": 150000,
        "rent_to_income_ratio": "0.4667",
        "threshold": "0.30",
        "outcome": "non_sostenibile",
        "explanation": "Il canone supera...",
    },
}
NEED = {
    "referral_id": "r0001",
    "comune_istat": SGM,
    "comune_name": "San Giuliano Milanese",
    "household_size": 2,
    "minors": 1,
    "over_65": 0,
    "housing_situation": "sfratto_in_corso",
    "eviction_date": "2025-09-30",
    "recorded_at": "2025-06-01T10:00:01+00:00",
}
DELIVERY = {
    "partner_code": "FWA",
    "partner_name": "Fondazione Welfare Ambrosiano",
    "event_type": "intake.referral_received.v1",
    "event_id": "e1",
    "fields": ["comune_istat", "household_size"],
    "queued_at": "2025-06-01T10:00:02Z",
}


def test_overview_composes_the_four_services(client, fake, sgm_headers):
    referral_id = create(client, sgm_headers).get_json()["id"]
    fake.returns("funds", "get_funds_file", FUNDS)
    fake.returns("housing_stock", "get_housing_need", NEED)
    fake.returns("partners", "get_deliveries", [DELIVERY])
    body = client.get(f"/api/v1/referrals/{referral_id}/overview", headers=sgm_headers).get_json()
    assert body["referral"]["status"] == "disponibile"
    assert body["referral"]["data"]["id"] == referral_id
    assert body["funds_file"]["data"]["affordability"]["outcome"] == "non_sostenibile"
    assert body["housing_need"]["data"]["household_size"] == 2
    assert body["partner_deliveries"]["data"][0]["fields"] == ["comune_istat", "household_size"]
    for service, method in (
        ("funds", "get_funds_file"),
        ("housing_stock", "get_housing_need"),
        ("partners", "get_deliveries"),
    ):
        call = fake.calls_to(service, method)[-1]
        assert call.args == (referral_id,) and call.actor.sub == "client:comune-015195"


def test_overview_tolerates_a_missing_service(client, fake, sgm_headers):
    referral_id = create(client, sgm_headers).get_json()["id"]
    fake.returns("funds", "get_funds_file", FUNDS)
    fake.fail("housing_stock", "get_housing_need", ServiceUnavailable("housing_stock"))
    fake.fail("partners", "get_deliveries", ServiceTimeout("partners"))
    response = client.get(f"/api/v1/referrals/{referral_id}/overview", headers=sgm_headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["funds_file"]["status"] == "disponibile"
    assert body["housing_need"] == {"status": "non_disponibile", "data": None}
    assert body["partner_deliveries"]["status"] == "non_disponibile"


def test_overview_shows_pending_sections(client, fake, sgm_headers):
    referral_id = create(client, sgm_headers).get_json()["id"]
    fake.remote_error(
        "funds",
        "get_funds_file",
        "FundsFileNotFound",
        encode("funds_file_not_found", "not_found", "not yet"),
    )
    fake.remote_error(
        "housing_stock",
        "get_housing_need",
        "HousingNeedNotFound",
        encode("housing_need_not_found", "not_found", "not yet"),
    )
    fake.returns("partners", "get_deliveries", [])
    body = client.get(f"/api/v1/referrals/{referral_id}/overview", headers=sgm_headers).get_json()
    assert body["funds_file"]["status"] == "in_attesa"
    assert body["housing_need"]["status"] == "in_attesa"
    assert body["partner_deliveries"]["status"] == "in_attesa"


def test_overview_asks_nobody_else_when_intake_says_not_found(client, fake, sgm_headers):
    fake.remote_error(
        "intake",
        "get_referral",
        "ReferralNotFound",
        encode("referral_not_found", "not_found", "no"),
    )
    assert client.get("/api/v1/referrals/r9/overview", headers=sgm_headers).status_code == 404
    assert fake.calls_to("funds") == [] and fake.calls_to("partners") == []


def test_overview_for_a_client_needs_intake(client, fake, sgm_headers):
    fake.fail("intake", "get_referral", ServiceUnavailable("intake"))
    assert client.get("/api/v1/referrals/r1/overview", headers=sgm_headers).status_code == 503
    assert fake.calls_to("funds") == []


def test_comuni(client, fake, sgm_headers):
    response = client.get("/api/v1/comuni", headers=sgm_headers)
    assert response.status_code == 200
    assert {"istat": SGM, "name": "San Giuliano Milanese"} in response.get_json()


def test_remote_error_type_is_exposed_for_known_errors(client, fake, sgm_headers):
    fake.fail(
        "intake",
        "get_referral",
        RemoteError(
            "intake", "ReferralNotFound", encode("referral_not_found", "not_found", "no r5")
        ),
    )
    body = client.get("/api/v1/referrals/r5", headers=sgm_headers).get_json()
    assert body["code"] == "referral_not_found"
