"""The Fondi page: the demo coordinator (ambito di San Giuliano) sees the ambito's 2026 Misura
unica line in euro, opens it and reads its movements; an operator is not offered the page.
Screenshots at 1400 and 390 px."""

from __future__ import annotations

from tests.browser.conftest import WIDTHS, screenshot

LINE = "sgm-2026-misura-unica-regione"


def test_a_coordinator_reads_the_ledger_and_a_line_movements(logged_in):
    page = logged_in("coordinatrice")
    page.goto("/lavoro")
    page.click("a[href='/fondi']")
    page.wait_for_url("**/fondi")
    row = page.locator(f"#line-{LINE}").inner_text()
    assert "Misura unica affitto 2026" in row and "Regione Lombardia" in row
    assert "180.000,00 €" in page.locator(f"#line-{LINE} .line-available").inner_text()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"fondi-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click(f"#line-{LINE} a")
    page.wait_for_url("**/fondi/linee/**")
    movements = page.locator("#line-movements").inner_text()
    assert "Programmazione" in movements and "Ammissione a finanziamento" in movements
    assert page.locator("#line-available").inner_text() == "180.000,00 €"
    screenshot(page, "fondi-linea-1400")


def test_an_operator_is_not_offered_the_fondi_page(logged_in):
    page = logged_in("agenzia")
    page.goto("/lavoro")
    assert page.locator("a[href='/fondi']").count() == 0
    assert page.goto("/fondi").status == 403
