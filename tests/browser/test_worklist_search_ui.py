"""Lavoro and the Schede search in a real headless Chromium at 1400 px and 390 px: real counts,
the comune on every row, paged sections, urgency first, filters; a search by surname and by
codice fiscale with page links (the shared browser and suite of conftest.py)."""

from datetime import timedelta

import pytest

from abitare_gateway import agency_time
from tests.browser.conftest import login, screenshot
from tests.support.data import codice_fiscale, referral

WIDTHS = (1400, 390)
SGM, MELEGNANO = "015195", "015140"
WAITING = 24  # referrals waiting for triage: three pages of Lavoro's section


@pytest.fixture(scope="module")
def households(suite):
    """WAITING referrals in SGM (Ferraris 0..n-1; number 7 with an eviction in 4 days) and one
    Colombo in Melegnano."""
    eviction = (agency_time.today() + timedelta(days=4)).isoformat()
    ids = {}
    for n in range(WAITING):
        payload = referral(SGM, members=1, n=700_000 + n, eviction_date=None)
        payload["household"][0]["last_name"] = f"Ferraris{n:02d}"
        if n == 7:
            payload["eviction_date"] = eviction
        response = suite.api(SGM).post(f"{suite.base_url}/api/v1/referrals", json=payload)
        assert response.status_code == 201, response.text
        ids[n] = response.json()["id"]
    colombo = referral(MELEGNANO, members=1, n=710_000, eviction_date=None)
    colombo["household"][0]["last_name"] = "Colombo"
    response = suite.api(MELEGNANO).post(f"{suite.base_url}/api/v1/referrals", json=colombo)
    assert response.status_code == 201, response.text
    ids["colombo"] = response.json()["id"]
    return ids


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def page(request, browser, suite, households):
    context = browser.new_context(
        base_url=suite.base_url,
        locale="it-IT",
        viewport={"width": request.param, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, "agenzia")
    yield page
    context.close()


def width_of(page) -> int:
    return page.viewport_size["width"]


def shot(page, name):
    screenshot(page, f"{name}-{width_of(page)}")


def no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{overflow} px wider than the window"


def row_ids(page, section):
    return page.locator(f"#{section} tr[data-referral-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.referralId)"
    )


def test_lavoro_counts_pages_and_orders_the_triage(page, households):
    page.goto("/lavoro")
    waiting = int(page.locator("#awaiting_triage-total").inner_text())
    assert waiting >= WAITING + 1  # other tests of the module may add more
    first = row_ids(page, "awaiting_triage")
    assert len(first) == 10
    assert first[0] == households[7]  # the eviction in 4 days comes first
    cells = page.locator("#awaiting_triage td[data-label=Comune]").all_inner_texts()
    assert all(text.strip() not in ("", "—") for text in cells), cells
    assert "Ordine:" in page.locator("#awaiting_triage-order").inner_text()
    shot(page, "lavoro")
    no_sideways_scroll(page)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < (3000 if width_of(page) > 800 else 6000), height
    page.click("#awaiting_triage-page-next")
    page.wait_for_url("**p_awaiting_triage=2**")
    second = row_ids(page, "awaiting_triage")
    assert len(second) == 10 and not set(second) & set(first)


def test_lavoro_filters_by_comune(page, households):
    page.goto("/lavoro")
    page.select_option("#comune", MELEGNANO)
    page.click("#apply-worklist-filter")
    page.wait_for_url(f"**comune={MELEGNANO}**")
    assert households["colombo"] in row_ids(page, "awaiting_triage")
    assert households[0] not in row_ids(page, "awaiting_triage")
    page.click("label[for=mie]")
    page.click("#apply-worklist-filter")
    page.wait_for_url("**mie=1**")
    assert page.locator("#awaiting_triage-total").inner_text() == "0"  # nothing assigned yet


def test_schede_search_by_surname_and_codice_fiscale(page, households):
    page.goto("/schede")
    page.fill("#cognome", "ferrar")
    page.click("#apply-filter")
    page.wait_for_url("**cognome=ferrar**")
    count = page.locator("#referral-count").inner_text()
    assert f"{WAITING} schede trovate, pagina 1 di 2" in count
    shot(page, "schede-ricerca")
    no_sideways_scroll(page)
    page.click("#page-next")
    page.wait_for_url("**pagina=2**")
    assert page.locator("#referral-table tr[data-referral-id]").count() == WAITING - 20
    assert page.locator("#cognome").input_value() == "ferrar"  # the search stays

    page.goto("/schede")
    page.fill("#codice_fiscale", codice_fiscale(7_000_070).lower())
    page.click("#apply-filter")
    page.wait_for_load_state("networkidle")
    ids = page.locator("#referral-table tr[data-referral-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.referralId)"
    )
    assert ids == [households[7]]


def test_schede_search_shows_a_wrong_field_beside_it(page):
    page.goto("/schede?codice_fiscale=RSSMRA80A01F205Y")
    assert page.locator("#search-invalid").count() == 1
    assert page.locator("#codice_fiscale-error").is_visible()
    shot(page, "schede-errore")


def test_nuova_scheda_has_a_received_date_today_in_milan(page):
    page.goto("/schede/nuova")
    field = page.locator("#received_on")
    assert field.input_value() == agency_time.today().isoformat()
    assert field.get_attribute("max") == agency_time.today().isoformat()
    assert page.locator("label[for=received_on]").inner_text().startswith("Data di ricezione")
    no_sideways_scroll(page)
    shot(page, "nuova-scheda")
