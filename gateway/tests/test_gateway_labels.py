"""The gateway's labels of intake's codes are intake's vocabulary: read from the contract file
the package ships, equal to intake's module and to what intake serves."""

from __future__ import annotations

from pathlib import Path

from gateway_helpers import SGM, login

from abitare_chassis.actor import Actor
from abitare_gateway import labels
from abitare_gateway.rpc import ServiceUnavailable
from intake.domain import labels as intake_labels
from intake.domain import lifecycle, project, vocabulary

REPO = Path(__file__).resolve().parents[2]


def test_the_package_ships_intakes_contract_file():
    shipped = REPO / "gateway" / "abitare_gateway" / "contracts" / "vocabulary.json"
    assert shipped.read_bytes() == (REPO / "infra" / "contracts" / "vocabulary.json").read_bytes()


def test_labels_are_intakes_vocabulary():
    assert labels.INTAKE_VOCABULARY == intake_labels.as_contract()
    assert labels.RELATION == vocabulary.RELATIONS and labels.DIARY_KIND == vocabulary.DIARY_KINDS
    assert labels.HEAD_OF_HOUSEHOLD == vocabulary.HEAD_OF_HOUSEHOLD
    assert labels.label("problem_reported", "sfratto_esecutivo") == "Sfratto esecutivo"


def test_the_case_path_labels_are_intakes():
    """Statuses, grades, action types and outcomes are worded once, in intake's rules."""
    assert labels.REFERRAL_STATUS == lifecycle.STATUSES
    assert labels.ACTION_TYPE == project.ACTION_TYPES
    assert labels.CLOSURE_OUTCOME == lifecycle.CLOSURE_OUTCOMES
    assert labels.GRADE == intake_labels.GRADE
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
