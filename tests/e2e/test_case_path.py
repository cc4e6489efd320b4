"""The path of a household, end to end through the gateway's API with every service running:
referral -> eligibility and duplicates -> triage -> diary (confidential) -> assessment with the
grade-4 fast path -> versioned project (ETag/If-Match) -> commission -> closure -> reopening;
the comune's system sees only the status; every read of the case file is audited."""

import json
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.data import codice_fiscale, referral
from tests.support.data import project as project_payload
from tests.support.suite import operator_session

SGM, MELEGNANO = "015195", "015140"


def today():
    """The agency works on Milan's calendar (the machine may be on UTC)."""
    return datetime.now(ZoneInfo("Europe/Rome")).date()


@pytest.fixture(scope="module")
def people(suite):
    return {
        "agenzia": operator_session(suite, "agenzia", "agenzia-demo"),
        "coordinatrice": operator_session(suite, "coordinatrice", "coordinatrice-demo"),
        "sgm": operator_session(suite, "sgm.sociale", "sgm-demo"),
        "client": suite.api(SGM),
    }


def outbox_types(suite):
    with sqlite3.connect(suite.var_dir / "intake.db") as db:
        return [json.loads(row[0])["type"] for row in db.execute("select body from outbox_message")]


def test_the_path_of_a_household(suite, people):
    url = suite.base_url + "/api/v1"
    agenzia, coordinatrice, sgm, client = (
        people[k] for k in ("agenzia", "coordinatrice", "sgm", "client")
    )
    shared_cf = codice_fiscale(777001)
    # The same person was already referred by Melegnano (another comune, another client).
    earlier = referral(MELEGNANO)
    earlier["household"][0]["codice_fiscale"] = shared_cf
    assert (
        suite.api(MELEGNANO).post(f"{url}/referrals", json=earlier, timeout=15).status_code == 201
    )

    eviction = (today() + timedelta(days=40)).isoformat()  # less than 3 months away: late
    payload = referral(SGM, eviction_date=eviction)
    payload["household"][0]["codice_fiscale"] = shared_cf
    created = client.post(f"{url}/referrals", json=payload, timeout=15)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]

    # the comune's system: the status, nothing of the case file
    status = client.get(f"{url}/referrals/{case_id}/status", timeout=10)
    assert status.status_code == 200 and status.json()["status"] == "ricevuta"
    for path in ("", "/diary", "/assessments", "/project"):
        assert client.get(f"{url}/cases/{case_id}{path}", timeout=10).status_code == 404

    eligibility = agenzia.get(f"{url}/cases/{case_id}/eligibility", timeout=10).json()
    assert eligibility["served"] is True
    assert eligibility["eviction"]["late"] is True
    duplicates = agenzia.get(f"{url}/cases/{case_id}/duplicates", timeout=10).json()
    assert [d["comune_istat"] for d in duplicates] == [MELEGNANO]

    # triage: the possible duplicate must be acknowledged; a comune operator may not triage
    assert (
        sgm.post(
            f"{url}/cases/{case_id}/triage", json={"outcome": "presa_in_carico"}, timeout=10
        ).status_code
        == 403
    )
    refused = agenzia.post(
        f"{url}/cases/{case_id}/triage", json={"outcome": "presa_in_carico"}, timeout=10
    )
    assert refused.status_code == 409, refused.text
    accepted = agenzia.post(
        f"{url}/cases/{case_id}/triage",
        timeout=10,
        json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "in_carico"
    again = agenzia.post(
        f"{url}/cases/{case_id}/triage",
        timeout=10,
        json={"outcome": "respinta", "reason": "ripensamento"},
    )
    assert again.status_code == 409  # forbidden transition, nothing changes
    assert agenzia.get(f"{url}/cases/{case_id}", timeout=10).json()["status"] == "in_carico"

    # diary: append-only, a confidential entry is hidden from the comune's operator
    now = "2026-01-10T10:00:00+01:00"
    entry = agenzia.post(
        f"{url}/cases/{case_id}/diary",
        timeout=10,
        json={
            "kind": "colloquio",
            "occurred_at": now,
            "text": "Riferisce maltrattamenti.",
            "confidential": True,
        },
    )
    assert entry.status_code == 201, entry.text
    assert (
        sgm.post(
            f"{url}/cases/{case_id}/diary",
            timeout=10,
            json={"kind": "telefonata", "occurred_at": now, "text": "Sentito il nucleo."},
        ).status_code
        == 201
    )
    seen_by_comune = sgm.get(f"{url}/cases/{case_id}/diary", timeout=10).json()
    assert "maltrattamenti" not in json.dumps(seen_by_comune)
    assert any(e.get("confidential") for e in seen_by_comune)
    assert "maltrattamenti" in json.dumps(
        agenzia.get(f"{url}/cases/{case_id}/diary", timeout=10).json()
    )

    # assessment: a Pronto Intervento Sociale situation is grade 4 and asks for a placement at once
    assessed = agenzia.post(
        f"{url}/cases/{case_id}/assessments",
        timeout=10,
        json={"indicators": {"arrears_rent": True}, "pis_situation": "incendio"},
    )
    assert assessed.status_code == 201, assessed.text
    assert assessed.json()["grade"] == 4 and assessed.json()["explanation"]
    assert "intake.emergency_placement_requested.v1" in outbox_types(suite)
    override = agenzia.post(
        f"{url}/cases/{case_id}/assessments",
        timeout=10,
        json={"indicators": {"arrears_rent": True}, "confirmed_grade": 3},
    )
    assert override.status_code == 422  # an override needs a written reason

    # project: ETag / If-Match; two operators editing the same version -> 412 for the second
    first = agenzia.get(f"{url}/cases/{case_id}/project", timeout=10)
    etag = first.headers["ETag"]
    project = project_payload(today())
    assert (
        agenzia.put(f"{url}/cases/{case_id}/project", json=project, timeout=10).status_code == 428
    )
    saved = sgm.put(
        f"{url}/cases/{case_id}/project", json=project, headers={"If-Match": etag}, timeout=10
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] != etag
    stale = agenzia.put(
        f"{url}/cases/{case_id}/project", json=project, headers={"If-Match": etag}, timeout=10
    )
    assert stale.status_code == 412
    assert "intake.action_requested.v1" in outbox_types(suite)

    # commission: only the coordinator runs it
    meeting = {"date": (today() + timedelta(days=7)).isoformat(), "location": "Sala consiliare"}
    assert agenzia.post(f"{url}/commission/meetings", json=meeting, timeout=10).status_code == 403
    created_meeting = coordinatrice.post(f"{url}/commission/meetings", json=meeting, timeout=10)
    assert created_meeting.status_code == 201, created_meeting.text
    meeting_id = created_meeting.json()["id"]
    proposal = coordinatrice.post(
        f"{url}/commission/meetings/{meeting_id}/proposals",
        timeout=10,
        json={"referral_id": case_id, "kind": "validate_project"},
    )
    assert proposal.status_code == 201, proposal.text
    worklist = coordinatrice.get(f"{url}/worklist", timeout=10).json()
    assert case_id in json.dumps(worklist["proposals_awaiting_commission"])
    decided = coordinatrice.post(
        f"{url}/commission/proposals/{proposal.json()['id']}/decision",
        json={"decision": "approvata", "notes": "Progetto validato"},
        timeout=10,
    )
    assert decided.status_code == 200, decided.text
    assert "intake.commission_decision_made.v1" in outbox_types(suite)

    # closure, restitution, reopening
    closed = agenzia.post(
        f"{url}/cases/{case_id}/closure",
        timeout=10,
        json={
            "outcome": "affitto_canone_concordato",
            "notes": "Contratto firmato",
            "restitution_date": today().isoformat(),
        },
    )
    assert closed.status_code == 200, closed.text
    assert client.get(f"{url}/referrals/{case_id}/status", timeout=10).json()["status"] == "chiusa"
    reopened = agenzia.post(
        f"{url}/cases/{case_id}/reopening", json={"reason": "Nuova morosità"}, timeout=10
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_carico"

    # every read of the case file is in the audit trail, without its content
    with sqlite3.connect(suite.var_dir / "intake.db") as db:
        rows = db.execute("select * from audit_event where referral_id = ?", (case_id,)).fetchall()
    assert len(rows) >= 5
    assert "maltrattamenti" not in json.dumps(rows, default=str)


def test_another_comunes_operator_cannot_see_the_case(suite, people):
    url = suite.base_url + "/api/v1"
    created = suite.api(MELEGNANO).post(f"{url}/referrals", json=referral(MELEGNANO), timeout=15)
    case_id = created.json()["id"]
    for path in ("", "/diary", "/eligibility", "/project"):
        assert people["sgm"].get(f"{url}/cases/{case_id}{path}", timeout=10).status_code == 404
    assert (
        people["sgm"]
        .post(
            f"{url}/cases/{case_id}/diary",
            timeout=10,
            json={"kind": "nota", "occurred_at": "2026-01-10T10:00:00+01:00", "text": "x"},
        )
        .status_code
        == 404
    )
