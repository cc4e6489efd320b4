"""Page-wide checks on every main page (tests/browser/conftest.py lists them): screenshots at
1400 and 390 px, no label overlapping another element, no horizontal overflow on a phone,
``lang="it"`` and dates as dd/mm/yyyy, and no serious or critical axe-core violation."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    MAIN_PAGES,
    REPO,
    WIDTHS,
    main_page_path,
    new_page,
    screenshot,
)

AXE = REPO / "gateway" / "node_modules" / "axe-core" / "axe.min.js"  # gateway/package.json
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

# Boxes of every visible label that intersect the box of another visible element (text, a
# heading, a control, a button) that is neither inside it nor around it.
OVERLAPS = """
() => {
  const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && !e.closest('.visually-hidden, [hidden]')
      // not drawn: inside a closed <details> (content-visibility), or an ancestor hidden
      && (!e.checkVisibility || e.checkVisibility()); };
  const box = (e) => e.getBoundingClientRect();
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const others = [...document.querySelectorAll(
    'main h1, main h2, main h3, main h4, main h5, main h6, main legend, main p, main li, ' +
    'main label, main input, main select, main textarea, main button, main small, main .btn')]
    .filter(visible);
  const found = [];
  for (const label of document.querySelectorAll('main label')) {
    if (!visible(label)) continue;
    const own = label.control;
    for (const other of others) {
      if (other === label || label.contains(other) || other.contains(label)) continue;
      // a checkbox or radio button is drawn on its label
      if (own && other === own && ['checkbox', 'radio'].includes(own.type)) continue;
      if (meet(box(label), box(other))) {
        const text = (other.textContent || other.value || '').trim().slice(0, 40);
        const name = label.htmlFor || label.textContent.trim();
        found.push(`${name} ~ ${other.tagName}#${other.id} «${text}»`);
      }
    }
  }
  return found;
}
"""


# axe-core's serious and critical violations: [(rule, how many elements, first element)]
AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => [v.id, v.nodes.length, v.nodes[0].target.join(' '), v.nodes[0].failureSummary]);
}
"""


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run gateway/scripts/install_assets.sh (make setup)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, axe_source) -> list:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(axe_source)  # through the DevTools protocol: the page's CSP allows it
    return page.evaluate(AXE_RUN)


@pytest.fixture(params=MAIN_PAGES, ids=[p.name for p in MAIN_PAGES])
def main_page(request):
    return request.param


def page_problems(page, width: int, axe_source: str, form: bool, signed_in: bool = True) -> dict:
    """What is wrong with the page in front of us, by check (empty: nothing)."""
    problems = {}
    if form and (overlaps := page.evaluate(OVERLAPS)):
        problems["labels overlapping"] = overlaps
    if page.locator("html").get_attribute("lang") != "it":
        problems["lang"] = page.locator("html").get_attribute("lang")
    if dates := ISO_DATE.findall(page.locator("body").inner_text()):
        problems["ISO dates shown"] = dates
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    if scroll_width > width:
        problems["wider than the window"] = f"{scroll_width} px > {width} px"
    if signed_in:
        logout = page.locator("#logout")
        box = logout.bounding_box()
        if not logout.is_visible() or box is None or box["x"] + box["width"] > width:
            problems["Esci not visible"] = box
        else:
            logout.click(trial=True)  # reachable: nothing covers it
    if violations := axe_violations(page, axe_source):
        problems["axe-core"] = violations
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_main_page(logged_in, demo, main_page, width, axe_source):
    page = logged_in("coordinatrice", width)
    response = page.goto(main_page_path(main_page, demo))
    assert response.status == main_page.status, f"{main_page.name}: {response.status}"
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{main_page.name}-{width}")
    problems = page_problems(page, width, axe_source, main_page.form)
    assert not problems, problems


@pytest.mark.parametrize("width", WIDTHS)
def test_the_login_page(browser, suite, width, axe_source):
    page = new_page(browser, suite, width)
    page.goto("/login")
    screenshot(page, f"login-{width}")
    problems = page_problems(page, width, axe_source, form=True, signed_in=False)
    page.context.close()
    assert not problems, problems


def test_the_page_checks_see_what_they_look_for(logged_in, axe_source):
    """Guard against checks that cannot fail: a label under a heading, an image without text,
    an ISO date and a too-wide box, put on a page, are each reported."""
    page = logged_in("coordinatrice", 390)
    page.goto("/password")
    page.evaluate(
        """() => {
      const label = document.querySelector('label[for=current_password]');
      label.style.position = 'absolute';  // Bootstrap Italia's floating label (issue 8)
      label.style.transform = 'translateY(-85%)';
      label.parentElement.insertAdjacentHTML('beforebegin', '<h2 class="h4 mb-0">Titolo</h2>');
      const main = document.querySelector('main');
      main.insertAdjacentHTML('beforeend',
        '<img src="data:,"><p>2026-01-31</p><div style="width: 900px">largo</div>');
    }"""
    )
    assert any("current_password" in overlap for overlap in page.evaluate(OVERLAPS))
    assert "image-alt" in [rule for rule, *_ in axe_violations(page, axe_source)]
    assert ISO_DATE.findall(page.locator("body").inner_text()) == ["2026-01-31"]
    assert page.evaluate("() => document.scrollingElement.scrollWidth") > 390
