"""/api/v1/cases over the fake case path: shapes, status codes, role and scope answers."""

from __future__ import annotations

import pytest
from gateway_helpers import MILANO, SAN_DONATO, SGM, days_from_today, login, referral_payload

from abitare_chassis.actor import Actor

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))


@pytest.fixture
def operator(client):
    assert login(client).status_code == 302
    return client


@pytest.fixture
def case_id(intake):
    return intake.submit_referral(AGENCY, referral_payload())["id"]


def test_case_file_has_the_case_fields(operator, case_id):
    response = operator.get(f"/api/v1/cases/{case_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == case_id and body["status"] == "ricevuta"
    assert body["eligibility"]["served"] is True
    assert body["possible_duplicates"] == []
    assert {"assigned_to", "triage", "current_grade", "closure"} <= set(body)


def test_case_of_another_comune_is_404(operator, intake):
    milano = Actor(sub="client:comune-015146", role="municipal_client", comuni=(MILANO,))
    other = intake.submit_referral(milano, referral_payload(comune=MILANO))["id"]
    assert operator.get(f"/api/v1/cases/{other}").status_code == 404
    assert operator.get("/api/v1/cases/bad id!").status_code == 404


def test_municipal_client_reads_only_the_status_of_its_own_referrals(client, fake, sgm_headers):
    created = client.post("/api/v1/referrals", json=referral_payload(), headers=sgm_headers)
    referral_id = created.get_json()["id"]
    response = client.get(f"/api/v1/referrals/{referral_id}/status", headers=sgm_headers)
    assert response.status_code == 200
    assert set(response.get_json()) == {"id", "comune_istat", "status", "received_at", "updated_at"}
    for path in (
        "",
        "/diary",
        "/assessments",
        "/eligibility",
        "/duplicates",
        "/project",
        "/project/versions",
    ):
        response = client.get(f"/api/v1/cases/{referral_id}{path}", headers=sgm_headers)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
    for path in ("/triage", "/diary", "/closure"):
        assert (
            client.post(
                f"/api/v1/cases/{referral_id}{path}", json={}, headers=sgm_headers
            ).status_code
            == 404
        )
    for path in (
        "/api/v1/worklist",
        "/api/v1/commission/meetings",
        "/api/v1/fotografia?from=2025-01-01&to=2025-12-31",
    ):
        assert client.get(path, headers=sgm_headers).status_code == 404, path
    case_calls = [
        c for c in fake.calls_to("intake") if c.method not in ("submit_referral", "get_case_status")
    ]
    assert case_calls == []  # refused before intake is asked


def test_triage_takes_the_case_on(operator, case_id, fake):
    response = operator.post(f"/api/v1/cases/{case_id}/triage", json={"outcome": "presa_in_carico"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "in_carico"
    call = fake.calls_to("intake", "triage_referral")[-1]
    assert call.args == (case_id, {"outcome": "presa_in_carico", "duplicates_acknowledged": False})
    again = operator.post(
        f"/api/v1/cases/{case_id}/triage", json={"outcome": "respinta", "reason": "x"}
    )
    assert again.status_code == 409
    assert again.get_json()["code"] == "case_conflict"


def test_triage_with_unacknowledged_duplicates_is_409(operator, intake, case_id):
    intake.submit_referral(AGENCY, referral_payload(comune=SAN_DONATO))
    response = operator.post(f"/api/v1/cases/{case_id}/triage", json={"outcome": "presa_in_carico"})
    assert response.status_code == 409
    assert response.get_json()["code"] == "duplicates_not_acknowledged"
    response = operator.post(
        f"/api/v1/cases/{case_id}/triage",
        json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
    )
    assert response.status_code == 200


def test_triage_input_is_checked(operator, case_id, fake):
    response = operator.post(f"/api/v1/cases/{case_id}/triage", json={"outcome": "forse"})
    assert response.status_code == 422 and "outcome" in response.get_json()["errors"]
    response = operator.post(f"/api/v1/cases/{case_id}/triage", json={"outcome": "respinta"})
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]  # intake


def test_comune_operator_may_not_triage_403(client, case_id):
    login(client, "sgm.sociale", "sgm-pw")
    response = client.post(f"/api/v1/cases/{case_id}/triage", json={"outcome": "presa_in_carico"})
    assert response.status_code == 403
    assert response.get_json()["type"] == "urn:abitare:problem:forbidden"
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 200  # reading is fine


def test_assignment_is_for_coordinators(operator, case_id, app):
    response = operator.post(
        f"/api/v1/cases/{case_id}/assignment", json={"operator_sub": "operator:agenzia"}
    )
    assert response.status_code == 403
    client = app.test_client()
    login(client, "coordinamento", "coord-pw")
    response = client.post(
        f"/api/v1/cases/{case_id}/assignment", json={"operator_sub": "operator:agenzia"}
    )
    assert response.status_code == 200 and response.get_json()["assigned_to"] == "operator:agenzia"


def test_diary_is_append_only_and_hides_others_confidential_text(operator, app, case_id, fake):
    response = operator.post(
        f"/api/v1/cases/{case_id}/diary",
        json={
            "kind": "colloquio",
            "occurred_at": "2025-05-02T10:00:00+02:00",
            "text": "Colloquio riservato",
            "confidential": True,
        },
    )
    assert response.status_code == 201
    entry = response.get_json()
    assert entry["confidential"] is True and entry["text"] == "Colloquio riservato"
    assert (
        fake.calls_to("intake", "add_diary_entry")[-1].args[1]["occurred_at"]
        == "2025-05-02T10:00:00+02:00"
    )
    assert (
        operator.get(f"/api/v1/cases/{case_id}/diary").get_json()[0]["text"]
        == "Colloquio riservato"
    )
    assert operator.put(f"/api/v1/cases/{case_id}/diary", json={}).status_code == 405
    assert operator.delete(f"/api/v1/cases/{case_id}/diary").status_code == 405
    client = app.test_client()
    login(client, "sgm.sociale", "sgm-pw")
    seen = client.get(f"/api/v1/cases/{case_id}/diary").get_json()[0]
    assert seen["confidential"] is True and "text" not in seen


def test_diary_entry_shape_is_checked(operator, case_id):
    response = operator.post(
        f"/api/v1/cases/{case_id}/diary", json={"kind": "pettegolezzo", "text": ""}
    )
    assert response.status_code == 422
    assert {"kind", "text", "occurred_at"} <= set(response.get_json()["errors"])


def test_interview_is_scheduled(operator, case_id, fake):
    response = operator.post(
        f"/api/v1/cases/{case_id}/interviews",
        json={
            "scheduled_at": "2025-06-10T09:30:00+02:00",
            "location": "Comune di San Giuliano",
            "participants": ["AS Agenzia", "AS Comune"],
        },
    )
    assert response.status_code == 201
    assert response.get_json()["kind"] == "colloquio_congiunto"
    assert fake.calls_to("intake", "schedule_interview")[-1].args[1]["participants"] == [
        "AS Agenzia",
        "AS Comune",
    ]


def test_assessment_suggests_a_grade_and_keeps_history(operator, case_id, fake):
    response = operator.post(
        f"/api/v1/cases/{case_id}/assessments",
        json={
            "indicators": {
                "arrears_rent": True,
                "eviction_stage": "convalida",
                "documents_expiring_on": "2025-07-01",
            }
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["suggested_grade"] == 2 and body["grade"] == 2 and body["explanation"]
    sent = fake.calls_to("intake", "record_assessment")[-1].args[1]
    assert sent["indicators"]["documents_expiring_on"] == "2025-07-01"
    response = operator.post(
        f"/api/v1/cases/{case_id}/assessments",
        json={"indicators": {"arrears_rent": True}, "confirmed_grade": 3},
    )
    assert response.status_code == 422 and "override_reason" in response.get_json()["errors"]
    response = operator.post(
        f"/api/v1/cases/{case_id}/assessments",
        json={
            "indicators": {"arrears_rent": True},
            "confirmed_grade": 3,
            "override_reason": "Rete sociale assente",
        },
    )
    assert response.get_json()["overridden"] is True
    history = operator.get(f"/api/v1/cases/{case_id}/assessments").get_json()
    assert [a["grade"] for a in history] == [3, 2]
    bad = operator.post(f"/api/v1/cases/{case_id}/assessments", json={"confirmed_grade": 5})
    assert bad.status_code == 422


def test_eligibility_and_duplicates(operator, intake, case_id):
    intake.submit_referral(AGENCY, referral_payload(comune=SAN_DONATO))
    eligibility = operator.get(f"/api/v1/cases/{case_id}/eligibility").get_json()
    assert eligibility["served"] is True and "late" in eligibility["eviction"]
    duplicates = operator.get(f"/api/v1/cases/{case_id}/duplicates").get_json()
    assert duplicates[0]["match"] == "codice_fiscale" and duplicates[0]["referral_id"]


def test_close_and_reopen(operator, case_id):
    assert (
        operator.post(
            f"/api/v1/cases/{case_id}/closure", json={"outcome": "sap_assegnato"}
        ).status_code
        == 409
    )  # not in charge
    operator.post(f"/api/v1/cases/{case_id}/triage", json={"outcome": "presa_in_carico"})
    response = operator.post(
        f"/api/v1/cases/{case_id}/closure",
        json={
            "outcome": "sap_assegnato",
            "notes": "Alloggio ALER",
            "restitution_date": days_from_today(1),
        },
    )
    assert response.status_code == 200 and response.get_json()["status"] == "chiusa"
    assert (
        operator.post(f"/api/v1/cases/{case_id}/closure", json={"outcome": "inventato"}).status_code
        == 422
    )
    response = operator.post(f"/api/v1/cases/{case_id}/reopening", json={"reason": "Sfratto"})
    assert response.status_code == 200 and response.get_json()["status"] == "in_carico"
    assert (
        operator.post(f"/api/v1/cases/{case_id}/reopening", json={"reason": "ancora"}).status_code
        == 409
    )


def test_intake_down_is_503(operator, fake, case_id):
    from abitare_gateway.rpc import ServiceUnavailable

    fake.fail("intake", "get_case", ServiceUnavailable("intake"))
    assert operator.get(f"/api/v1/cases/{case_id}").status_code == 503
