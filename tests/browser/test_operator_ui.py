"""The operator UI in a real headless Chromium (Debian's, driven by Playwright): log in, file a
referral through the form, see it listed and open it."""

import os
from datetime import date

import pytest

from tests.support.data import personal_code, referral

CHROMIUM = os.environ.get("ABITARE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test` (it installs it) "
            "or apt-get install chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, suite):
    context = browser.new_context(base_url=suite.base_url, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def login(page, username="agenzia", password="agenzia-demo"):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login")
    page.wait_for_url("**/lavoro**")


def test_wrong_password_is_refused(page):
    page.goto("/login")
    page.fill("#username", "agenzia")
    page.fill("#password", "sbagliata")
    page.click("#login")
    assert "/login" in page.url
    assert page.locator("[role=alert], .alert").count() >= 1


def test_operator_files_a_referral_and_sees_it_listed(page):
    login(page)
    page.goto("/schede/nuova")
    assert page.locator("html").get_attribute("lang") == "it"
    page.select_option("#comune_istat", "015140")
    page.select_option("#referring_body", "servizi_sociali_comune")
    page.select_option("#problem_reported", "sfratto_esecutivo")
    page.select_option("#housing_situation", "sfratto_in_corso")
    surname = "Browserini"
    # a code coherent with name and birth date: else the form asks to check it first
    page.fill("#members-0-codice_fiscale", personal_code(surname, "Lucia", date(1980, 4, 2), True))
    page.fill("#members-0-first_name", "Lucia")
    page.fill("#members-0-last_name", surname)
    page.fill("#members-0-birth_date", "1980-04-02")
    page.select_option("#members-0-relation", "intestatario")
    page.click("#submit-referral")
    page.wait_for_load_state("networkidle")
    assert surname in page.content()  # the detail page of the new referral
    page.goto("/schede")
    assert page.get_by_text(surname).count() >= 1
    page.get_by_text(surname).first.click()
    page.wait_for_load_state("networkidle")
    for section in ("Fondi", "Partner"):
        assert section in page.content()


def test_invalid_codice_fiscale_is_shown_next_to_the_field(page):
    login(page)
    page.goto("/schede/nuova")
    page.select_option("#comune_istat", "015140")
    page.fill("#members-0-codice_fiscale", "RSSMRA80A01F205Y")  # wrong check character
    page.fill("#members-0-first_name", "Mario")
    page.fill("#members-0-last_name", "Sbagliato")
    page.fill("#members-0-birth_date", "1980-01-01")
    page.click("#submit-referral")
    page.wait_for_load_state("networkidle")
    assert "/schede/nuova" in page.url or "nuova" in page.content()
    assert page.locator("#members-0-codice_fiscale").input_value() == "RSSMRA80A01F205Y"
    assert page.locator(".invalid-feedback, .form-feedback, [role=alert]").count() >= 1


def test_operator_takes_a_case_on_from_the_triage_tab(page, suite):
    created = suite.api("015195").post(
        f"{suite.base_url}/api/v1/referrals", timeout=15, json=referral("015195", n=424300)
    )
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    login(page)
    page.goto("/lavoro")
    assert page.locator(f"a[href*='{case_id}']").count() >= 1  # waiting for triage
    page.goto(f"/schede/{case_id}/triage")
    assert page.locator("#eligibility-served").get_attribute("data-served") == "si"
    page.click("#triage-accept")
    page.wait_for_load_state("networkidle")
    assert page.locator("#case-status").get_attribute("data-status") == "in_carico"


def test_fotografia_page_draws_charts_with_their_tables(page):
    login(page)
    page.goto("/fotografia")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg[role=img]").count() >= 1
    assert page.locator("table").count() >= 1


SCREENSHOTS = os.environ.get("ABITARE_SCREENSHOT_DIR")  # set it to keep screenshots of the pages


def test_coordinator_manages_an_operator_of_their_comuni(browser, page, suite):
    login(page, "coordinatrice", "coordinatrice-demo")
    page.click("#nav-utenti")
    page.wait_for_url("**/utenti")
    assert page.locator("#operator-sgm\\.sociale").count() == 1
    assert page.locator("#operator-milano\\.sociale").count() == 0  # another comune's
    assert page.locator("#client-comune-015146").count() == 0
    for width in (1400, 390):
        if SCREENSHOTS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SCREENSHOTS}/utenti-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#operator-new")
    page.fill("#account_id", "melegnano.sociale")
    page.fill("#display_name", "Servizi sociali di Melegnano")
    page.select_option("#role", "comune_operator")
    page.click("label[for=comune-015140]")  # Bootstrap Italia draws the box on the label
    assert page.is_checked("#comune-015140")
    page.click("#account-submit")
    temporary = page.locator("#one-time-secret").inner_text().strip()
    assert len(temporary) == 19

    newcomer = browser.new_context(base_url=suite.base_url, locale="it-IT").new_page()
    newcomer.goto("/login")
    newcomer.fill("#username", "melegnano.sociale")
    newcomer.fill("#password", temporary)
    newcomer.click("#login")
    newcomer.wait_for_url("**/password")
    newcomer.fill("#current_password", temporary)
    newcomer.fill("#new_password", "la-mia-password-nuova")
    newcomer.fill("#confirm_password", "la-mia-password-nuova")
    newcomer.click("#password-submit")
    newcomer.wait_for_url("**/lavoro**")

    page.click("#back-to-accounts")
    page.click("#deactivate-melegnano\\.sociale")
    page.wait_for_url("**/utenti")
    assert "utente disattivato" in page.locator("[role=status]").first.inner_text()
    assert "Operatore disattivato" in page.locator("#history-list").inner_text()
    newcomer.goto("/schede")  # the live session ends on its next request
    assert "/login" in newcomer.url
    newcomer.context.close()


def test_a_comune_operator_has_no_accounts_page_and_logs_out_with_the_button(page):
    login(page, "sgm.sociale", "sgm-demo")
    assert page.locator("#nav-utenti").count() == 0
    response = page.goto("/utenti")
    assert response.status == 403
    assert "riservata al coordinamento" in page.content()
    page.goto("/logout")  # a GET only asks
    assert page.locator("#logout-confirm").count() == 1
    page.goto("/lavoro")
    assert "/lavoro" in page.url
    page.click("#logout")
    page.wait_for_url("**/login**")
    page.goto("/lavoro")
    assert "/login" in page.url
