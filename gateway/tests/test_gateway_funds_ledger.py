"""/api/v1/funds/ledger and the Fondi pages, with the real funds service in process (its
migrated demo ledger: the seeds' three projects and the San Giuliano 2026 Misura unica line)
and the real intake (the comuni's names)."""

from __future__ import annotations

import pytest
from gateway_doubles import InProcessIntake
from gateway_helpers import MILANO, SGM, bearer, get_token, login

from abitare_chassis import migrate
from funds.service import FundsService

PIOLTELLO = "015175"


class InProcessFunds(InProcessIntake):
    """``FundsService`` on its migrated SQLite database, answering through the fake client."""

    service_cls = FundsService

    def create_tables(self):
        migrate.upgrade(FundsService.migrations_dir, self.db.url)


@pytest.fixture
def funds(tmp_path, fake):
    service = InProcessFunds(tmp_path / "funds.db")
    service.install(fake)
    yield service
    service.close()


@pytest.fixture
def coordinator(app, client, funds):
    app.extensions["abitare_identity"].save_operator(
        "coord.metro", "metro-pw", "Coordinamento metropolitano", "coordinator",
        [SGM, MILANO, PIOLTELLO],
    )  # fmt: skip
    assert login(client, "coord.metro", "metro-pw").status_code == 302
    return client


def test_the_api_returns_the_seeds_figures_to_the_cent(coordinator):
    response = coordinator.get("/api/v1/funds/ledger")
    assert response.status_code == 200, response.get_json()
    lines = {line["code"]: line for line in response.get_json()["lines"]}
    aslm = lines["mi-pon-metro-mi4-aslm"]
    assert [aslm[k] for k in ("programmed_cents", "allocated_cents", "committed_cents",
                              "paid_cents", "available_cents")] == [
        151_464_844, 151_464_844, 132_698_000, 44_964_643, 18_766_844,
    ]  # fmt: skip
    assert (lines["mi-pon-metro-hub-ospitalita"]["programmed_cents"],
            lines["mi-pon-metro-hub-ospitalita"]["allocated_cents"]) == (42_187_500, 0)  # fmt: skip
    pioltello = [line for line in lines.values() if line["comune_istat"] == PIOLTELLO]
    assert sum(line["allocated_cents"] for line in pioltello) == 29_152_761
    detail = coordinator.get(f"/api/v1/funds/ledger/{aslm['id']}").get_json()
    assert [m["kind"] for m in detail["movements"]] == [
        "programming", "allocation", "commitment", "payment",
    ]  # fmt: skip
    assert detail["movements"][2]["remaining_cents"] == 132_698_000 - 44_964_643
    only_2016 = coordinator.get("/api/v1/funds/ledger?year=2016").get_json()["lines"]
    assert [line["code"] for line in only_2016] == ["mi-pon-metro-mi4-aslm"]


def test_operators_get_403_a_comune_system_404_an_unknown_line_404(app, client, funds):
    assert login(client, "agenzia", "agenzia-pw").status_code == 302
    refused = client.get("/api/v1/funds/ledger")
    assert refused.status_code == 403 and refused.get_json()["code"] == "funds_forbidden"
    assert client.get("/fondi").status_code == 403
    comune = app.test_client()
    headers = bearer(get_token(comune))
    assert comune.get("/api/v1/funds/ledger", headers=headers).status_code == 404
    coordinator = app.test_client()
    assert login(coordinator, "coordinamento", "coord-pw").status_code == 302
    lines = coordinator.get("/api/v1/funds/ledger").get_json()["lines"]
    assert [line["code"] for line in lines] == ["sgm-2026-misura-unica-regione"]  # its comuni
    missing = coordinator.get("/api/v1/funds/ledger/1ed9e000-0000-4000-8000-000000000002")
    assert missing.status_code == 404 and missing.get_json()["code"] == "ledger_line_not_found"


def test_the_fondi_page_shows_the_lines_in_euro_and_a_line_its_movements(coordinator):
    page = coordinator.get("/fondi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Agenzia Sociale per la Locazione Metropolitana" in html
    assert "1.514.648,44 €" in html and "1.326.980,00 €" in html and "449.646,43 €" in html
    assert "187.668,44 €" in html  # available
    assert "109.527,61 €" in html  # Pioltello's Azione 3
    assert 'href="/fondi"' in html  # the menu offers the page to coordinators
    line = coordinator.get("/fondi/linee/1ed9e000-0000-4000-8000-000000000002")
    text = line.get_data(as_text=True)
    assert line.status_code == 200
    assert "Impegno" in text and "Pagamento" in text and "877.333,57 €" in text
