"""A case's ISEE aid through the gateway, against the real funds service (in process, no
broker) on its migrated SQLite database: the API ``/api/v1/cases/{id}/funds/isee`` (record a
certified ISEE, compute an estimate, the applicable one; refusals as problem+json with nothing
stored; another comune's case is 404) and the case tab **Fondi** (its forms and what it shows:
"stima, non certificata", every parameter with its source and "da verificare")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from gateway_doubles.intake import InProcessIntake
from gateway_helpers import SGM, csrf_from, login, referral_payload

from abitare_chassis import migrate
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from funds.adapters.models import metadata
from funds.service import FundsService
from funds.usecases import files

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM,))
DSU_B = {  # domain_rules.md §1.9 example B: ISEE 10.751,88
    "members": [
        {"relation": "genitore", "employment_income_cents": 2_800_000, "worked_6_months": True},
        {"relation": "genitore", "employment_income_cents": 1_200_000, "worked_6_months": True},
        {"relation": "figlio", "minor": True},
        {"relation": "figlio", "minor": True},
    ],
    "rent": {"registered": True, "annual_rent_cents": 960_000},
    "financial": {"deposits_balance_cents": 1_500_000, "state_bonds_cents": 2_000_000},
}
CHILD = {"relation": "figlio", "minor": True}
CERTIFIED = {
    "protocol": "INPS-ISEE-2026-00012345A-00",
    "kind": "ordinario",
    "isee_cents": 1_100_000,
    "dsu_date": "2026-01-10",
    "valid_until": "2026-12-31",
}


class InProcessFunds(InProcessIntake):
    service_cls = FundsService

    def create_tables(self):
        migrate.upgrade(FundsService.migrations_dir, self.db.url)

    def open_file(self, referral_id: str, comune: str = SGM):
        """The funds file intake's referral_received.v2 would open."""
        handler = Db(
            "funds", self.db.url, metadata, handler="funds.handle_intake_referral_received"
        )
        try:
            files.open_funds_file(
                handler,
                {"referral_id": referral_id, "comune_istat": comune, "received_at": None},
                SimpleNamespace(id=f"open-{referral_id}", correlationid=referral_id),
            )
        finally:
            handler.dispose()


@pytest.fixture
def funds(tmp_path, fake):
    service = InProcessFunds(tmp_path / "funds.db")
    service.install(fake)
    yield service
    service.close()


@pytest.fixture
def operator(client, funds):
    assert login(client).status_code == 302
    return client


@pytest.fixture
def case_id(intake, funds):
    case = intake.submit_referral(AGENCY, referral_payload())["id"]
    funds.open_file(case)
    return case


def listed(operator, case_id, on="2026-02-01"):
    response = operator.get(f"/api/v1/cases/{case_id}/funds/isee?on={on}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_api_records_a_certified_isee_and_an_estimate_and_chooses(operator, case_id):
    url = f"/api/v1/cases/{case_id}/funds/isee"
    assert listed(operator, case_id)["applicable"] is None
    estimate = operator.post(f"{url}/estimates", json={"dsu": DSU_B, "computed_on": "2026-01-15"})
    assert estimate.status_code == 201, estimate.get_data(as_text=True)
    body = estimate.get_json()
    assert body["isee_cents"] == 1_075_188 and body["scale"] == "2.66"
    assert body["label"] == "ISEE stimato" and body["to_verify"] is True
    assert any(p["to_verify"] for p in body["parameters"])
    assert listed(operator, case_id)["applicable"]["kind"] == "stimato"

    certified = operator.post(url, json=CERTIFIED)
    assert certified.status_code == 201, certified.get_data(as_text=True)
    assert certified.get_json()["protocol"] == CERTIFIED["protocol"]
    now = listed(operator, case_id)
    assert now["applicable"]["kind"] == "certificato"
    assert now["applicable"]["isee_cents"] == 1_100_000
    assert [e["id"] for e in now["estimates"]] == [body["id"]]
    assert now["estimates"][0] == body  # shown again as it was computed

    again = operator.post(url, json=CERTIFIED)
    assert again.status_code == 422 and again.get_json()["code"] == "certified_isee_duplicate"


@pytest.mark.parametrize(
    "path, body, code",
    [
        ("", {**CERTIFIED, "valid_until": "2025-12-31"}, "certified_isee_invalid"),
        ("", {**CERTIFIED, "isee_cents": 10.5}, None),
        (
            "/estimates",
            {"dsu": {"members": [{"relation": "figlio", "minor": True}]}},
            "isee_input_invalid",
        ),
        ("/estimates", {"dsu": {"members": [{"relation": "zio"}]}}, None),
    ],
)
def test_bad_figures_are_problem_json_and_nothing_is_stored(operator, case_id, path, body, code):
    response = operator.post(f"/api/v1/cases/{case_id}/funds/isee{path}", json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    if code:
        assert response.get_json()["code"] == code
    after = listed(operator, case_id)
    assert after["certified"] == [] and after["estimates"] == []


def test_another_comunes_case_is_404_and_municipal_clients_see_nothing(
    operator, intake, funds, client, sgm_headers
):
    milano = Actor(sub="operator:mi", role="agency_operator", comuni=("015146",))
    other = intake.submit_referral(milano, referral_payload(comune="015146"))["id"]
    funds.open_file(other, "015146")
    assert operator.get(f"/api/v1/cases/{other}/funds/isee").status_code == 404
    assert operator.post(f"/api/v1/cases/{other}/funds/isee", json=CERTIFIED).status_code == 404
    mine = intake.submit_referral(AGENCY, referral_payload())["id"]
    funds.open_file(mine)
    municipal = client.get(f"/api/v1/cases/{mine}/funds/isee", headers=sgm_headers)
    assert municipal.status_code == 404


def test_the_isee_paths_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/cases/{case_id}/funds/isee"])
    assert "post" in paths["/api/v1/cases/{case_id}/funds/isee/estimates"]
    assert "CertifiedIseeIn" in document["components"]["schemas"]


# -- the case tab Fondi ----------------------------------------------------------------------
def post_tab(operator, case_id, data):
    page = operator.get(f"/schede/{case_id}/fondi").get_data(as_text=True)
    return operator.post(
        f"/schede/{case_id}/fondi/isee", data={"csrf_token": csrf_from(page), **data}
    )


ESTIMATE_FORM = {  # example B as an operator types it
    "form": "estimate",
    "e-computed_on": "15/01/2026",
    "e-regime": "ordinario",
    "m-0-relation": "genitore",
    "m-0-worked_6_months": "1",
    "m-0-employment_income": "28.000",
    "m-1-relation": "genitore",
    "m-1-worked_6_months": "1",
    "m-1-employment_income": "12000,00",
    "m-2-relation": "figlio",
    "m-2-minor": "1",
    "m-3-relation": "figlio",
    "m-3-minor": "1",
    "rent-registered": "1",
    "rent-annual_rent": "9.600",
    "fin-deposits_balance": "15.000",
    "fin-state_bonds": "20.000",
}


def test_the_fondi_tab_computes_an_estimate_and_records_a_certified_isee(operator, case_id):
    page = operator.get(f"/schede/{case_id}/fondi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="tab-fondi"' in html and 'id="funds-section-isee"' in html
    assert 'id="isee-applicable-none"' in html

    done = post_tab(operator, case_id, ESTIMATE_FORM)
    assert done.status_code == 302, done.get_data(as_text=True)
    html = operator.get(done.headers["Location"]).get_data(as_text=True)
    assert "10.751,88 €" in html and "stima, non certificata" in html
    assert 'id="isee-applicable-estimate"' in html
    assert "27.600,00 €" in html and "5.000,00 €" in html  # ISR, ISP
    assert "2,66" in html  # the scala
    assert "DPCM 5 dicembre 2013 n. 159, Allegato 1" in html
    assert 'data-to-verify="si"' in html and "da verificare" in html

    certified = {
        "form": "certified",
        "c-protocol": "inps-isee-2026-00012345a-00",
        "c-kind": "ordinario",
        "c-isee": "11.000",
        "c-dsu_date": "2026-01-10",
        "c-valid_until": "2099-12-31",
    }
    done = post_tab(operator, case_id, certified)
    assert done.status_code == 302, done.get_data(as_text=True)
    html = operator.get(f"/schede/{case_id}/fondi").get_data(as_text=True)
    assert 'data-kind="certificato"' in html and "INPS-ISEE-2026-00012345A-00" in html
    assert "11.000,00 €" in html


def test_the_fondi_tab_shows_refusals_on_the_form_and_stores_nothing(operator, case_id):
    bad = post_tab(operator, case_id, {**ESTIMATE_FORM, "m-0-under_3": "1"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Un figlio sotto i 3 anni deve essere indicato anche come minorenne." in html
    assert 'id="m-0-under_3-error"' in html
    bad = post_tab(
        operator,
        case_id,
        {
            "form": "certified",
            "c-protocol": "INPS-ISEE-2026-00012345A-00",
            "c-isee": "11.000",
            "c-ise": "9.000",
            "c-dsu_date": "2026-01-10",
            "c-valid_until": "2025-12-31",
        },
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "L&#39;ISEE non può superare l&#39;ISE" in html or "L'ISEE non può superare" in html
    assert 'id="c-valid_until-error"' in html
    bad = post_tab(operator, case_id, {**ESTIMATE_FORM, "m-0-employment_income": "-5"})
    assert bad.status_code == 422
    assert listed(operator, case_id)["estimates"] == []
    assert listed(operator, case_id)["certified"] == []


def test_the_fondi_tab_after_pseudonymisation_keeps_only_the_isee(operator, funds, case_id):
    assert post_tab(operator, case_id, ESTIMATE_FORM).status_code == 302
    handler = Db("funds", funds.db.url, metadata, handler="funds.handle_intake_case_pseudonymised")
    try:
        keys = {"referral_id": case_id, "comune_istat": SGM}
        assert files.pseudonymise_funds_file(
            handler, keys, SimpleNamespace(id="p", correlationid="p")
        )
    finally:
        handler.dispose()
    page = operator.get(f"/schede/{case_id}/fondi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "10.751,88 €" in html and "rimossi alla pseudonimizzazione" in html
    assert "27.600,00 €" not in html  # the ISR went with the DSU figures
