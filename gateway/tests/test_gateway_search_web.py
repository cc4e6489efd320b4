"""/schede's search, /lavoro's sections (counts, pages, filters, the comune), the received date
of Nuova scheda and the same search on GET /api/v1/referrals, over the real intake in
process."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from gateway_helpers import (
    HEAD_CF,
    MILANO,
    SAN_DONATO,
    SGM,
    bearer,
    cf,
    get_token,
    login,
    referral_payload,
)

from abitare_chassis.actor import Actor
from abitare_gateway import agency_time

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))


@pytest.fixture
def operator(client):
    assert login(client).status_code == 302
    return client


def member(codice_fiscale, first, last):
    return {
        "codice_fiscale": codice_fiscale,
        "first_name": first,
        "last_name": last,
        "birth_date": "1975-01-01",
        "relation": "intestatario",
    }


@pytest.fixture
def cases(intake):
    """23 Rossi households in SGM, one Bianchi in San Donato, one D'Amico in SGM."""
    ids = {"rossi": [intake.submit_referral(AGENCY, referral_payload())["id"] for _ in range(23)]}
    bianchi = member(cf("BNCGNN75A01F205"), "Giovanna", "Bianchi")
    ids["bianchi"] = intake.submit_referral(
        AGENCY, referral_payload(comune=SAN_DONATO, household=[bianchi])
    )["id"]
    damico = member(cf("DMCPLA75A01F205"), "Paola", "D'Amico")
    ids["damico"] = intake.submit_referral(AGENCY, referral_payload(household=[damico]))["id"]
    return ids


def rows(html):
    return re.findall(r'<tr data-referral-id="([^"]+)"', html)


def test_search_by_surname_sends_the_criteria_and_pages_them(operator, fake, cases):
    response = operator.get("/schede?cognome=Ross")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fake.calls_to("intake", "list_referrals")[-1].kwargs == {
        "comune_istat": None,
        "page": 1,
        "page_size": 20,
        "purpose": "gestione del caso",
        "last_name": "Ross",
    }
    assert "23 schede trovate, pagina 1 di 2" in html and len(rows(html)) == 20
    assert 'href="/schede?pagina=2&amp;cognome=Ross"' in html
    second = operator.get("/schede?pagina=2&cognome=Ross").get_data(as_text=True)
    assert len(rows(second)) == 3 and not set(rows(second)) & set(rows(html))
    assert rows(operator.get("/schede?cognome=d%27ami").get_data(as_text=True)) == [cases["damico"]]


def test_search_by_codice_fiscale_comune_status_and_period(operator, cases):
    by_cf = operator.get(f"/schede?codice_fiscale={HEAD_CF.lower()}").get_data(as_text=True)
    assert "23 schede trovate" in by_cf
    by_comune = operator.get(f"/schede?comune={SAN_DONATO}").get_data(as_text=True)
    assert rows(by_comune) == [cases["bianchi"]]
    assert "25 schede" in operator.get("/schede?stato=ricevuta").get_data(as_text=True)
    assert "Nessuna scheda" in operator.get("/schede?stato=in_carico").get_data(as_text=True)
    today = agency_time.today()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert "25 schede" in operator.get(f"/schede?dal={today}&al={today}").get_data(as_text=True)
    assert "Nessuna scheda" in operator.get(f"/schede?dal={tomorrow}").get_data(as_text=True)


def test_search_by_assignee_and_grade(operator, fake, intake, cases):
    operator.get("/schede?operatore=me&grado=3")
    kwargs = fake.calls_to("intake", "list_referrals")[-1].kwargs
    assert (kwargs["assigned_to"], kwargs["grade"]) == ("operator:agenzia", 3)


@pytest.mark.parametrize(
    "query, field",
    [
        ("codice_fiscale=RSSMRA80A01F205", "codice_fiscale"),
        (f"comune={MILANO}", "comune"),
        ("stato=aperta", "stato"),
        ("grado=7", "grado"),
        ("operatore=operator:sconosciuto", "operatore"),
        ("dal=31/13/2026", "dal"),
        ("dal=2026-05-02&al=2026-05-01", "al"),
    ],
)
def test_a_bad_criterion_is_shown_on_its_field_and_nothing_is_searched(
    operator, fake, query, field
):
    before = len(fake.calls_to("intake", "list_referrals"))
    response = operator.get(f"/schede?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="search-invalid"' in html
    assert f'id="{field}-error"' in html
    assert len(fake.calls_to("intake", "list_referrals")) == before


def test_worklist_shows_real_counts_the_comune_and_pages_each_section(operator, fake, cases):
    html = operator.get("/lavoro").get_data(as_text=True)
    assert '<strong id="awaiting_triage-total">25</strong>' in html
    assert html.count("San Giuliano Milanese</td>") == 10 - html.count("San Donato Milanese</td>")
    assert "Ordine: prima quelle con sfratto entro 30 giorni" in html
    first = rows(html)
    assert len(first) == 10
    assert 'href="/lavoro?p_awaiting_triage=2#awaiting_triage"' in html
    third = operator.get("/lavoro?p_awaiting_triage=3").get_data(as_text=True)
    assert len(rows(third)) == 5 and not set(rows(third)) & set(first)
    assert fake.calls_to("intake", "get_worklist")[-1].kwargs["pages"] == {"awaiting_triage": 3}


def test_worklist_filters_by_comune_and_assignee(operator, fake, cases):
    html = operator.get(f"/lavoro?comune={SAN_DONATO}").get_data(as_text=True)
    assert rows(html) == [cases["bianchi"]] and "San Donato Milanese</td>" in html
    mine = operator.get("/lavoro?mie=1").get_data(as_text=True)
    assert rows(mine) == [] and 'id="mie" name="mie" type="checkbox" value="1" checked' in mine
    call = fake.calls_to("intake", "get_worklist")[-1].kwargs
    assert (call["mine"], call["comune_istat"]) == (True, None)
    operator.get(f"/lavoro?comune={MILANO}")  # outside scope: all the operator's comuni
    assert fake.calls_to("intake", "get_worklist")[-1].kwargs["comune_istat"] is None


def test_api_searches_like_the_page(operator, cases):
    body = operator.get("/api/v1/referrals?last_name=D%27AM").get_json()
    assert [item["id"] for item in body["items"]] == [cases["damico"]] and body["total"] == 1
    today = agency_time.today().isoformat()
    body = operator.get(f"/api/v1/referrals?received_from={today}&status=ricevuta").get_json()
    assert body["total"] == 25
    bad = operator.get("/api/v1/referrals?status=aperta&codice_fiscale=X")
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"status", "codice_fiscale"}


def test_a_comune_system_searches_what_it_sent_without_case_work(client, cases):
    headers = bearer(get_token(client))
    sent = client.post("/api/v1/referrals", json=referral_payload(), headers=headers).get_json()
    body = client.get("/api/v1/referrals?last_name=rossi", headers=headers).get_json()
    assert [item["id"] for item in body["items"]] == [sent["id"]]  # not the agency's 23
    assert "current_grade" not in body["items"][0]
    assert client.get("/api/v1/referrals?grade=2", headers=headers).status_code == 403


def test_api_worklist_pages_one_section(operator, cases):
    body = operator.get("/api/v1/worklist?section=awaiting_triage&page=3").get_json()
    assert body["totals"]["awaiting_triage"] == 25 and len(body["awaiting_triage"]) == 5
    assert body["pages"]["awaiting_triage"] == 3
    assert operator.get("/api/v1/worklist?section=tutto").status_code == 422


def test_new_referral_has_a_received_date_today_by_default(operator):
    html = operator.get("/schede/nuova").get_data(as_text=True)
    today = agency_time.today().isoformat()
    assert f'id="received_on" name="received_on" value="{today}"' in html
    assert f'max="{today}"' in html
