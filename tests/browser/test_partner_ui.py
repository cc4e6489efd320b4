"""The Partner pages: a coordinator suspends a convention with a reason and the list says why the
partner gets nothing, then resumes it; an operator reads the convention and its history but gets
no form. Screenshots of both pages at 1400 and 390 px (beside test_pages' own)."""

from __future__ import annotations

from tests.browser.conftest import SCREENSHOTS, WIDTHS, screenshot

PARTNER = "EUREKA"  # no other browser test uses it
CONVENTION = "EUREKA-2024"
REASON = "Verifica del trattamento dei dati in corso"


def test_a_coordinator_suspends_a_convention_and_sees_it_on_the_list(logged_in):
    page = logged_in("coordinatrice")
    page.goto(f"/partner/{PARTNER}")
    page.fill(f"#status-form-{CONVENTION} #reason", REASON)
    page.click(f"#status-submit-{CONVENTION}")
    page.wait_for_url(f"**/partner/{PARTNER}")
    assert "Convenzione sospesa" in page.locator("#partner-lapse").inner_text()
    history = page.locator(f"#convention-{CONVENTION}-history").inner_text()
    assert "Attiva → Sospesa" in history and REASON in history
    page.goto("/partner")
    row = page.locator(f"#partner-{PARTNER.lower()}").inner_text()
    assert f"Convenzione sospesa ({REASON}): nessun dato viene inviato." in row
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"partner-sospesa-{width}")
        page.locator(f"#partner-{PARTNER.lower()}").screenshot(
            path=str(SCREENSHOTS / f"partner-sospesa-riga-{width}.png")
        )
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/partner/{PARTNER}")  # the edit form, open, on a phone
    page.set_viewport_size({"width": 390, "height": 900})
    page.click(f"#edit-{CONVENTION} summary")
    page.locator(f"#edit-{CONVENTION}").screenshot(
        path=str(SCREENSHOTS / "partner-modifica-390.png")
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/partner/{PARTNER}")  # resume it, as the other tests expect it
    page.fill(f"#status-form-{CONVENTION} #reason", "Verifica conclusa")
    page.click(f"#status-submit-{CONVENTION}")
    page.wait_for_url(f"**/partner/{PARTNER}")
    assert page.locator("#partner-in-force").count() == 1


def test_an_operator_reads_the_convention_and_sees_no_edit_form(logged_in):
    page = logged_in("agenzia")
    page.goto("/partner")
    page.click("#partner-fwa a")
    page.wait_for_url("**/partner/FWA")
    grants = page.locator("#convention-FWA-2024-grants").inner_text()
    assert "Reddito netto mensile" in grants and "microcredito" in grants
    assert page.locator("form[id^='edit-form-'], form[id^='status-form-']").count() == 0
    assert page.locator("#partner-deliveries").get_attribute("href") == "/partner/FWA/consegne"
