"""The project's ETag / If-Match flow: 428 without If-Match, 412 when stale, never a silent
overwrite."""

from __future__ import annotations

import pytest
from gateway_helpers import SAN_DONATO, SGM, login, referral_payload, take_on

from abitare_chassis.actor import Actor
from abitare_chassis.errors import encode

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))
PROJECT = {
    "objectives": ["Trovare un alloggio a canone concordato"],
    "actions": [
        {
            "type": "fund_application",
            "description": "Domanda fondo affitto",
            "responsible": "agency",
            "due_date": "2025-07-15",
        }
    ],
    "agreed_on": "2025-06-01",
}


def kept(project: dict) -> dict:
    """``project`` as a new version that keeps its actions (intake never drops one)."""
    fields = ("id", "type", "description", "responsible", "due_date", "status")
    return {
        "objectives": project["objectives"],
        "agreed_on": project["agreed_on"],
        "actions": [{name: action[name] for name in fields} for action in project["actions"]],
    }


@pytest.fixture
def operator(client):
    assert login(client).status_code == 302
    return client


@pytest.fixture
def case_id(intake):
    """A case in charge: only those get a project."""
    referral_id = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on(intake, AGENCY, referral_id)
    return referral_id


def test_empty_project_is_version_0_with_etag(operator, case_id):
    response = operator.get(f"/api/v1/cases/{case_id}/project")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"v0"'
    assert response.get_json() == {
        "version": 0,
        "objectives": [],
        "actions": [],
        "agreed_on": None,
        "updated_at": None,
        "updated_by": None,
    }


def test_put_without_if_match_is_428(operator, case_id, fake):
    response = operator.put(f"/api/v1/cases/{case_id}/project", json=PROJECT)
    assert response.status_code == 428
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "urn:abitare:problem:precondition-required"
    assert (
        operator.put(
            f"/api/v1/cases/{case_id}/project", json=PROJECT, headers={"If-Match": "*"}
        ).status_code
        == 428
    )
    assert fake.calls_to("intake", "save_project") == []


def test_put_with_current_etag_saves_a_new_version(operator, case_id, fake):
    response = operator.put(
        f"/api/v1/cases/{case_id}/project", json=PROJECT, headers={"If-Match": '"v0"'}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"v1"'
    body = response.get_json()
    assert body["version"] == 1 and body["actions"][0]["id"]
    assert body["actions"][0]["status"] == "da_avviare"
    call = fake.calls_to("intake", "save_project")[-1]
    assert call.args[0] == case_id and call.args[1] == 0
    assert call.args[2]["actions"][0]["due_date"] == "2025-07-15"
    assert operator.get(f"/api/v1/cases/{case_id}/project").headers["ETag"] == '"v1"'


def test_stale_etag_is_412_with_the_current_version(operator, case_id):
    first = operator.put(
        f"/api/v1/cases/{case_id}/project", json=PROJECT, headers={"If-Match": '"v0"'}
    ).get_json()
    operator.put(f"/api/v1/cases/{case_id}/project", json=kept(first), headers={"If-Match": '"v1"'})
    response = operator.put(
        f"/api/v1/cases/{case_id}/project",
        json={"objectives": ["Sovrascrivo?"]},
        headers={"If-Match": '"v1"'},
    )
    assert response.status_code == 412
    body = response.get_json()
    assert body["type"] == "urn:abitare:problem:precondition-failed"
    assert body["current_version"] == 2 and response.headers["ETag"] == '"v2"'
    current = operator.get(f"/api/v1/cases/{case_id}/project").get_json()
    assert current["objectives"] == PROJECT["objectives"]  # not overwritten
    assert (
        operator.put(
            f"/api/v1/cases/{case_id}/project", json=PROJECT, headers={"If-Match": 'W/"v2"'}
        ).status_code
        == 412
    )


def test_version_conflict_from_intake_is_412(operator, case_id, fake):
    fake.remote_error(
        "intake",
        "save_project",
        "ProjectVersionConflict",
        encode("project_version_conflict", "stale_version", "stale"),
    )
    response = operator.put(
        f"/api/v1/cases/{case_id}/project", json=PROJECT, headers={"If-Match": '"v0"'}
    )
    assert response.status_code == 412


def test_save_answering_only_a_version_number_reads_the_project_back(
    operator, case_id, fake, intake
):
    fake.on("intake", "save_project", lambda *args: intake.save_project(*args)["version"])
    response = operator.put(
        f"/api/v1/cases/{case_id}/project", json=PROJECT, headers={"If-Match": '"v0"'}
    )
    assert response.status_code == 200 and response.headers["ETag"] == '"v1"'
    assert response.get_json()["objectives"] == PROJECT["objectives"]


def test_project_shape_is_checked(operator, case_id):
    response = operator.put(
        f"/api/v1/cases/{case_id}/project",
        headers={"If-Match": '"v0"'},
        json={"actions": [{"type": "magia", "description": "", "responsible": "nessuno"}]},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"actions.0.type", "actions.0.description", "actions.0.responsible"} <= set(errors)


def test_versions_are_listed_newest_first(operator, case_id):
    first = operator.put(
        f"/api/v1/cases/{case_id}/project", json=PROJECT, headers={"If-Match": '"v0"'}
    ).get_json()
    operator.put(f"/api/v1/cases/{case_id}/project", json=kept(first), headers={"If-Match": '"v1"'})
    versions = operator.get(f"/api/v1/cases/{case_id}/project/versions").get_json()
    assert [v["version"] for v in versions] == [2, 1]
