"""Issue 8: a codice fiscale that contradicts its member is flagged (on the Nuova scheda form
before sending, on the case page, in the API answer, in the coordinator's Anomalie list), and
the Commissione's agenda is filled by finding the household, not by typing an identifier."""

from __future__ import annotations

import re

from gateway_helpers import (
    HEAD_CF,
    SAN_DONATO,
    SGM,
    bearer,
    cf,
    csrf_from,
    get_token,
    login,
    referral_payload,
)
from gateway_helpers import take_on as take_on_case

from abitare_chassis.actor import Actor
from abitare_gateway.purposes import COMMISSION, DATA_QUALITY

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))
# Mario Rossi's code says 1 January 1980; this member says the 2nd
WRONG_DAY = {"birth_date": "1980-01-02"}


def household(**changes) -> list[dict]:
    members = referral_payload()["household"]
    members[0] = {**members[0], **changes}
    return members


def signed_in(client, username="agenzia", password="agenzia-pw"):
    assert login(client, username, password).status_code == 302
    return client


def referral_form(client, birth_date="01/01/1980", **extra) -> dict:
    token = csrf_from(client.get("/schede/nuova").get_data(as_text=True))
    return {
        "csrf_token": token,
        "idempotency_key": "cf-form-1",
        "comune_istat": SGM,
        "referring_body": "servizi_sociali_comune",
        "problem_reported": "sfratto_esecutivo",
        "housing_situation": "sfratto_in_corso",
        "members-0-codice_fiscale": HEAD_CF,
        "members-0-first_name": "Mario",
        "members-0-last_name": "Rossi",
        "members-0-birth_date": birth_date,
        "members-0-relation": "intestatario",
        **extra,
    }


# -- the codice fiscale --------------------------------------------------------------------------
def test_the_form_warns_before_sending_and_sends_once_confirmed(client, fake):
    operator = signed_in(client)
    response = operator.post("/schede/nuova", data=referral_form(operator, "02/01/1980"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and fake.calls_to("intake", "submit_referral") == []
    assert 'id="cf-warning-summary"' in html and 'id="confirm-warnings"' in html
    warning = re.search(r'id="members-0-cf-warnings">(.*?)</div>', html, re.S).group(1)
    assert "Attenzione: Il codice fiscale indica come data di nascita il 01/01/1980" in warning
    assert "02/01/1980" in warning
    assert 'value="Rossi"' in html  # what was typed is kept

    response = operator.post(
        "/schede/nuova", data=referral_form(operator, "02/01/1980", confirm_warnings="1")
    )
    assert response.status_code == 302 and len(fake.calls_to("intake", "submit_referral")) == 1
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="small mb-0 mt-1 abitare-cf-warning text-danger"' in page
    assert 'data-code="codice_fiscale_birth_date_mismatch"' in page


def test_a_coherent_household_is_sent_at_once(client, fake):
    operator = signed_in(client)
    response = operator.post("/schede/nuova", data=referral_form(operator))
    assert response.status_code == 302
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert "abitare-cf-warning" not in page


def test_a_name_mismatch_is_a_softer_notice(client, fake):
    operator = signed_in(client)
    data = referral_form(operator, **{"members-0-last_name": "Verdi"})
    html = operator.post("/schede/nuova", data=data).get_data(as_text=True)
    assert "Da verificare: Le lettere del codice fiscale (RSSMRA)" in html
    assert "(VRDMRA)" in html


def test_the_api_answer_carries_the_coded_warnings(client, intake):
    response = client.post(
        "/api/v1/referrals",
        json=referral_payload(household=household(**WRONG_DAY)),
        headers=bearer(get_token(client)),
    )
    assert response.status_code == 201, response.get_json()
    head, child = response.get_json()["household"]
    assert head["codice_fiscale_warnings"] == [
        {
            "code": "codice_fiscale_birth_date_mismatch",
            "severity": "warning",
            "encoded": "01/01/1980",
            "declared": "02/01/1980",
        }
    ]
    assert child["codice_fiscale_warnings"] == []


def test_anomalies_are_listed_for_coordinators_only(client, app, intake, fake):
    flagged = intake.submit_referral(AGENCY, referral_payload(household=household(**WRONG_DAY)))
    intake.submit_referral(AGENCY, referral_payload())
    coordinator = signed_in(client, "coordinamento", "coord-pw")
    html = coordinator.get("/anomalie").get_data(as_text=True)
    assert 'id="nav-anomalie"' in html and 'id="anomalies-count">1 componente' in html
    assert f'data-referral="{flagged["id"]}"' in html and "Rossi Mario" in html
    assert fake.calls_to("intake", "list_anomalies")[-1].kwargs["purpose"] == DATA_QUALITY

    agency = signed_in(app.test_client())
    response = agency.get("/anomalie")
    assert response.status_code == 403 and 'id="anomalies-forbidden"' in response.get_data(
        as_text=True
    )
    assert 'id="nav-anomalie"' not in agency.get("/lavoro").get_data(as_text=True)


# -- the Commissione's agenda ------------------------------------------------------------------
def test_the_agenda_is_filled_by_finding_the_household(client, intake, fake):
    waiting = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on_case(intake, AGENCY, waiting)
    intake.save_project(AGENCY, waiting, 0, {"objectives": ["Casa"], "actions": []})
    bianchi = [
        {
            "codice_fiscale": cf("BNCGPP70A01F205"),
            "first_name": "Giuseppe",
            "last_name": "Bianchi",
            "birth_date": "1970-01-01",
            "relation": "intestatario",
        }
    ]
    other = intake.submit_referral(AGENCY, referral_payload(household=bianchi))["id"]
    take_on_case(intake, AGENCY, other)
    coordinator = signed_in(client, "coordinamento", "coord-pw")
    meeting = coordinator.post(
        "/commissione",
        data={
            "csrf_token": csrf_from(coordinator.get("/commissione").get_data(as_text=True)),
            "date": "2026-06-20",
            "location": "Sala consiliare",
        },
    ).headers["Location"]

    html = coordinator.get(meeting).get_data(as_text=True)
    assert "Identificativo della scheda" not in html and 'id="cerca"' in html
    assert re.findall(r'data-referral="([0-9a-f-]{36})"', html) == [waiting]  # waiting first
    assert "Progetto da validare" in html

    html = coordinator.get(f"{meeting}?cerca=bianchi").get_data(as_text=True)
    assert re.findall(r'class="form-check abitare-candidate" data-referral="([^"]+)"', html) == [
        other
    ]
    html = coordinator.get(f"{meeting}?cerca={bianchi[0]['codice_fiscale'].lower()}").get_data(
        as_text=True
    )
    assert f'value="{other}" id="candidate-1" checked' in html
    assert fake.calls_to("intake", "agenda_candidates")[-1].kwargs["purpose"] == COMMISSION
    assert (
        fake.calls_to("intake", "agenda_candidates")[-1].args[-1]
        == bianchi[0]["codice_fiscale"].lower()
    )

    response = coordinator.post(
        f"{meeting}/proposte",
        data={
            "csrf_token": csrf_from(html),
            "cerca": "bianchi",
            "referral_id": other,
            "kind": "extend_stay",
        },
    )
    assert response.status_code == 302
    html = coordinator.get(f"{meeting}?cerca=bianchi").get_data(as_text=True)
    assert "Giuseppe" in html and "Già all'ordine del giorno" in html
    html = coordinator.get(f"{meeting}?cerca=nessuno").get_data(as_text=True)
    assert 'id="no-candidates"' in html and "«nessuno»" in html


def test_choosing_no_household_is_said_next_to_the_list(client, intake):
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on_case(intake, AGENCY, case)
    intake.save_project(AGENCY, case, 0, {"objectives": ["Casa"], "actions": []})
    coordinator = signed_in(client, "coordinamento", "coord-pw")
    token = csrf_from(coordinator.get("/commissione").get_data(as_text=True))
    meeting = coordinator.post(
        "/commissione", data={"csrf_token": token, "date": "2026-06-20", "location": "Sala"}
    ).headers["Location"]
    response = coordinator.post(
        f"{meeting}/proposte", data={"csrf_token": token, "kind": "validate_project"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="referral_id-error"' in html
    assert 'href="#referral_id"' in html and 'id="candidates"' in html


def test_the_form_refuses_only_what_is_certainly_wrong():
    from abitare_gateway.validators import codice_fiscale_error

    assert "carattere di controllo" in codice_fiscale_error("RSSMRA80A01F205Y")
    assert "data di nascita che contiene non esiste" in codice_fiscale_error(cf("RSSMRA80B31F205"))
    assert codice_fiscale_error("RSSMRA80A01F2") == "Il codice fiscale ha 16 caratteri."
    assert codice_fiscale_error(cf("RSSMRA80A01F20R")) is None  # omocodia: valid
    assert codice_fiscale_error(HEAD_CF) is None  # whether it fits the member is a warning


# -- the other services' sections in words ------------------------------------------------------
def test_the_sections_say_what_is_shared_and_what_available_means(client, intake, fake):
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    fake.returns("funds", "get_funds_file", None)
    fake.returns("housing_stock", "get_housing_need", None)
    fake.returns(
        "partners",
        "get_deliveries",
        [
            {
                "partner_code": "FWA",
                "partner_name": "Fondazione Welfare Ambrosiano",
                "event_type": "intake.referral_received.v1",
                "fields": ["economics.monthly_net_income_cents", "household.size"],
                "field_labels": ["Reddito netto mensile", "Numero di componenti del nucleo"],
                "queued_at": "2026-01-10T10:00:00+00:00",
            }
        ],
    )
    html = signed_in(client).get(f"/schede/{case}").get_data(as_text=True)
    shared = re.search(r'class="delivery-fields">([^<]*)<', html).group(1)
    assert shared == "Reddito netto mensile; Numero di componenti del nucleo"
    assert "economics." not in html and "household.size" not in html
    assert 'id="partner-note">Disponibile: i dati di questa scheda inviati ai partner' in html
    assert 'id="scheda-note"' in html and 'id="fondi-note"' not in html  # funds: in attesa
