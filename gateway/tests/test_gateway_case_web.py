"""The case page and its tabs over the fake case path: rendering, forms, CSRF, refusals."""

from __future__ import annotations

import re

import pytest
from gateway_helpers import (
    SAN_DONATO,
    SGM,
    csrf_from,
    days_from_today,
    login,
    referral_payload,
    take_on,
)

from abitare_chassis.actor import Actor

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))
TABS = ("", "/triage", "/diario", "/colloquio", "/valutazione", "/progetto", "/chiusura")


@pytest.fixture
def operator(client):
    assert login(client).status_code == 302
    return client


@pytest.fixture
def case_id(intake):
    return intake.submit_referral(AGENCY, referral_payload())["id"]


@pytest.fixture
def taken_case_id(intake, case_id):
    take_on(intake, AGENCY, case_id)
    return case_id


def post(client, path, **data):
    token = csrf_from(
        client.get(
            path.rsplit("/", 1)[0] if path.endswith(("/assegnazione", "/riapertura")) else path
        ).get_data(as_text=True)
    )
    return client.post(path, data={"csrf_token": token, **data})


def test_every_tab_renders_with_the_tab_navigation(operator, case_id):
    for tab in TABS:
        response = operator.get(f"/schede/{case_id}{tab}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, tab
        assert '<html lang="it">' in html and 'id="case-tabs"' in html
        key = tab.strip("/") or "scheda"
        assert re.search(rf'id="tab-{key}" href="[^"]+" aria-current="page"', html), tab
        assert len(re.findall(r'id="tab-\w+" href="[^"]+" aria-current', html)) == 1
        assert "Rossi Mario" in html and 'id="case-status" data-status="ricevuta"' in html
        for label in (
            "Scheda",
            "Triage",
            "Diario",
            "Colloquio congiunto",
            "Valutazione",
            "Progetto",
            "Chiusura",
        ):
            assert f">{label}</a>" in html


def test_header_navigation(operator):
    html = operator.get("/lavoro").get_data(as_text=True)
    for link in ('id="nav-lavoro"', 'id="nav-schede"', 'id="nav-fotografia"'):
        assert link in html
    assert re.search(r'id="nav-lavoro"\s+aria-current="page"', html)
    assert 'id="nav-commissione"' not in html  # intake's role table: the coordinator's


def test_the_menu_and_the_case_forms_follow_the_role_table(app, case_id):
    pages = {}
    for username, password in (("coordinamento", "coord-pw"), ("sgm.sociale", "sgm-pw")):
        client = app.test_client()
        login(client, username, password)
        pages[username] = "".join(
            client.get(path).get_data(as_text=True)
            for path in (f"/schede/{case_id}/triage", f"/schede/{case_id}/chiusura")
        )
    coordinator, comune = pages["coordinamento"], pages["sgm.sociale"]
    for shown in ('id="nav-commissione"', 'id="triage-form"', 'id="assignment-form"'):
        assert shown in coordinator and shown not in comune
    for sentence in ('id="triage-not-allowed"', 'id="assignment-not-allowed"'):
        assert sentence in comune and sentence not in coordinator
    assert "non puoi fare il triage delle schede" in comune


def test_scheda_tab_keeps_the_four_services(operator, case_id):
    html = operator.get(f"/schede/{case_id}").get_data(as_text=True)
    for section in ('id="scheda"', 'id="fondi"', 'id="patrimonio"', 'id="partner"'):
        assert section in html


def test_triage_shows_eligibility_late_eviction_and_duplicates_before_accepting(operator, intake):
    case_id = intake.submit_referral(AGENCY, referral_payload(eviction_date=days_from_today(0)))[
        "id"
    ]  # eviction today: late
    intake.submit_referral(AGENCY, referral_payload(comune=SAN_DONATO))
    html = operator.get(f"/schede/{case_id}/triage").get_data(as_text=True)
    assert 'data-served="si"' in html
    assert 'id="eviction-check" data-late="si"' in html
    assert "Segnalazione tardiva: lo sfratto è fissato" in html
    assert "giorni dopo la segnalazione" not in html
    assert 'id="duplicates-table"' in html
    assert (
        html.index('id="duplicates-table"')
        < html.index('id="duplicates_acknowledged"')
        < html.index('id="triage-accept"')
    )
    assert '<label for="duplicates_acknowledged">' in html


def test_accepting_without_acknowledging_duplicates_is_refused_in_italian(
    operator, intake, case_id, fake
):
    intake.submit_referral(AGENCY, referral_payload(comune=SAN_DONATO))
    response = post(operator, f"/schede/{case_id}/triage", outcome="presa_in_carico")
    assert response.status_code == 409
    assert "possibili doppie segnalazioni" in response.get_data(as_text=True)
    response = post(
        operator,
        f"/schede/{case_id}/triage",
        outcome="presa_in_carico",
        duplicates_acknowledged="1",
    )
    assert response.status_code == 302
    assert fake.calls_to("intake", "triage_referral")[-1].args[1] == {
        "outcome": "presa_in_carico",
        "duplicates_acknowledged": True,
    }
    html = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="in_carico"' in html and "Presa in carico" in html


def test_declining_needs_a_reason_from_intake(operator, case_id):
    response = post(operator, f"/schede/{case_id}/triage", outcome="respinta")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="reason-error"' in html and "Indica la motivazione per questo esito." in html
    response = post(
        operator, f"/schede/{case_id}/triage", outcome="respinta", reason="Comune non servito"
    )
    assert response.status_code == 302


def test_forms_without_csrf_token_are_refused(operator, case_id, fake):
    for path in (
        "/triage",
        "/diario",
        "/colloquio",
        "/valutazione",
        "/progetto",
        "/chiusura",
        "/riapertura",
        "/assegnazione",
    ):
        response = operator.post(f"/schede/{case_id}{path}", data={"outcome": "respinta"})
        assert response.status_code == 400, path
    for path in ("/commissione", "/commissione/m1/verbale"):
        assert operator.post(path, data={"date": "2025-06-01"}).status_code == 400
    assert [
        c for c in fake.calls if c.method not in ("get_case", "list_comuni", "get_vocabulary")
    ] == []


def test_comune_operator_is_told_in_italian_that_triage_is_not_theirs(client, case_id):
    login(client, "sgm.sociale", "sgm-pw")
    response = post(client, f"/schede/{case_id}/triage", outcome="presa_in_carico")
    assert response.status_code == 403
    assert "Il tuo profilo non consente questa operazione." in response.get_data(as_text=True)


def test_assignment_form(client, app, case_id):
    login(client, "coordinamento", "coord-pw")
    response = post(client, f"/schede/{case_id}/assegnazione", operator_sub="operator:agenzia")
    assert response.status_code == 302
    html = client.get(f"/schede/{case_id}/triage").get_data(as_text=True)
    assert 'id="case-assigned" data-sub="operator:agenzia">Operatrice Agenzia<' in html
    assert 'id="assignment-history"' in html and "<td>Coordinatrice</td>" in html
    assert "operator:" not in html.split("<main", 1)[1].replace('value="operator:', "").replace(
        'data-sub="operator:', ""
    )


def test_diary_entry_and_confidential_entries_of_others(operator, app, case_id, fake):
    response = post(
        operator,
        f"/schede/{case_id}/diario",
        kind="visita_domiciliare",
        occurred_at="2025-05-02T10:30",
        text="Visita: alloggio umido.",
        confidential="1",
    )
    assert response.status_code == 302
    entry = fake.calls_to("intake", "add_diary_entry")[-1].args[1]
    assert entry == {
        "kind": "visita_domiciliare",
        "occurred_at": "2025-05-02T10:30:00+02:00",
        "text": "Visita: alloggio umido.",
        "confidential": True,
    }
    html = operator.get(f"/schede/{case_id}/diario").get_data(as_text=True)
    assert "Visita: alloggio umido." in html
    other = app.test_client()
    login(other, "sgm.sociale", "sgm-pw")
    html = other.get(f"/schede/{case_id}/diario").get_data(as_text=True)
    assert "Visita: alloggio umido." not in html
    assert "Riservato" in html and 'data-confidential="si"' in html
    assert 'name="text"' in html and "PUT" not in html


def test_diary_form_errors_keep_the_values(operator, case_id, fake):
    response = post(
        operator, f"/schede/{case_id}/diario", kind="nota", occurred_at="ieri", text="Da conservare"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="occurred_at-error"' in html and "Da conservare" in html
    assert fake.calls_to("intake", "add_diary_entry") == []


def test_joint_interview_is_scheduled(operator, case_id, fake):
    response = post(
        operator,
        f"/schede/{case_id}/colloquio",
        scheduled_at="2025-06-10T09:30",
        location="Comune di San Giuliano",
        participants="AS Agenzia\nAS Comune\n",
    )
    assert response.status_code == 302
    assert fake.calls_to("intake", "schedule_interview")[-1].args[1] == {
        "scheduled_at": "2025-06-10T09:30:00+02:00",
        "location": "Comune di San Giuliano",
        "participants": ["AS Agenzia", "AS Comune"],
    }
    html = operator.get(f"/schede/{case_id}/colloquio").get_data(as_text=True)
    assert 'id="interview-list"' in html and "Comune di San Giuliano" in html


def test_assessment_shows_the_suggested_grade_and_why_and_allows_an_override(
    operator, case_id, fake
):
    html = operator.get(f"/schede/{case_id}/valutazione").get_data(as_text=True)
    assert '<label for="ind-arrears_rent">' in html and 'id="confirmed_grade"' in html
    response = post(
        operator,
        f"/schede/{case_id}/valutazione",
        **{"ind-arrears_rent": "1", "eviction_stage": "convalida", "eviction_date": "2025-09-30"},
    )
    assert response.status_code == 302
    sent = fake.calls_to("intake", "record_assessment")[-1].args[1]
    assert sent["indicators"] == {
        "arrears_rent": True,
        "eviction_stage": "convalida",
        "eviction_date": "2025-09-30",
    }
    assert sent["confirmed_grade"] is None
    html = operator.get(f"/schede/{case_id}/valutazione").get_data(as_text=True)
    assert 'id="suggested-grade" data-grade="2"' in html and 'id="grade-explanation"' in html
    assert re.search(r'id="ind-arrears_rent"[^>]*checked', html)  # the reassessment starts
    response = post(
        operator,
        f"/schede/{case_id}/valutazione",
        **{"ind-arrears_rent": "1", "confirmed_grade": "3"},
    )
    assert response.status_code == 422
    assert 'id="override_reason-error"' in response.get_data(as_text=True)
    response = post(
        operator,
        f"/schede/{case_id}/valutazione",
        **{"ind-arrears_rent": "1", "confirmed_grade": "3", "override_reason": "Rete assente"},
    )
    assert response.status_code == 302
    html = operator.get(f"/schede/{case_id}/valutazione").get_data(as_text=True)
    assert 'id="assigned-grade" data-grade="3"' in html and 'id="grade-overridden"' in html
    assert html.count("<tr><td>") == 2  # history


def project_form(version, description="Domanda fondo affitto", **extra):
    return {
        "version": str(version),
        "objectives": "Trovare casa\nStabilizzare il reddito",
        "agreed_on": "2025-06-01",
        "actions-0-id": "",
        "actions-0-type": "fund_application",
        "actions-0-responsible": "agency",
        "actions-0-description": description,
        "actions-0-partner_code": "",
        "actions-0-due_date": "2025-07-15",
        "actions-0-status": "da_avviare",
        "actions-1-type": "",
        "actions-1-description": "",
        "actions-1-responsible": "",
        "actions-1-status": "da_avviare",
        **extra,
    }


def test_project_is_saved_with_its_version(operator, taken_case_id, fake):
    case_id = taken_case_id
    html = operator.get(f"/schede/{case_id}/progetto").get_data(as_text=True)
    assert 'type="hidden" name="version" id="project-version" value="0"' in html
    response = post(operator, f"/schede/{case_id}/progetto", **project_form(0))
    assert response.status_code == 302
    call = fake.calls_to("intake", "save_project")[-1]
    assert call.args[1] == 0
    assert call.args[2] == {
        "objectives": ["Trovare casa", "Stabilizzare il reddito"],
        "agreed_on": "2025-06-01",
        "actions": [
            {
                "type": "fund_application",
                "description": "Domanda fondo affitto",
                "responsible": "agency",
                "partner_code": None,
                "partner_service": None,
                "due_date": "2025-07-15",
                "status": "da_avviare",
            }
        ],
    }
    html = operator.get(f"/schede/{case_id}/progetto").get_data(as_text=True)
    assert 'id="project-version" value="1"' in html and "Progetto salvato (versione 1)" in html


def test_a_stale_project_save_shows_the_conflict_and_never_overwrites(
    operator, taken_case_id, intake
):
    case_id = taken_case_id
    post(operator, f"/schede/{case_id}/progetto", **project_form(0))
    response = post(
        operator, f"/schede/{case_id}/progetto", **project_form(0, description="La mia modifica")
    )
    assert response.status_code == 412
    html = response.get_data(as_text=True)
    assert 'id="project-conflict"' in html
    assert "modificato da qualcun altro" in html and "non</strong> sono state salvate" in html
    assert 'id="current-version">1<' in html and "Domanda fondo affitto" in html
    assert 'value="La mia modifica"' in html  # the draft is kept
    assert 'id="project-version" value="1"' in html  # saving again is deliberate
    saved = intake.list_project_versions(AGENCY, case_id)
    assert len(saved) == 1 and saved[0]["actions"][0]["description"] == "Domanda fondo affitto"


def test_adding_an_action_row_without_javascript(operator, case_id, fake):
    response = post(operator, f"/schede/{case_id}/progetto", action="add-action", **project_form(0))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="actions-2-description"' in html
    assert fake.calls_to("intake", "save_project") == []


def test_close_and_reopen(operator, case_id):
    html = operator.get(f"/schede/{case_id}/chiusura").get_data(as_text=True)
    assert 'id="closure-not-available"' in html
    post(operator, f"/schede/{case_id}/triage", outcome="presa_in_carico")
    response = post(
        operator,
        f"/schede/{case_id}/chiusura",
        outcome="sap_assegnato",
        restitution_date=days_from_today(1),
        notes="Restituzione fatta",
    )
    assert response.status_code == 302
    html = operator.get(f"/schede/{case_id}/chiusura").get_data(as_text=True)
    assert "Alloggio SAP assegnato" in html and 'id="reopen-form"' in html
    assert post(operator, f"/schede/{case_id}/riapertura").status_code == 422
    response = post(operator, f"/schede/{case_id}/riapertura", reason="Nuovo sfratto")
    assert response.status_code == 302
    assert 'id="closure-form"' in operator.get(f"/schede/{case_id}/chiusura").get_data(as_text=True)


def test_case_of_another_comune_is_404_on_every_tab(client, intake):
    from gateway_helpers import MILANO

    milano = Actor(sub="client:comune-015146", role="municipal_client", comuni=(MILANO,))
    other = intake.submit_referral(milano, referral_payload(comune=MILANO))["id"]
    login(client)
    for tab in TABS:
        assert client.get(f"/schede/{other}{tab}").status_code == 404, tab
