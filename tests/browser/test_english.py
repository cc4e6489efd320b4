"""The UI in English (docs/i18n.md): an operator switches to English in the header, every main
page (conftest.MAIN_PAGES) is then ``lang="en"`` with no Italian of ours left on screen (a text
node equal to an Italian msgid whose English differs), at 1400 and 390 px (screenshots
``en-<page>-<width>.png``); the operator switches back and the pages are Italian again."""

from __future__ import annotations

from datetime import timedelta

from babel.messages.pofile import read_po

from abitare_gateway.agency_time import today
from tests.browser.conftest import (
    MAIN_PAGES,
    REPO,
    WIDTHS,
    login,
    main_page_path,
    new_page,
    screenshot,
    taken_case,
)

PO = REPO / "gateway/abitare_gateway/translations/en/LC_MESSAGES/messages.po"

# the visible text nodes, and the attributes read aloud or shown in fields
SHOWN_TEXT = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text || !parent || parent.closest('script, style')) continue;
    if (parent.checkVisibility && !parent.checkVisibility()) continue;
    out.push(text);
  }
  for (const e of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
    for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
      const value = (e.getAttribute(name) || '').trim();
      if (value) out.push(value);
    }
  }
  return out;
}
"""


def italian_msgids() -> set[str]:
    with PO.open("rb") as po:
        return {m.id.strip() for m in read_po(po) if m.id and m.string.strip() != m.id.strip()}


def test_english_on_every_main_page_and_back_to_italian(browser, suite, demo):
    italian = italian_msgids()
    page = new_page(browser, suite, WIDTHS[0])
    try:
        login(page, "coordinatrice")
        assert page.get_attribute("html", "lang") == "it"
        assert page.inner_text("#language-switch") == "English"
        page.click("#language-switch")
        page.wait_for_url("**/lavoro**")
        assert page.get_attribute("html", "lang") == "en"
        assert page.inner_text("#nav-lavoro") == "Work"
        left = {}
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for main_page in MAIN_PAGES:
                response = page.goto(main_page_path(main_page, demo))
                assert response.status == main_page.status, main_page.name
                assert page.get_attribute("html", "lang") == "en", main_page.name
                found = sorted({t for t in page.evaluate(SHOWN_TEXT) if t in italian})
                if found:
                    left[f"{main_page.name}@{width}"] = found
                screenshot(page, f"en-{main_page.name}-{width}")
        assert left == {}, f"Italian left on English pages: {left}"
    finally:  # the demo coordinator is shared by the other tests: leave her in Italian
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto("/lavoro")
        if page.get_attribute("html", "lang") == "en":
            page.click("#language-switch")
            page.wait_for_url("**/lavoro**")
        assert page.get_attribute("html", "lang") == "it"
        assert page.inner_text("#language-switch") == "English"
        page.context.close()


def test_in_english_a_case_sent_to_a_partner_reads_in_english(browser, suite):
    """The case's "Invii ai partner" tab with a refusal, a consent and a referral on it: the
    partners service's words (its reason, the service, the state, the categories, the fields
    sent) are in English (screenshot ``en-invii-partner-inviato-1400.png``)."""
    case_id = taken_case(suite, n=919002)
    italian = italian_msgids()
    page = new_page(browser, suite, WIDTHS[0])
    try:
        login(page, "agenzia")
        page.click("#language-switch")
        page.wait_for_url("**/lavoro**")
        page.goto(f"/schede/{case_id}/partner")
        assert page.get_attribute("html", "lang") == "en"
        page.select_option("#send-offer", "CAF:pratica_isee")
        page.click("#send-submit")
        assert "consent to share its data" in page.locator("#send-offer-error").inner_text()
        page.select_option("#consent-offer", "CAF:pratica_isee")
        page.click("label[for=consent-categories-dati_economici]")
        page.fill("#consent-given_by", "Maria Rossi")
        page.fill("#consent-valid_until", (today() + timedelta(days=365)).isoformat())
        page.click("#consent-submit")
        page.select_option("#send-offer", "CAF:pratica_isee")
        page.click("#send-submit")
        sent = page.locator('.partner-referral[data-state="inviato"]')
        assert sent.count() == 1
        text = sent.inner_text()
        assert "ISEE application (DSU)" in text and "Sent, awaiting an answer" in text
        assert "Monthly rent" in text and "Referral date" in text
        assert "Financial data (income, rent)" in page.locator(".consent").inner_text()
        assert sorted({t for t in page.evaluate(SHOWN_TEXT) if t in italian}) == []
        screenshot(page, "en-invii-partner-inviato-1400")
    finally:  # the demo operator is shared by the other tests: leave her in Italian
        page.goto("/lavoro")
        if page.get_attribute("html", "lang") == "en":
            page.click("#language-switch")
            page.wait_for_url("**/lavoro**")
        assert page.get_attribute("html", "lang") == "it"
        page.context.close()
