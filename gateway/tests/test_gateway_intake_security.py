"""Issue 7 through the gateway's HTTP interface, with the credentials each attacker has, against
the real intake: the possible-duplicates probe, commission meetings of other comuni, assignment
out of scope, confidential entries read by a later assignee, Idempotency-Key reuse, another
client's status view, and the purpose of every read in intake's audit."""

from __future__ import annotations

import json

import pytest
from gateway_doubles import InProcessIntake
from gateway_helpers import (
    MILANO,
    SAN_DONATO,
    SGM,
    csrf_from,
    login,
    referral_payload,
    take_on,
)

from abitare_chassis.actor import Actor

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))
COORDINATOR = Actor(sub="operator:coordinamento", role="coordinator", comuni=(SGM, SAN_DONATO))
MILANO_CLIENT = Actor(sub="client:comune-015146", role="municipal_client", comuni=(MILANO,))
MILANO_COORDINATOR = Actor(sub="operator:coord.mi", role="coordinator", comuni=(MILANO,))


@pytest.fixture
def milano_staff(app):
    store = app.extensions["abitare_identity"]
    store.save_operator("coord.mi", "mi-pw", "Coordinatrice Milano", "coordinator", [MILANO])
    store.save_operator("agenzia.mi", "mi-pw", "Operatore Milano", "agency_operator", [MILANO])


def signed_in(app, username, password):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def trail(intake, referral_id, actor=COORDINATOR):
    return [
        (t["action"], t["actor_sub"], t["purpose"]) for t in intake.list_audit(actor, referral_id)
    ]


# -- finding 3: the possible-duplicates probe ---------------------------------------------------
def test_a_probe_referral_learns_only_that_the_household_is_known_elsewhere(app, intake):
    milano = intake.submit_referral(MILANO_CLIENT, referral_payload(comune=MILANO))["id"]
    operator = signed_in(app, "agenzia", "agenzia-pw")
    probe = operator.post("/api/v1/referrals", json=referral_payload())  # chosen codici fiscali
    assert probe.status_code == 201
    probe_id = probe.get_json()["id"]

    response = operator.get(f"/api/v1/cases/{probe_id}/duplicates")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "match": "known_elsewhere",
            "codice_fiscale": None,
            "comune_istat": None,
            "comune_name": None,
            "status": None,
            "received_at": None,
            "referral_id": None,
        }
    ]
    case = operator.get(f"/api/v1/cases/{probe_id}").get_json()
    assert case["possible_duplicates"] == response.get_json()
    page = operator.get(f"/schede/{probe_id}/triage").get_data(as_text=True)
    for leak in (json.dumps(case), page):
        assert MILANO not in leak and "Milano" not in leak and milano not in leak
    assert "già noto all'Agenzia in un altro comune" in page

    # Milano's coordinator sees who looked at its household, and why.
    assert ("duplicate_match", AGENCY.sub, "triage") in trail(intake, milano, MILANO_COORDINATOR)
    assert ("find_possible_duplicates", AGENCY.sub, "triage") in trail(intake, probe_id)


def test_roles_that_do_not_triage_cannot_probe(app, intake):
    intake.submit_referral(MILANO_CLIENT, referral_payload(comune=MILANO))
    comune = signed_in(app, "sgm.sociale", "sgm-pw")
    probe_id = comune.post("/api/v1/referrals", json=referral_payload()).get_json()["id"]
    assert comune.get(f"/api/v1/cases/{probe_id}/duplicates").status_code == 403
    case = comune.get(f"/api/v1/cases/{probe_id}").get_json()
    assert case["possible_duplicates"] is None and case["duplicates_check"] == "not_allowed"


def test_duplicate_checks_are_limited_per_operator_across_processes(
    app, intake, tmp_path, monkeypatch
):
    monkeypatch.setenv("ABITARE_INTAKE_DUPLICATE_CHECKS_PER_HOUR", "2")
    operator = signed_in(app, "agenzia", "agenzia-pw")
    ids = [intake.submit_referral(AGENCY, referral_payload())["id"] for _ in range(3)]
    for referral_id in ids[:2]:
        assert operator.get(f"/api/v1/cases/{referral_id}/duplicates").status_code == 200
    assert operator.get(f"/api/v1/cases/{ids[0]}/duplicates").status_code == 200  # again: free
    refused = operator.get(f"/api/v1/cases/{ids[2]}/duplicates")
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "duplicate_checks_limited"
    case = operator.get(f"/api/v1/cases/{ids[2]}").get_json()  # the case still opens
    assert case["possible_duplicates"] is None and case["duplicates_check"] == "limited"
    # Another intake process on the same database counts the same checks.
    other = InProcessIntake(tmp_path / "intake.db")
    try:
        with pytest.raises(Exception) as info:
            other.find_possible_duplicates(AGENCY, ids[2])
        assert "duplicate_checks_limited" in str(info.value)
    finally:
        other.close()


# -- finding 4: commission meetings --------------------------------------------------------------
def test_commission_meetings_of_other_comuni_are_invisible(app, intake, milano_staff):
    case_id = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on(intake, AGENCY, case_id)
    meeting = intake.create_meeting(COORDINATOR, {"date": "2026-03-01", "location": "Sala SGM"})
    intake.add_proposal(COORDINATOR, meeting["id"], {"referral_id": case_id, "kind": "extend_stay"})
    assert [c["istat"] for c in meeting["comuni"]] == sorted([SGM, SAN_DONATO])

    milano = signed_in(app, "coord.mi", "mi-pw")
    assert milano.get("/api/v1/commission/meetings").get_json() == []
    assert milano.get(f"/api/v1/commission/meetings/{meeting['id']}").status_code == 404
    page = milano.get("/commissione").get_data(as_text=True)
    assert "Sala SGM" not in page
    token = csrf_from(page)
    closing = milano.put(
        f"/api/v1/commission/meetings/{meeting['id']}/minutes", json={"text": "Verbale"}
    )
    assert closing.status_code == 404 and "pending" not in closing.get_data(as_text=True)
    web = milano.post(
        f"/commissione/{meeting['id']}/verbale", data={"text": "Verbale", "csrf_token": token}
    )
    assert web.status_code == 404
    assert intake.get_meeting(COORDINATOR, meeting["id"])["minutes"] is None
    assert ("list_meetings", COORDINATOR.sub, "commissione") not in trail(intake, case_id)
    own = signed_in(app, "coordinamento", "coord-pw")
    assert own.get("/commissione").status_code == 200
    assert ("list_meetings", COORDINATOR.sub, "commissione") in trail(intake, case_id)


# -- finding 8: assignment and confidentiality ---------------------------------------------------
def test_only_operators_of_the_case_comune_are_listed_and_assignable(app, intake, milano_staff):
    case_id = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on(intake, AGENCY, case_id)
    coordinator = signed_in(app, "coordinamento", "coord-pw")
    page = coordinator.get(f"/schede/{case_id}/triage").get_data(as_text=True)
    assert "operator:agenzia" in page and "operator:coord.mi" not in page
    assert "operator:agenzia.mi" not in page and "operator:sgm.sociale" not in page
    listed = coordinator.get(f"/api/v1/cases/{case_id}/assignable-operators").get_json()
    assert {o["operator_sub"] for o in listed} == {"operator:agenzia", "operator:coordinamento"}
    refused = coordinator.post(
        f"/api/v1/cases/{case_id}/assignment", json={"operator_sub": "operator:coord.mi"}
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["operator_sub"]
    assert intake.get_case(COORDINATOR, case_id)["assigned_to"] is None

    for sub in ("operator:agenzia", "operator:coordinamento"):
        assert (
            coordinator.post(
                f"/api/v1/cases/{case_id}/assignment", json={"operator_sub": sub}
            ).status_code
            == 200
        )
    history = intake.get_case(COORDINATOR, case_id)["assignments"]
    assert [a["assigned_to"] for a in history] == ["operator:agenzia", "operator:coordinamento"]
    page = coordinator.get(f"/schede/{case_id}/triage").get_data(as_text=True)
    assert (
        'id="assignment-history"' in page
        and page.count("<td>Coordinatrice</td>") >= 1  # names, not operator:...
        and "<td>Operatrice Agenzia</td>" in page
    )
    agency = signed_in(app, "agenzia", "agenzia-pw")
    assert 'id="assignment-form"' not in agency.get(f"/schede/{case_id}/triage").get_data(
        as_text=True
    )


def test_a_later_assignee_does_not_read_older_confidential_entries(app, intake):
    case_id = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on(intake, AGENCY, case_id)
    agency = signed_in(app, "agenzia", "agenzia-pw")
    assert (
        agency.post(
            f"/api/v1/cases/{case_id}/diary",
            json={
                "kind": "colloquio",
                "occurred_at": "2025-05-02T10:00:00+02:00",
                "text": "Racconta di violenze subite",
                "confidential": True,
            },
        ).status_code
        == 201
    )
    coordinator = signed_in(app, "coordinamento", "coord-pw")
    assert (
        coordinator.post(
            f"/api/v1/cases/{case_id}/assignment", json={"operator_sub": "operator:coordinamento"}
        ).status_code
        == 200
    )
    diary = coordinator.get(f"/api/v1/cases/{case_id}/diary").get_json()
    assert "text" not in diary[0] and diary[0]["confidential"] is True
    assert "Racconta di violenze" not in coordinator.get(f"/schede/{case_id}/diario").get_data(
        as_text=True
    )

    agency.post(
        f"/api/v1/cases/{case_id}/diary",
        json={
            "kind": "colloquio",
            "occurred_at": "2025-05-03T10:00:00+02:00",
            "text": "Secondo colloquio",
            "confidential": True,
        },
    )
    diary = coordinator.get(f"/api/v1/cases/{case_id}/diary").get_json()
    assert [e.get("text") for e in diary] == [None, "Secondo colloquio"]
    reads = [t for t in trail(intake, case_id) if t[0] == "read_confidential_entry"]
    assert reads == [("read_confidential_entry", COORDINATOR.sub, "gestione del caso")]


# -- finding 12: Idempotency-Key reuse -----------------------------------------------------------
def test_idempotency_key_reused_with_another_payload_is_422(client, sgm_headers, intake):
    key = {"Idempotency-Key": "sgm-2026-0042"}
    first = client.post(
        "/api/v1/referrals", json=referral_payload(), headers={**sgm_headers, **key}
    )
    assert first.status_code == 201
    other = client.post(
        "/api/v1/referrals",
        json=referral_payload(monthly_rent_cents=1),
        headers={**sgm_headers, **key},
    )
    assert other.status_code == 422
    assert other.get_json()["code"] == "idempotency_key_reused"
    assert "idempotency_key" in other.get_json()["errors"]
    again = client.post(
        "/api/v1/referrals", json=referral_payload(), headers={**sgm_headers, **key}
    )
    assert again.get_json()["id"] == first.get_json()["id"]
    listed = client.get("/api/v1/referrals", headers=sgm_headers).get_json()
    assert listed["total"] == 1


# -- a municipal client reads, lists and follows its own referrals only -------------------------
def test_a_client_reads_the_status_of_its_own_referrals_only(client, intake, sgm_headers):
    """The agency's referral of the same comune (head "Rossi") is not the client's to read, to
    list or to follow: 404 and absent, as if it did not exist."""
    by_agency = intake.submit_referral(AGENCY, referral_payload())["id"]
    for path in (f"/api/v1/referrals/{by_agency}/status", f"/api/v1/referrals/{by_agency}"):
        assert client.get(path, headers=sgm_headers).status_code == 404, path
    assert client.get("/api/v1/referrals", headers=sgm_headers).get_json()["total"] == 0
    own = client.post("/api/v1/referrals", json=referral_payload(), headers=sgm_headers).get_json()[
        "id"
    ]
    assert client.get(f"/api/v1/referrals/{own}/status", headers=sgm_headers).status_code == 200
    assert client.get(f"/api/v1/referrals/{own}", headers=sgm_headers).status_code == 200
    listed = client.get("/api/v1/referrals", headers=sgm_headers).get_json()
    assert [item["id"] for item in listed["items"]] == [own]


# -- finding 6: intake's reads audited, with the route's purpose ----------------------------------
def test_lists_and_case_records_are_audited_with_the_purpose_of_the_page(
    app, intake, sgm_headers, client
):
    case_id = intake.submit_referral(AGENCY, referral_payload())["id"]
    agency = signed_in(app, "agenzia", "agenzia-pw")
    agency.get("/schede")
    agency.get("/lavoro")
    agency.get(f"/api/v1/cases/{case_id}/eligibility")
    agency.post(
        f"/api/v1/cases/{case_id}/triage",
        json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
    )
    own = client.post("/api/v1/referrals", json=referral_payload(), headers=sgm_headers).get_json()[
        "id"
    ]
    client.get("/api/v1/referrals", headers=sgm_headers)
    assert ("list_referrals", "client:comune-015195", "invio e verifica delle schede") in trail(
        intake, own
    )
    seen = trail(intake, case_id)
    for expected in (
        ("list_referrals", AGENCY.sub, "gestione del caso"),
        ("get_worklist", AGENCY.sub, "gestione del caso"),
        ("check_eligibility", AGENCY.sub, "triage"),
        ("triage_referral", AGENCY.sub, "triage"),
    ):
        assert expected in seen, expected
