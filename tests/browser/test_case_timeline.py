"""The case page's Cronologia tab and its header in a real headless Chromium, at 1400 px and at
390 px: the household's timeline across the services, the emergency request in the header, the
one-sentence late-eviction warning, and the gap a stopped service leaves. Self-contained (its
own browser fixture); screenshots go to ``ABITARE_SCREENSHOT_DIR`` (default: the test's tmp)."""

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from abitare_chassis.testing.services import wait_for
from tests.support.data import referral
from tests.support.suite import operator_session

CHROMIUM = os.environ.get("ABITARE_CHROMIUM", "/usr/bin/chromium")
SGM = "015195"
WIDTHS = (1400, 390)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    where = os.environ.get("ABITARE_SCREENSHOT_DIR")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(browser, suite):
    context = browser.new_context(base_url=suite.base_url, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login")
    page.fill("#username", "agenzia")
    page.fill("#password", "agenzia-demo")
    page.click("#login")
    page.wait_for_url("**/lavoro**")
    yield page
    context.close()


@pytest.fixture(scope="module")
def case_id(suite):
    """A late eviction (20 days away), taken on, with a Pronto Intervento Sociale assessment
    and a diary entry; the downstream services have registered it."""
    url = suite.base_url + "/api/v1"
    eviction = (datetime.now(ZoneInfo("Europe/Rome")).date() + timedelta(days=20)).isoformat()
    created = suite.api(SGM).post(
        f"{url}/referrals", json=referral(SGM, n=818001, eviction_date=eviction), timeout=15
    )
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    agenzia = operator_session(suite, "agenzia", "agenzia-demo")
    for path, body in (
        ("triage", {"outcome": "presa_in_carico", "duplicates_acknowledged": True}),
        ("assessments", {"pis_situation": "incendio"}),
        (
            "diary",
            {
                "kind": "telefonata",
                "occurred_at": datetime.now(ZoneInfo("Europe/Rome")).isoformat(),
                "text": "Sentita la famiglia: sono ospiti da parenti dopo l'incendio.",
            },
        ),
    ):
        response = agenzia.post(f"{url}/cases/{case_id}/{path}", json=body, timeout=10)
        assert response.status_code in (200, 201), (path, response.text)

    def known_downstream():
        html = agenzia.get(f"{suite.base_url}/schede/{case_id}/cronologia", timeout=15).text
        return 'data-kind="funds_file"' in html and 'data-kind="housing_need"' in html

    wait_for(known_downstream, timeout=30, message="funds and housing_stock in the timeline")
    return case_id


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_timeline_tab_reads_at_both_widths(page, case_id, shots, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/schede/{case_id}/cronologia")
    assert page.locator("#tab-cronologia").get_attribute("aria-current") == "page"
    entries = page.locator("#timeline .timeline-entry")
    assert entries.count() >= 6
    first = entries.first.inner_text()
    assert "/" in first and ":" in first  # dd/mm/yyyy hh:mm
    text = page.locator("#timeline").inner_text()
    for expected in (
        "Scheda di attivazione ricevuta",
        "Triage: Presa in carico",
        "Valutazione: Grado 4",
        "Richiesta a Patrimonio abitativo: Sistemazione d'emergenza",
        "Telefonata",
        "Fascicolo fondi aperto",
        "Fabbisogno abitativo registrato",
        "Operatrice dell'Agenzia",
    ):
        assert expected in text, expected
    assert "operator:" not in text
    header = page.locator("#case-requests")
    assert header.is_visible() and "Sistemazione d'emergenza" in header.inner_text()
    assert "Richiesta inviata" in header.inner_text()
    assert no_horizontal_overflow(page), "the page scrolls sideways"
    for i in range(min(entries.count(), 4)):
        box = entries.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    page.screenshot(path=str(shots / f"cronologia-{width}.png"), full_page=True)

    link = page.locator("#timeline a", has_text="Vai a Triage").first
    link.click()
    page.wait_for_url(f"**/schede/{case_id}/triage")
    warning = page.locator("#eviction-check").inner_text().strip()
    assert warning.startswith("Segnalazione tardiva: lo sfratto è fissato per il ")
    assert warning.count(".") == 1  # one sentence
    page.screenshot(path=str(shots / f"triage-{width}.png"), full_page=True)


def test_a_stopped_service_leaves_a_gap_on_the_page(page, case_id, suite, shots):
    """Last in the module: it stops funds."""
    suite.kill("funds")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/schede/{case_id}/cronologia")
        gaps = page.locator("#timeline-gaps")
        assert gaps.is_visible()
        assert "Fondi: dati non disponibili in questo momento" in gaps.inner_text()
        assert page.locator("#timeline .timeline-entry").count() >= 5
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(shots / f"cronologia-fondi-assente-{width}.png"), full_page=True)
