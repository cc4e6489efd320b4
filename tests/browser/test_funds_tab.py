"""The case tab **Fondi**, section ISEE, in a real headless Chromium against the whole suite
(funds opens the household's file from intake's referral event): an estimate computed from the
DSU figures of domain_rules.md §1.9 example B is shown as "stima, non certificata" with ISR,
ISP, the scala and the parameters' sources; then a certified ISEE recorded on the form becomes
the applicable one. No serious or critical axe-core violation. Screenshots: conftest.screenshot."""

import pytest

from abitare_chassis.testing.services import wait_for
from tests.browser.conftest import login, screenshot
from tests.browser.test_pages import axe_violations
from tests.support.data import referral

SGM = "015195"


@pytest.fixture(scope="module")
def case_id(suite):
    url = suite.base_url + "/api/v1"
    created = suite.api(SGM).post(f"{url}/referrals", json=referral(SGM, n=919101), timeout=15)
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture(scope="module")
def axe_source():
    from tests.browser.test_pages import AXE

    return AXE.read_text()


def opened(page, case_id):
    """The tab once funds has opened the household's file (it does so on intake's event)."""
    page.goto(f"/schede/{case_id}/fondi")
    return page.locator("#funds-missing").count() == 0


def test_estimate_then_certified_isee_on_the_fondi_tab(page, case_id, axe_source):
    login(page, "agenzia")
    wait_for(lambda: opened(page, case_id), message="funds file opened")
    assert page.locator("#isee-applicable-none").count() == 1

    page.fill("#e-computed_on", "2026-01-15")
    for i, (relation, income) in enumerate((("genitore", "28.000"), ("genitore", "12.000"))):
        page.select_option(f"#m-{i}-relation", relation)
        page.click(f"label[for=m-{i}-worked_6_months]")
        page.fill(f"#m-{i}-employment_income", income)
    for i in (2, 3):
        page.select_option(f"#m-{i}-relation", "figlio")
        page.click(f"label[for=m-{i}-minor]")
    page.click("label[for=rent-registered]")
    page.fill("#rent-annual_rent", "9.600")
    page.fill("#fin-deposits_balance", "15.000")
    page.fill("#fin-state_bonds", "20.000")
    page.click("#estimate-submit")
    estimate = page.locator(".isee-estimate").first
    estimate.wait_for()
    assert page.locator("#isee-applicable-value").inner_text() == "10.751,88 €"
    assert page.locator("#isee-applicable-estimate").inner_text() == "stima, non certificata"
    assert estimate.locator(".isee-isr").inner_text() == "27.600,00 €"
    assert estimate.locator(".isee-isp").inner_text() == "5.000,00 €"
    assert estimate.locator(".isee-scale").inner_text() == "2,66"
    flagged = estimate.locator('.isee-parameter[data-to-verify="si"]')
    assert flagged.count() >= 1 and "da verificare" in flagged.first.inner_text()
    assert "DPCM 5 dicembre 2013 n. 159" in estimate.locator(".isee-parameters").inner_text()
    assert axe_violations(page, axe_source) == []
    screenshot(page, "fondi-isee-stima")

    page.fill("#c-protocol", "INPS-ISEE-2026-00012345A-00")
    page.fill("#c-isee", "11.000")
    page.fill("#c-dsu_date", "2026-01-10")
    page.fill("#c-valid_until", "2099-12-31")
    page.click("#certified-submit")
    page.locator(".isee-certified").first.wait_for()
    assert page.locator('#isee-applicable [data-kind="certificato"]').count() == 1
    assert page.locator("#isee-applicable-value").inner_text() == "11.000,00 €"
    screenshot(page, "fondi-isee-certificato")
