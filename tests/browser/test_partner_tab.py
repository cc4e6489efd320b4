"""The case tab "Invii ai partner" in a real headless Chromium: sending without consent is
refused with the reason next to the field, a consent recorded on the form lets the referral go,
and the referral appears with its state and the fields sent (the demo case has no phone).
Screenshots: conftest.screenshot."""

from datetime import timedelta

import pytest

from abitare_gateway.agency_time import today
from tests.browser.conftest import login, screenshot, taken_case

SGM = "015195"


@pytest.fixture(scope="module")
def case_id(suite):
    return taken_case(suite, n=919001, comune=SGM)


def test_sending_a_referral_from_the_case_tab(page, case_id):
    login(page, "agenzia")
    page.goto(f"/schede/{case_id}/partner")
    assert page.locator("html").get_attribute("lang") == "it"
    page.select_option("#send-offer", "CAF:pratica_isee")
    page.click("#send-submit")
    error = page.locator("#send-offer-error")
    assert "Manca il consenso del nucleo" in error.inner_text()
    assert page.locator(".partner-referral").count() == 0
    screenshot(page, "invii-partner-rifiutato")

    page.select_option("#consent-offer", "CAF:pratica_isee")
    page.click("label[for=consent-categories-contatti]")
    page.click("label[for=consent-categories-dati_economici]")
    page.fill("#consent-given_by", "Maria Rossi")
    page.fill("#consent-valid_until", (today() + timedelta(days=365)).isoformat())
    page.click("#consent-submit")
    assert "Consenso registrato." in page.content(), page.locator("main").inner_text()
    assert page.locator('.consent[data-valid="si"]').count() == 1

    page.select_option("#send-offer", "CAF:pratica_isee")
    page.fill("#send-note", "Appuntamento per la DSU, preferibilmente al mattino.")
    page.click("#send-submit")
    sent = page.locator('.partner-referral[data-state="inviato"]')
    assert sent.count() == 1
    text = sent.inner_text()
    assert "Pratica ISEE (DSU)" in text and "Canone mensile" in text  # dati_economici
    assert "Componenti del nucleo" not in text  # the consent does not cover them
    screenshot(page, "invii-partner-inviato")
