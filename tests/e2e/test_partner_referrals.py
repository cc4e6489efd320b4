"""Partner referrals end to end, every service a process, through the gateway: the household's
consent -> a partner_referral action on the project -> partners sends it to AFOL -> AFOL's own
API client reads it (FWA's gets 404), accepts and posts an outcome -> the case shows the
action's status, a diary entry and the referral's history; "Invia a un partner" without
consent is refused with the reason and nothing is sent."""

import re

from abitare_chassis.testing.services import wait_for
from tests.support.data import consent as consent_body
from tests.support.data import referral
from tests.support.suite import operator_session

SGM = "015195"


def test_consent_referral_partner_answer_reaches_the_case(suite):
    url = suite.base_url + "/api/v1"
    created = suite.api(SGM).post(f"{url}/referrals", json=referral(SGM), timeout=15)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    agenzia = operator_session(suite, "agenzia", "agenzia-demo")
    taken = agenzia.post(
        f"{url}/cases/{case_id}/triage",
        json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
        timeout=10,
    )
    assert taken.status_code == 200, taken.text

    # without consent FWA's convention (members, phone, economics) refuses, with the reason
    refused = agenzia.post(
        f"{url}/cases/{case_id}/partner-referrals",
        json={"partner_code": "FWA", "service": "microcredito"},
        timeout=15,
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "partner_referral_refused"
    assert problem["errors"]["consent"][0]["code"] == "consent_missing"
    assert agenzia.get(f"{url}/cases/{case_id}/partner-referrals", timeout=10).json() == []

    today = agenzia.get(f"{url}/cases/{case_id}", timeout=10).json()["received_at"][:10]
    consent = agenzia.post(
        f"{url}/cases/{case_id}/consents",
        json={
            "partner_code": "AFOL",
            "service": "orientamento_lavoro",
            "categories": ["contatti"],
            "given_by": "Maria Rossi",
            "given_on": today,
            "valid_until": f"{int(today[:4]) + 1}{today[4:]}",
        },
        timeout=10,
    )
    assert consent.status_code == 201, consent.text
    assert consent.json()["valid_today"] is True

    project = agenzia.get(f"{url}/cases/{case_id}/project", timeout=10)
    saved = agenzia.put(
        f"{url}/cases/{case_id}/project",
        json={
            "objectives": ["Trovare un lavoro stabile"],
            "actions": [
                {
                    "type": "partner_referral",
                    "description": "Orientamento al lavoro con AFOL",
                    "responsible": "partner",
                    "partner_code": "AFOL",
                    "partner_service": "orientamento_lavoro",
                }
            ],
        },
        headers={"If-Match": project.headers["ETag"]},
        timeout=10,
    )
    assert saved.status_code == 200, saved.text
    action_id = saved.json()["actions"][0]["id"]

    afol = suite.partner_api("partner-afol", "demo-secret-afol")
    fwa = suite.partner_api("partner-fwa", "demo-secret-fwa")

    def sent():
        listed = afol.get(f"{url}/partner/referrals", timeout=10).json()
        return listed or None

    [mine] = wait_for(sent, timeout=30, message="AFOL sees the referral")
    assert mine["service"] == "orientamento_lavoro" and mine["state"] == "inviato"
    assert case_id not in str(mine) and "first_name" not in str(mine)
    assert "phone" in str(mine["data"]) or mine["data"].get("contact") is None
    assert fwa.get(f"{url}/partner/referrals/{mine['id']}", timeout=10).status_code == 404
    assert fwa.get(f"{url}/partner/referrals", timeout=10).json() == []
    assert agenzia.get(f"{url}/partner/referrals", timeout=10).status_code == 403

    wrong = afol.post(
        f"{url}/partner/referrals/{mine['id']}/status",
        json={"update": "outcome", "outcome": "assunzione"},  # not accepted yet
        timeout=10,
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "partner_referral_update_invalid"
    for update in ({"update": "accept"}, {"update": "outcome", "outcome": "assunzione"}):
        answered = afol.post(
            f"{url}/partner/referrals/{mine['id']}/status", json=update, timeout=10
        )
        assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == "concluso"

    def applied():
        actions = agenzia.get(f"{url}/cases/{case_id}/project", timeout=10).json()["actions"]
        return actions if actions[0]["status"] == "completata" else None

    [action] = wait_for(applied, timeout=30, message="the action is completata")
    assert action["id"] == action_id
    diary = agenzia.get(f"{url}/cases/{case_id}/diary", timeout=10).json()
    texts = [e["text"] for e in diary if e["kind"] == "aggiornamento_partner"]
    assert "Aggiornamento dal partner AFOL (Orientamento al lavoro): Assunzione." in texts
    [listed] = agenzia.get(f"{url}/cases/{case_id}/partner-referrals", timeout=10).json()
    assert [s["update"] for s in listed["steps"]] == ["created", "accept", "outcome"]
    assert listed["fields"] and not any(f.startswith("economics") for f in listed["fields"])
    timeline = agenzia.get(f"{suite.base_url}/schede/{case_id}/cronologia", timeout=15).text
    entries = re.findall(r'data-kind="partner_referral">(.*?)</li>', timeline, re.S)
    assert len(entries) == 3, entries
    assert "Esito da AFOL" in timeline and "Orientamento al lavoro: Assunzione" in timeline

    # sent from the case's "Invii ai partner" tab (no project action): FWA's answer still
    # reaches the case's diary, and the project's action stays as it was
    consent = agenzia.post(
        f"{url}/cases/{case_id}/consents",
        json=consent_body("FWA", "microcredito", today),
        timeout=10,
    )
    assert consent.status_code == 201, consent.text
    sent = agenzia.post(
        f"{url}/cases/{case_id}/partner-referrals",
        json={"partner_code": "FWA", "service": "microcredito"},
        timeout=15,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["action_id"] is None

    def fwa_sent():
        return fwa.get(f"{url}/partner/referrals", timeout=10).json() or None

    [theirs] = wait_for(fwa_sent, timeout=30, message="FWA sees the case-sent referral")
    accepted = fwa.post(
        f"{url}/partner/referrals/{theirs['id']}/status", json={"update": "accept"}, timeout=10
    )
    assert accepted.status_code == 200, accepted.text

    def fwa_entry():
        diary = agenzia.get(f"{url}/cases/{case_id}/diary", timeout=10).json()
        found = [
            e["text"]
            for e in diary
            if e["kind"] == "aggiornamento_partner" and "partner FWA" in e["text"]
        ]
        return found or None

    found = wait_for(fwa_entry, timeout=30, message="FWA's answer in the case's diary")
    assert found == ["Aggiornamento dal partner FWA (Microcredito sociale): invio accettato."]
    project = agenzia.get(f"{url}/cases/{case_id}/project", timeout=10).json()
    assert [a["status"] for a in project["actions"]] == ["completata"]
    page = agenzia.get(f"{suite.base_url}/schede/{case_id}/diario", timeout=15)
    assert page.status_code == 200
    assert "Aggiornamento dal partner FWA (Microcredito sociale): invio accettato." in page.text
