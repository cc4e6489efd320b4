"""The Fondo Affitto end to end, every service a process, through the gateway: a project's
fund_application action -> funds opens a draft and answers the action "in corso" -> a
coordinator opens a window -> the operator completes and files the application (every
criterion explained, the grant) -> closure, ranking, approval -> payment -> the project's
action is "completata" with the outcome, and a retried filing is one application."""

from datetime import date, timedelta

from abitare_chassis.testing.services import wait_for
from tests.support.data import referral
from tests.support.suite import operator_session

SGM = "015195"
DEMO_REGULATION = "5a3b2e1c-0000-4000-8000-000000000001"
DOCUMENTS = [
    "Attestazione ISEE in corso di validità",
    "Contratto di locazione registrato",
    "Documento d'identità del richiedente",
]


def test_fund_application_action_to_payment_reaches_the_case(suite):
    url = suite.base_url + "/api/v1"
    created = suite.api(SGM).post(f"{url}/referrals", json=referral(SGM, n=771), timeout=15)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    agenzia = operator_session(suite, "agenzia", "agenzia-demo")
    coordinatrice = operator_session(suite, "coordinatrice", "coordinatrice-demo")
    taken = agenzia.post(
        f"{url}/cases/{case_id}/triage",
        json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
        timeout=10,
    )
    assert taken.status_code == 200, taken.text
    project = agenzia.get(f"{url}/cases/{case_id}/project", timeout=10)
    saved = agenzia.put(
        f"{url}/cases/{case_id}/project",
        json={
            "objectives": ["Sostenere il canone"],
            "actions": [
                {
                    "type": "fund_application",
                    "description": "Domanda al Fondo Affitto di Ambito",
                    "responsible": "agency",
                }
            ],
        },
        headers={"If-Match": project.headers["ETag"]},
        timeout=10,
    )
    assert saved.status_code == 200, saved.text
    action_id = saved.json()["actions"][0]["id"]
    applications = f"{url}/cases/{case_id}/funds/applications"

    def draft():
        return agenzia.get(applications, timeout=10).json() or None

    [opened] = wait_for(draft, timeout=30, message="funds opens the draft")
    assert (opened["state"], opened["action_id"]) == ("bozza", action_id)

    def action(status):
        def check():
            [a] = agenzia.get(f"{url}/cases/{case_id}/project", timeout=10).json()["actions"]
            return a if a["status"] == status else None

        return wait_for(check, timeout=30, message=f"the action is {status}")

    action("in_corso")

    today = date.fromisoformat(
        agenzia.get(f"{url}/cases/{case_id}", timeout=10).json()["received_at"][:10]
    )
    window = coordinatrice.post(
        f"{url}/funds/rent-fund/windows",
        json={
            "regulation_id": DEMO_REGULATION,
            "title": "Bando e2e",
            "opens_on": max(today - timedelta(days=5), date(2026, 1, 1)).isoformat(),
            "closes_on": (today + timedelta(days=30)).isoformat(),
            "budget_cents": 1_000_000,
        },
        timeout=10,
    )
    assert window.status_code == 201, window.text
    window_id = window.json()["id"]
    body = {
        "window_id": window_id,
        "application_id": opened["id"],
        "isee_cents": 850_000,
        "isee_kind": "certificato",
        "monthly_rent_cents": 48_000,
        "monthly_net_income_cents": 110_000,
        "resident": True,
        "lease_registered": True,
        "lease_start": "2023-03-01",
        "tenure": "libero",
        "eviction_procedure": False,
        "owns_adequate_dwelling": False,
        "documents": DOCUMENTS,
    }
    key = {"Idempotency-Key": f"e2e-{case_id}"}
    filed = agenzia.post(applications, json=body, headers=key, timeout=15)
    assert filed.status_code == 201, filed.text
    again = agenzia.post(applications, json=body, headers=key, timeout=15)
    assert again.status_code == 201 and again.json()["id"] == filed.json()["id"]
    application = filed.json()
    assert (application["eligibility"], application["grant_cents"]) == ("ammissibile", 360_000)

    for step in ("closure", "ranking", "approval"):
        done = coordinatrice.post(f"{url}/funds/rent-fund/windows/{window_id}/{step}", timeout=15)
        assert done.status_code == 200, (step, done.text)
    assert done.json()["committed_cents"] == 360_000
    paid = coordinatrice.post(
        f"{url}/funds/rent-fund/applications/{application['id']}/payments",
        json={"amount_cents": 360_000, "paid_on": today.isoformat()},
        timeout=15,
    )
    assert paid.status_code == 201 and paid.json()["state"] == "pagata", paid.text

    done = action("completata")
    assert done["id"] == action_id
    [listed] = agenzia.get(applications, timeout=10).json()
    assert (listed["state"], listed["paid_cents"]) == ("pagata", 360_000)
