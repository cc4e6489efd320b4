"""The gateway's labels of intake's codes are intake's vocabulary: read from the contract file
the package ships, equal to the file in infra/contracts (which intake's own test holds equal to
its rules: the gateway does not import intake's package) and to what intake serves."""

from __future__ import annotations

import json
from pathlib import Path

from gateway_helpers import SGM, login

from abitare_chassis.actor import Actor
from abitare_gateway import labels
from abitare_gateway.rpc import ServiceUnavailable

REPO = Path(__file__).resolve().parents[2]
CONTRACT = json.loads((REPO / "infra" / "contracts" / "vocabulary.json").read_text("utf-8"))
TABLES = CONTRACT["tables"]


def test_the_package_ships_intakes_contract_file():
    shipped = REPO / "gateway" / "abitare_gateway" / "contracts" / "vocabulary.json"
    assert shipped.read_bytes() == (REPO / "infra" / "contracts" / "vocabulary.json").read_bytes()


def test_the_package_ships_partners_contract_file_and_words_its_codes():
    name = "partners-vocabulary.json"
    shipped = REPO / "gateway" / "abitare_gateway" / "contracts" / name
    contract = REPO / "infra" / "contracts" / name
    assert shipped.read_bytes() == contract.read_bytes()
    words = json.loads(contract.read_text("utf-8"))
    assert labels.PARTNERS_VOCABULARY == words
    assert labels.label("partner_referral_state", "inviato") == "Inviato, in attesa di risposta"
    assert labels.label("partner_service", "microcredito") == "Microcredito sociale"
    assert labels.partner_outcome("formazione", "iscritto") == "Iscrizione al corso"
    assert labels.partner_outcome("mutua_sanitaria", "iscritto") == "Iscrizione completata"
    assert labels.partner_field("household.size") == "Numero di componenti del nucleo"
    assert labels.partner_field("nuovo.campo") == "Altro dato (nuovo.campo)"
    assert labels.label("partner_lender_status", "written_off") == "Prestito passato a perdita"


def test_labels_are_intakes_vocabulary():
    assert labels.INTAKE_VOCABULARY == CONTRACT
    assert labels.RELATION == TABLES["relation"] and labels.DIARY_KIND == TABLES["diary_kind"]
    assert labels.HEAD_OF_HOUSEHOLD == CONTRACT["head_of_household"]
    assert labels.label("problem_reported", "sfratto_esecutivo") == "Sfratto esecutivo"


def test_the_case_path_labels_are_intakes():
    """Statuses, grades, action types and outcomes are worded once, in intake's rules."""
    assert labels.REFERRAL_STATUS == TABLES["referral_status"]
    assert labels.ACTION_TYPE == TABLES["action_type"]
    assert labels.CLOSURE_OUTCOME == TABLES["closure_outcome"]
    assert labels.GRADE == TABLES["grade"]
    assert labels.label("fotografia_gap", "non_valutato") == "Non valutato"


def test_the_form_offers_what_intake_serves(intake):
    served = intake.get_vocabulary(Actor(sub="operator:x", role="agency_operator", comuni=(SGM,)))
    assert labels.form_vocabulary() == served


def test_the_form_works_while_intake_is_away(client, fake):
    fake.fail("intake", "get_vocabulary", ServiceUnavailable("intake"))
    fake.fail("intake", "list_comuni", ServiceUnavailable("intake"))
    assert login(client).status_code == 302
    html = client.get("/schede/nuova").get_data(as_text=True)
    assert "Nucleo familiare (richiesta diretta)" in html and 'value="intestatario"' in html
    assert fake.calls_to("intake", "get_vocabulary") == []


def test_histories_name_people_not_accounts(app):
    from abitare_gateway.accounts import actor_name

    with app.test_request_context():
        assert actor_name("operator:agenzia") == "Operatrice Agenzia"
        assert actor_name("operator:coordinamento") == "Coordinatrice"
        assert actor_name("operator:left-the-agency") == "left-the-agency"
        assert actor_name("system:demo") == "Sistema"
        assert actor_name(None) == "—"
