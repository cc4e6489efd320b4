"""/api/v1/commission, /api/v1/worklist, /api/v1/fotografia(.csv)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from gateway_helpers import SAN_DONATO, SGM, login, referral_payload, take_on

from abitare_chassis.actor import Actor
from abitare_gateway.agency_time import AGENCY_TZ

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))


@pytest.fixture
def coordinator(client):
    assert login(client, "coordinamento", "coord-pw").status_code == 302
    return client


@pytest.fixture
def case_id(intake):
    return intake.submit_referral(AGENCY, referral_payload())["id"]


def test_commission_meeting_agenda_decision_minutes(coordinator, intake, case_id):
    take_on(intake, AGENCY, case_id)  # only a case in charge goes to commission
    response = coordinator.post(
        "/api/v1/commission/meetings", json={"date": "2025-06-20", "location": "Sala consiliare"}
    )
    assert response.status_code == 201
    meeting = response.get_json()
    assert response.headers["Location"] == f"/api/v1/commission/meetings/{meeting['id']}"
    response = coordinator.post(
        f"/api/v1/commission/meetings/{meeting['id']}/proposals",
        json={
            "referral_id": case_id,
            "kind": "temporary_placement",
            "notes": "Alloggio temporaneo per 6 mesi",
        },
    )
    assert response.status_code == 201
    proposal = response.get_json()
    assert proposal["decision"] is None
    response = coordinator.post(
        f"/api/v1/commission/proposals/{proposal['id']}/decision",
        json={"decision": "approvata", "notes": "Unanime"},
    )
    assert response.status_code == 200 and response.get_json()["decision"] == "approvata"
    assert (
        coordinator.post(
            f"/api/v1/commission/proposals/{proposal['id']}/decision", json={"decision": "respinta"}
        ).status_code
        == 409
    )
    response = coordinator.put(
        f"/api/v1/commission/meetings/{meeting['id']}/minutes",
        json={"text": "Verbale della seduta."},
    )
    assert response.status_code == 200 and response.get_json()["minutes"] == "Verbale della seduta."
    detail = coordinator.get(f"/api/v1/commission/meetings/{meeting['id']}").get_json()
    assert detail["proposals"][0]["id"] == proposal["id"]
    listed = coordinator.get("/api/v1/commission/meetings").get_json()
    assert listed[0]["id"] == meeting["id"]


def test_commission_input_is_checked_and_unknown_ids_are_404(coordinator):
    assert coordinator.post("/api/v1/commission/meetings", json={"date": "ieri"}).status_code == 422
    assert (
        coordinator.post(
            "/api/v1/commission/proposals/p999/decision", json={"decision": "forse"}
        ).status_code
        == 422
    )
    assert coordinator.get("/api/v1/commission/meetings/m999").status_code == 404
    assert (
        coordinator.post(
            "/api/v1/commission/proposals/p999/decision", json={"decision": "approvata"}
        ).status_code
        == 404
    )


def test_commission_is_403_for_other_operators(client):
    login(client)
    response = client.post(
        "/api/v1/commission/meetings", json={"date": "2025-06-20", "location": "Sala consiliare"}
    )
    assert response.status_code == 403


def test_worklist_shape(coordinator, intake, case_id):
    body = coordinator.get("/api/v1/worklist").get_json()
    assert set(body) == {
        "awaiting_triage",
        "overdue_actions",
        "evictions_within_30_days",
        "documents_expiring",
        "proposals_awaiting_commission",
        "awaiting_assignment",
        "totals",
        "pages",
        "page_size",
    }
    assert body["awaiting_triage"][0]["referral_id"] == case_id
    assert body["awaiting_triage"][0]["comune"] == "San Giuliano Milanese"
    assert body["totals"]["awaiting_triage"] == 1 and body["page_size"] == 10


def received_day(intake, case_id) -> str:
    """The Milan day the case was received (the Fotografia counts Milan's days, not UTC's)."""
    received = datetime.fromisoformat(intake.get_referral(AGENCY, case_id)["received_at"])
    return received.astimezone(AGENCY_TZ).date().isoformat()


def fotografia(client, query):
    return client.get(f"/api/v1/fotografia{query}")


def test_fotografia_counts(coordinator, intake, case_id, fake):
    today = received_day(intake, case_id)
    response = fotografia(coordinator, f"?from={today}&to={today}&comune={SGM}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["by_problem_reported"] == {"sfratto_esecutivo": 1}
    assert fake.calls_to("intake", "get_fotografia")[-1].args == (today, today, SGM)


def test_fotografia_period_is_checked(coordinator):
    assert fotografia(coordinator, "?from=2025-05-31").status_code == 422
    response = fotografia(coordinator, "?from=2025-05-31&to=2025-04-01")
    assert response.status_code == 422 and "to" in response.get_json()["errors"]
    assert fotografia(coordinator, "?from=31/05/2025&to=2025-06-01").status_code == 422
    assert fotografia(coordinator, "?from=2025-01-01&to=2025-02-01&comune=12").status_code == 422


def test_fotografia_csv(coordinator, intake, case_id, fake):
    today = received_day(intake, case_id)
    response = coordinator.get(f"/api/v1/fotografia.csv?from={today}&to={today}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "charset=utf-8" in response.content_type
    assert f'filename="fotografia_{today}_{today}.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"))))
    assert rows[0] == ["dimension", "value", "count"]
    assert ["total", "", "1"] in rows
    assert ["comune", "San Giuliano Milanese", "1"] in rows
    assert ["problem_reported", "sfratto_esecutivo", "1"] in rows
    assert all(len(row) == 3 for row in rows)


def test_fotografia_csv_is_utf8_and_formula_safe():
    from abitare_gateway.fotografia import to_csv

    text = to_csv(
        {
            "total": 2,
            "by_comune": {"Cassano d'Adda": 1, "=HYPERLINK()": 1},
            "by_referring_body": {"Città": 2},
        }
    )
    assert "Città" in text and "'=HYPERLINK()" in text
    assert text.encode("utf-8").decode("utf-8") == text
