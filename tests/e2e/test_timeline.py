"""The household's timeline over a real broker with every service running as a process: the
Cronologia tab holds intake's entries and the downstream services' (funds, housing_stock), the
case header shows the emergency placement a grade-4 case requested, and a service that is
stopped leaves a visible gap, not an error page."""

import re

from abitare_chassis.testing.services import wait_for
from tests.support.data import referral
from tests.support.suite import operator_session

SGM = "015195"


def kinds(html: str) -> list[str]:
    return re.findall(r'timeline-entry" data-kind="([a-z_]+)"', html)


def test_the_timeline_composes_every_service_and_survives_one_stopped(suite):
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
    assessed = agenzia.post(
        f"{url}/cases/{case_id}/assessments", json={"pis_situation": "incendio"}, timeout=10
    )
    assert assessed.status_code == 201, assessed.text
    page = f"{suite.base_url}/schede/{case_id}/cronologia"

    def composed():
        html = agenzia.get(page, timeout=15).text
        found = kinds(html)
        return html if {"funds_file", "housing_need"} <= set(found) else None

    html = wait_for(composed, timeout=30, message="funds and housing_stock in the timeline")
    found = kinds(html)
    for kind in ("referral_received", "triage", "assessment", "request_sent"):
        assert kind in found
    assert "Triage: Presa in carico" in html and "Fascicolo fondi aperto" in html
    assert "operator:agenzia" not in html.replace('data-sub="operator:agenzia"', "")
    assert 'data-kind="emergency_placement" data-state="richiesta_inviata"' in html  # header
    assert 'id="timeline-gaps"' not in html

    suite.kill("funds")
    response = agenzia.get(page, timeout=30)
    assert response.status_code == 200
    assert "Fondi: dati non disponibili in questo momento" in response.text
    assert "funds_file" not in kinds(response.text)
    assert {"referral_received", "housing_need"} <= set(kinds(response.text))
