"""The menu follows the role table: every link each demo role sees answers 200, the coordinator's
pages are not offered to the others, a 403 page says what the role cannot do and offers the way
back, and on a phone the menu opens from its button."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ROLES, login, screenshot

MENU_LINKS = "#nav-main a.nav-link"


@pytest.mark.parametrize("username", ROLES)
def test_every_menu_link_of_each_role_answers(logged_in, username):
    page = logged_in(username)
    page.goto("/lavoro")
    links = page.eval_on_selector_all(MENU_LINKS, "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 4
    answers = {link: page.request.get(link).status for link in links}
    assert all(status == 200 for status in answers.values()), answers
    shown = page.eval_on_selector_all(MENU_LINKS, "links => links.map(a => a.id)")
    if username == "coordinatrice":
        assert {"nav-commissione", "nav-utenti"} <= set(shown)
    else:
        assert not {"nav-commissione", "nav-utenti"} & set(shown)


def hrefs(page, selector: str = "a[href^='/']") -> list[str]:
    return page.eval_on_selector_all(selector, "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("username", ROLES)
def test_no_link_leads_a_role_to_a_refusal(logged_in, demo, username):
    """Every link on the pages of the menu and on the tabs of a case, as each role sees them,
    answers, and none with 403."""
    page = logged_in(username)
    page.goto(f"/schede/{demo['taken']}")
    pages = hrefs(page, "#case-tabs a")
    page.goto("/lavoro")
    pages += [path for path in hrefs(page, MENU_LINKS) if not path.startswith("/api/")]
    answers = {}
    for path in pages:
        page.goto(path)
        for href in hrefs(page):
            href = href.split("#")[0]
            if href and href not in answers and not href.startswith("/api/"):
                answers[href] = page.request.get(href, max_redirects=0).status
    assert len(answers) >= 10
    refused = {href: status for href, status in answers.items() if status >= 400}
    assert not refused, refused


def test_a_comune_operator_sees_no_form_it_may_not_use(logged_in, demo):
    page = logged_in("sgm.sociale")
    page.goto(f"/schede/{demo['received']}/triage")
    assert page.locator("#triage-form, #assignment-form, #assign-submit").count() == 0
    assert "non puoi fare il triage" in page.locator("#triage-not-allowed").inner_text()
    assert page.locator("#tab-accessi").count() == 0
    page.goto(f"/schede/{demo['taken']}/valutazione")
    assert page.locator("#assessment-form").count() == 0
    page.goto(f"/schede/{demo['taken']}/chiusura")
    assert page.locator("#closure-form").count() == 0


def test_the_403_page_explains_and_leads_back(logged_in, demo, suite):
    page = logged_in("sgm.sociale")
    case = f"/schede/{demo['taken']}"
    response = page.goto(f"{case}/accessi", referer=suite.base_url + case)  # an old bookmark
    assert response.status == 403
    assert "Con il profilo «Operatore del Comune»" in page.locator("#error-role").inner_text()
    screenshot(page, "403-1280")
    page.click("#error-back")
    page.wait_for_url(f"**/schede/{demo['taken']}")
    page.goto("/utenti")
    page.click("#error-home")
    page.wait_for_url("**/lavoro**")
    agenzia = logged_in("agenzia")
    assert agenzia.goto("/commissione").status == 403  # not in their menu; typed in
    assert "non puoi gestire la Commissione" in agenzia.locator("#error-role").inner_text()


def test_on_a_phone_the_menu_opens_from_its_button(logged_in):
    page = logged_in("agenzia", 390)
    page.goto("/schede")
    assert not page.locator("#nav-fotografia").is_visible()
    page.click("#nav-toggle")
    page.locator("#nav-fotografia").wait_for(state="visible")
    page.wait_for_function(  # the panel has slid in
        "() => Math.round(document.querySelector('#nav-main .menu-wrapper')"
        ".getBoundingClientRect().left) === 0"
    )
    screenshot(page, "menu-390", full_page=False)
    page.click("#nav-fotografia")
    page.wait_for_url("**/fotografia**")


def test_without_javascript_the_phone_menu_is_a_plain_list(browser, suite):
    context = browser.new_context(
        base_url=suite.base_url, viewport={"width": 390, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    login(page, "agenzia")
    assert page.locator("#nav-toggle").is_hidden()
    page.click("#nav-fotografia")
    page.wait_for_url("**/fotografia**")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
    context.close()
