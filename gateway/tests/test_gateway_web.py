"""The operators' web UI: accessible Italian pages, CSRF on every form, the referral form."""

from __future__ import annotations

import re

import pytest
from gateway_helpers import CHILD_CF, HEAD_CF, MILANO, SAN_DONATO, SGM, csrf_from, login

from abitare_chassis.actor import Actor
from abitare_chassis.errors import encode
from abitare_gateway.rpc import ServiceUnavailable

AGENCY_ACTOR = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))


@pytest.fixture
def operator(client):
    assert login(client).status_code == 302
    return client


def form_data(client, **changes):
    token = csrf_from(client.get("/schede/nuova").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "idempotency_key": "form-key-1",
        "comune_istat": SGM,
        "referring_body": "servizi_sociali_comune",
        "problem_reported": "sfratto_esecutivo",
        "housing_situation": "sfratto_in_corso",
        "eviction_date": "2025-09-30",
        "monthly_net_income": "1.500,00",
        "monthly_rent": "700,50",
        "description": "",
        "contact_phone": "",
        "members-0-codice_fiscale": HEAD_CF.lower(),
        "members-0-first_name": "Mario",
        "members-0-last_name": "Rossi",
        "members-0-birth_date": "01/01/1980",
        "members-0-relation": "intestatario",
        "members-1-codice_fiscale": CHILD_CF,
        "members-1-first_name": "Lucia",
        "members-1-last_name": "Rossi",
        "members-1-birth_date": "2012-03-01",
        "members-1-relation": "figlio",
    }
    data.update(changes)
    return data


def test_login_page_is_accessible(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="it">' in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link
    assert '<label for="username"' in html and 'id="username"' in html
    assert '<label for="password"' in html and 'id="password"' in html
    assert 'id="login"' in html


def test_login_without_csrf_token_is_refused(client):
    client.get("/login")
    response = client.post("/login", data={"username": "agenzia", "password": "agenzia-pw"})
    assert response.status_code == 400
    assert "Modulo non valido" in response.get_data(as_text=True)
    assert client.get("/schede").status_code == 302


def test_referral_form_post_without_csrf_token_is_refused(operator, fake):
    data = form_data(operator)
    data.pop("csrf_token")
    assert operator.post("/schede/nuova", data=data).status_code == 400
    data["csrf_token"] = "forged"
    assert operator.post("/schede/nuova", data=data).status_code == 400
    assert fake.calls_to("intake", "submit_referral") == []


def test_root_redirects_to_the_worklist(operator):
    response = operator.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lavoro")


def test_form_has_the_fields_browser_tests_target(operator):
    html = operator.get("/schede/nuova").get_data(as_text=True)
    for field_id in (
        "comune_istat",
        "referring_body",
        "problem_reported",
        "housing_situation",
        "eviction_date",
        "monthly_net_income",
        "monthly_rent",
        "members-0-codice_fiscale",
        "members-0-first_name",
        "members-0-last_name",
        "members-0-birth_date",
        "members-0-relation",
        "submit-referral",
        "add-member",
    ):
        assert f'id="{field_id}"' in html, field_id
        if field_id not in ("submit-referral", "add-member"):
            assert f'<label for="{field_id}"' in html, field_id


def test_comune_select_offers_only_the_operators_comuni(operator):
    html = operator.get("/schede/nuova").get_data(as_text=True)
    select = re.search(r'<select id="comune_istat".*?</select>', html, re.S).group(0)
    assert f'value="{SGM}"' in select and f'value="{SAN_DONATO}"' in select
    assert f'value="{MILANO}"' not in select
    assert "San Giuliano Milanese" in select


def test_submitting_the_form_files_a_referral_in_cents(operator, fake):
    response = operator.post("/schede/nuova", data=form_data(operator))
    assert response.status_code == 302
    assert re.search(r"/schede/[0-9a-f-]{36}$", response.headers["Location"])
    payload = fake.calls_to("intake", "submit_referral")[-1].args[0]
    assert payload["monthly_net_income_cents"] == 150000
    assert payload["monthly_rent_cents"] == 70050
    assert payload["eviction_date"] == "2025-09-30"
    assert payload["household"][0] == {
        "codice_fiscale": HEAD_CF,
        "first_name": "Mario",
        "last_name": "Rossi",
        "birth_date": "1980-01-01",
        "relation": "intestatario",
    }
    assert payload["idempotency_key"] == "form-key-1"
    assert fake.calls_to("intake", "submit_referral")[-1].actor.sub == "operator:agenzia"
    detail = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Scheda di attivazione registrata" in detail


def test_errors_are_shown_next_to_the_fields_in_italian_and_values_kept(operator, fake):
    data = form_data(
        operator,
        monthly_rent="sette",
        problem_reported="",
        **{"members-1-codice_fiscale": "RSSLCU12C41F205Z", "members-1-birth_date": "31/02/2012"},
    )
    response = operator.post("/schede/nuova", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in html
    assert 'id="monthly_rent-error"' in html and "Importo non valido" in html
    assert 'id="problem_reported-error"' in html and "Campo obbligatorio." in html
    assert 'id="members-1-codice_fiscale-error"' in html and "Codice fiscale non valido" in html
    assert 'id="members-1-birth_date-error"' in html and "Data non valida" in html
    assert 'aria-invalid="true"' in html
    assert 'value="sette"' in html and 'value="Lucia"' in html  # values preserved
    assert fake.calls_to("intake", "submit_referral") == []


def test_intake_errors_are_mapped_to_the_form_fields(operator, fake):
    fields = {
        "household": [{"code": "household_head_count", "relation": "intestatario", "found": 2}],
        "household.1.codice_fiscale": [{"code": "codice_fiscale_duplicate"}],
        "household.0.birth_date": [{"code": "birth_date_too_old", "min_year": 1900}],
    }
    fake.remote_error(
        "intake",
        "submit_referral",
        "InvalidInput",
        encode("invalid_input", "invalid", "invalid input", {"fields": fields}),
    )
    html = operator.post("/schede/nuova", data=form_data(operator)).get_data(as_text=True)
    assert "Il nucleo deve avere esattamente un intestatario." in html
    assert 'id="members-error"' in html
    assert 'id="members-1-codice_fiscale-error"' in html
    assert "Codice fiscale già indicato" in html
    assert "Data di nascita troppo lontana nel tempo." in html  # by code, not by sentence


def test_intake_down_keeps_the_form(operator, fake):
    fake.fail("intake", "submit_referral", ServiceUnavailable("intake"))
    response = operator.post("/schede/nuova", data=form_data(operator))
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "non è raggiungibile" in html and 'value="Mario"' in html


def test_adding_and_removing_members_without_javascript(operator, fake):
    data = form_data(operator, action="add-member")
    html = operator.post("/schede/nuova", data=data).get_data(as_text=True)
    assert 'id="members-2-codice_fiscale"' in html
    assert 'data-focus="members-2-codice_fiscale"' in html
    data = form_data(operator, remove_member="0")
    html = operator.post("/schede/nuova", data=data).get_data(as_text=True)
    assert 'id="members-1-codice_fiscale"' not in html
    assert 'value="Lucia"' in html and 'value="Mario"' not in html
    assert fake.calls_to("intake", "submit_referral") == []


def test_empty_extra_member_rows_are_ignored(operator, fake):
    data = form_data(operator, **{"members-5-codice_fiscale": "", "members-5-first_name": ""})
    assert operator.post("/schede/nuova", data=data).status_code == 302
    assert len(fake.calls_to("intake", "submit_referral")[-1].args[0]["household"]) == 2


def test_creating_for_a_comune_outside_scope_is_refused(operator, fake):
    response = operator.post("/schede/nuova", data=form_data(operator, comune_istat=MILANO))
    assert response.status_code == 422
    assert 'id="comune_istat-error"' in response.get_data(as_text=True)
    assert fake.calls_to("intake", "submit_referral") == []


def test_detail_page_shows_the_four_services(operator, fake):
    location = operator.post("/schede/nuova", data=form_data(operator)).headers["Location"]
    fake.returns(
        "funds",
        "get_funds_file",
        {
            "referral_id": "r0001",
            "comune_istat": SGM,
            "opened_at": "2025-06-01T10:00:00+00:00",
            "affordability": {
                "monthly_rent_cents": 70050,
                "monthly_net_income_cents": 150000,
                "rent_to_income_ratio": "0.4670",
                "threshold": "0.30",
                "outcome": "non_sostenibile",
                "explanation": "Canone oltre soglia.",
            },
        },
    )
    fake.remote_error(
        "housing_stock",
        "get_housing_need",
        "HousingNeedNotFound",
        encode("housing_need_not_found", "not_found", "not yet"),
    )
    fake.fail("partners", "get_deliveries", ServiceUnavailable("partners"))
    response = operator.get(location)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="scheda" aria-labelledby="scheda-title" data-status="disponibile"' in html
    assert 'id="fondi" aria-labelledby="fondi-title" data-status="disponibile"' in html
    assert "Non sostenibile" in html and "46,7 %" in html and "30 %" in html
    assert 'data-status="in_attesa"' in html and "Patrimonio abitativo" in html
    assert 'id="partner" aria-labelledby="partner-title" data-status="non_disponibile"' in html
    assert "1.500,00 €" in html and "700,50 €" in html
    assert "Rossi" in html and HEAD_CF in html and "Sfratto esecutivo" in html


def test_detail_of_another_comune_is_404(client, fake, intake):
    login(client, "sgm.sociale", "sgm-pw")
    from gateway_helpers import referral_payload

    from abitare_chassis.actor import Actor

    milano = Actor(sub="client:comune-015146", role="municipal_client", comuni=(MILANO,))
    referral = intake.submit_referral(milano, referral_payload(comune=MILANO))
    response = client.get(f"/schede/{referral['id']}")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.get_data(as_text=True)


def test_list_page_filters_and_paginates(operator, fake, intake):
    from gateway_helpers import referral_payload

    from abitare_chassis.actor import Actor

    actor = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))
    for _ in range(25):
        intake.submit_referral(actor, referral_payload())
    intake.submit_referral(actor, referral_payload(comune=SAN_DONATO))
    html = operator.get("/schede").get_data(as_text=True)
    assert "Schede di attivazione" in html and 'id="referral-table"' in html
    assert "26 schede" in html and 'id="page-next"' in html
    assert fake.calls_to("intake", "list_referrals")[-1].kwargs == {
        "comune_istat": None,
        "page": 1,
        "page_size": 20,
        "purpose": "gestione del caso",
    }
    html = operator.get(f"/schede?comune={SAN_DONATO}").get_data(as_text=True)
    assert "1 scheda" in html
    calls = len(fake.calls_to("intake", "list_referrals"))
    outside = operator.get(f"/schede?comune={MILANO}&pagina=2")  # outside scope: refused
    assert outside.status_code == 422 and 'id="search-invalid"' in outside.get_data(as_text=True)
    assert len(fake.calls_to("intake", "list_referrals")) == calls


def test_list_page_survives_intake_down(operator, fake):
    fake.fail("intake", "list_referrals", ServiceUnavailable("intake"))
    response = operator.get("/schede")
    assert response.status_code == 503
    assert 'id="list-unavailable"' in response.get_data(as_text=True)


def test_pages_send_security_headers(operator):
    response = operator.get("/schede")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_page_window():
    from abitare_gateway.web import page_window

    assert page_window(1, 1) == [1]
    assert page_window(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_window(2, 4) == [1, 2, 3, 4]


def test_expired_sessions_are_not_accepted(app, operator):
    from sqlalchemy import text

    with app.extensions["abitare_identity"].engine.begin() as conn:
        conn.execute(text("update web_sessions set expires_at = '2000-01-01 00:00:00'"))
    assert operator.get("/schede").status_code == 302


def test_only_the_hash_of_the_session_id_is_stored(app, operator):
    from sqlalchemy import text

    sid = operator.get_cookie("abitare_session").value
    with app.extensions["abitare_identity"].engine.connect() as conn:
        stored = [row[0] for row in conn.execute(text("select id_hash from web_sessions"))]
    assert sid not in stored and len(stored[0]) == 64


def test_new_referral_keeps_the_received_date_given(operator, intake):
    from abitare_gateway import agency_time

    response = operator.post("/schede/nuova", data=form_data(operator, received_on="03/11/2026"))
    assert response.status_code == 302
    referral_id = response.headers["Location"].rsplit("/", 1)[-1]
    stored = intake.get_referral(AGENCY_ACTOR, referral_id)["received_at"]
    assert stored.startswith("2026-11-02T23:00:00")  # midnight of 3 November in Milan
    today = operator.post(
        "/schede/nuova",
        data=form_data(operator, idempotency_key="k2", received_on=agency_time.today().isoformat()),
    )
    assert today.status_code == 302  # today: intake keeps the time it was registered


@pytest.mark.parametrize("day", ["tomorrow", "1999-12-31", "31/02/2026"])
def test_new_referral_refuses_a_received_date_in_the_future_or_too_old(operator, intake, day):
    from datetime import timedelta

    from abitare_gateway import agency_time

    if day == "tomorrow":
        day = (agency_time.today() + timedelta(days=1)).isoformat()
    response = operator.post("/schede/nuova", data=form_data(operator, received_on=day))
    assert response.status_code == 422
    assert 'id="received_on-error"' in response.get_data(as_text=True)
    assert intake.list_referrals(AGENCY_ACTOR)["total"] == 0
