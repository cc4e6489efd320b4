"""The legal hold and the pseudonymised case on the case page (Chiusura tab, page header):
coordinators put and lift the hold, other profiles neither see the form nor may post it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from gateway_helpers import SAN_DONATO, SGM, csrf_from, login, referral_payload, take_on

from abitare_chassis.actor import Actor

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))
COORDINATOR = Actor(sub="operator:coordinamento", role="coordinator", comuni=(SGM, SAN_DONATO))


@pytest.fixture
def closed_case(intake, tmp_path):
    """A case closed eleven years ago (its closure backdated in intake's database)."""
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on(intake, AGENCY, case)
    intake.close_case(AGENCY, case, {"outcome": "trasferimento"})
    long_ago = (datetime.now(UTC) - timedelta(days=11 * 366)).isoformat()
    with sqlite3.connect(tmp_path / "intake.db") as db:
        db.execute("UPDATE case_closure SET closed_at = ? WHERE referral_id = ?", (long_ago, case))
    return case


def hold(client, case, **data):
    page = f"/schede/{case}/chiusura"
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(f"/schede/{case}/blocco-legale", data={"csrf_token": token, **data})


def test_a_coordinator_puts_and_lifts_a_legal_hold(client, intake, closed_case):
    login(client, "coordinamento", "coord-pw")
    page = client.get(f"/schede/{closed_case}/chiusura").get_data(as_text=True)
    assert 'id="legal-hold-form"' in page and "durata da verificare" in page
    assert hold(client, closed_case, action="metti").status_code == 422  # no reason
    response = hold(client, closed_case, action="metti", reason="Contenzioso in corso")
    assert response.status_code == 302
    page = client.get(f"/schede/{closed_case}").get_data(as_text=True)
    assert 'id="legal-hold-note"' in page and "Contenzioso in corso" in page
    assert "la scheda non sarà pseudonimizzata" in page

    assert intake.run_retention(COORDINATOR)["pseudonymised"] == 0  # held
    assert hold(client, closed_case, action="togli").status_code == 302
    assert 'id="legal-hold-note"' not in client.get(f"/schede/{closed_case}").get_data(as_text=True)


@pytest.mark.parametrize(
    "username, password", [("agenzia", "agenzia-pw"), ("sgm.sociale", "sgm-pw")]
)
def test_an_operator_neither_sees_nor_may_post_the_hold(client, closed_case, username, password):
    login(client, username, password)
    assert 'id="legal-hold-form"' not in client.get(f"/schede/{closed_case}/chiusura").get_data(
        as_text=True
    )
    response = hold(client, closed_case, action="metti", reason="Contenzioso")
    assert response.status_code == 403
    assert "Il tuo profilo non consente questa operazione." in response.get_data(as_text=True)
    assert 'id="legal-hold-note"' not in client.get(f"/schede/{closed_case}").get_data(as_text=True)


def test_a_pseudonymised_case_shows_when_instead_of_names(client, intake, closed_case):
    login(client, "coordinamento", "coord-pw")
    assert "Rossi Mario" in client.get(f"/schede/{closed_case}").get_data(as_text=True)
    assert intake.run_retention(COORDINATOR)["pseudonymised"] == 1
    today = datetime.now(UTC).astimezone().strftime("%d/%m/%Y")
    for tab in ("", "/chiusura", "/diario"):
        html = client.get(f"/schede/{closed_case}{tab}").get_data(as_text=True)
        assert "Dati pseudonimizzati il" in html, tab
        assert "Rossi" not in html and "Mario" not in html, tab
    html = client.get(f"/schede/{closed_case}").get_data(as_text=True)
    assert 'id="pseudonymised-note"' in html and today[-4:] in html
    closure_tab = client.get(f"/schede/{closed_case}/chiusura").get_data(as_text=True)
    assert 'id="legal-hold-form"' not in closure_tab and 'id="reopen-form"' not in closure_tab
    response = hold(client, closed_case, action="metti", reason="Troppo tardi")
    assert response.status_code == 409
    assert "pseudonimizzati" in response.get_data(as_text=True)
