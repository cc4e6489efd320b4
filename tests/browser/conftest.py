"""The browser suite's fixtures, in one place: the whole suite started once per session, one
headless Chromium (Debian's, driven by Playwright), the demo operators logged in, a few cases in
the states the pages need, and the list of the main pages every page-wide check visits.

To put a page under the page-wide checks (labels, 390 px, dates, axe-core, screenshots), add one
line to :data:`MAIN_PAGES`; its path may name the cases and the meeting of :func:`demo` as
``{received}``, ``{taken}``, ``{meeting}``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from abitare_gateway.agency_time import today
from tests.conftest import running_suite
from tests.support.data import project, referral
from tests.support.suite import REPO, operator_session

CHROMIUM = os.environ.get("ABITARE_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("ABITARE_TEST_ARTIFACTS", REPO / "var" / "test-artifacts"))
SCREENSHOTS = ARTEFACTS / "screenshots"
WIDTHS = (1400, 390)

# username -> password of the demo operators (abitare-gateway seed-demo)
ROLES = {
    "coordinatrice": "coordinatrice-demo",  # coordinator
    "agenzia": "agenzia-demo",  # agency_operator
    "sgm.sociale": "sgm-demo",  # comune_operator
}


@dataclass(frozen=True)
class MainPage:
    name: str  # also the screenshot's file name
    path: str  # may use {received}, {taken}, {meeting}
    form: bool = False  # has a form: its labels are checked for overlaps
    status: int = 200


# The main pages, visited as the coordinator (who may open all of them).
MAIN_PAGES = (
    MainPage("lavoro", "/lavoro"),
    MainPage("schede", "/schede", form=True),
    MainPage("nuova-scheda", "/schede/nuova", form=True),
    MainPage("scheda", "/schede/{taken}"),
    MainPage("cronologia", "/schede/{taken}/cronologia"),
    MainPage("triage", "/schede/{received}/triage", form=True),
    MainPage("diario", "/schede/{taken}/diario", form=True),
    MainPage("colloquio", "/schede/{taken}/colloquio", form=True),
    MainPage("valutazione", "/schede/{taken}/valutazione", form=True),
    MainPage("progetto", "/schede/{taken}/progetto", form=True),
    MainPage("chiusura", "/schede/{taken}/chiusura", form=True),
    MainPage("invii-partner", "/schede/{taken}/partner", form=True),
    MainPage("accessi", "/schede/{taken}/accessi", form=True),
    MainPage("commissione", "/commissione", form=True),
    MainPage("seduta", "/commissione/{meeting}", form=True),
    MainPage("fotografia", "/fotografia", form=True),
    MainPage("anomalie", "/anomalie"),
    MainPage("partner", "/partner"),
    MainPage("partner-scheda", "/partner/FWA", form=True),
    MainPage("utenti", "/utenti"),
    MainPage("nuovo-operatore", "/utenti/operatori/nuovo", form=True),
    MainPage("password", "/password", form=True),
    MainPage("consegne-partner", "/partner/FWA/consegne", form=True),
    MainPage("scheda-inesistente", "/schede/00000000-0000-4000-8000-000000000000", status=404),
)


@pytest.fixture(scope="session")
def suite(rabbit, tmp_path_factory):
    """The whole suite once for the browser session (the other suites start one per module)."""
    yield from running_suite(rabbit, tmp_path_factory, "browser")


@pytest.fixture(scope="session")
def demo(suite):
    """A received case, a case taken on (assessed, with a project) and a commission meeting with
    that case's project proposed: ``{"received": id, "taken": id, "meeting": id}``."""
    url = suite.base_url + "/api/v1"
    client = suite.api("015195")
    agenzia = operator_session(suite, "agenzia", ROLES["agenzia"])
    coordinatrice = operator_session(suite, "coordinatrice", ROLES["coordinatrice"])

    def created(response):
        assert response.status_code in (200, 201), response.text
        return response.json()

    eviction = (today() + timedelta(days=40)).isoformat()
    received = created(
        client.post(f"{url}/referrals", json=referral("015195", n=880001), timeout=15)
    )["id"]
    taken = created(
        client.post(
            f"{url}/referrals",
            json=referral("015195", n=880002, eviction_date=eviction),
            timeout=15,
        )
    )["id"]
    created(
        agenzia.post(
            f"{url}/cases/{taken}/triage",
            json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
            timeout=15,
        )
    )
    created(
        agenzia.post(
            f"{url}/cases/{taken}/assessments",
            json={"indicators": {"arrears_rent": True}},
            timeout=15,
        )
    )
    etag = agenzia.get(f"{url}/cases/{taken}/project", timeout=15).headers["ETag"]
    created(
        agenzia.put(
            f"{url}/cases/{taken}/project",
            headers={"If-Match": etag},
            timeout=15,
            json=project(today()),
        )
    )
    meeting = created(
        coordinatrice.post(
            f"{url}/commission/meetings",
            json={"date": (today() + timedelta(days=7)).isoformat(), "location": "Sala consiliare"},
            timeout=15,
        )
    )["id"]
    created(
        coordinatrice.post(
            f"{url}/commission/meetings/{meeting}/proposals",
            json={"referral_id": taken, "kind": "validate_project"},
            timeout=15,
        )
    )
    return {"received": received, "taken": taken, "meeting": meeting}


@pytest.fixture(scope="session")
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


def new_page(browser, suite, width: int = 1280):
    context = browser.new_context(
        base_url=suite.base_url, locale="it-IT", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


@pytest.fixture
def page(browser, suite):
    page = new_page(browser, suite)
    yield page
    page.context.close()


def taken_case(suite, n: int, comune: str = "015195") -> str:
    """A new case of ``comune`` (a referral from its system, ``data.referral(n=...)``) taken on
    by the demo agency operator: its id."""
    url = suite.base_url + "/api/v1"
    created = suite.api(comune).post(f"{url}/referrals", json=referral(comune, n=n), timeout=15)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    agenzia = operator_session(suite, "agenzia", ROLES["agenzia"])
    taken = agenzia.post(
        f"{url}/cases/{case_id}/triage",
        json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
        timeout=15,
    )
    assert taken.status_code == 200, taken.text
    return case_id


def login(page, username="agenzia", password=None):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password or ROLES[username])
    page.click("#login")
    page.wait_for_url("**/lavoro**")


@pytest.fixture(scope="session")
def logged_in(browser, suite):
    """``logged_in(username, width=1280)``: a page of that demo operator, logged in once per
    session and width (a test may resize it; it is shared, so leave it where it was)."""
    pages = {}

    def get(username: str, width: int = 1280):
        if (username, width) not in pages:
            page = new_page(browser, suite, width)
            login(page, username)
            pages[username, width] = page
        return pages[username, width]

    yield get
    for page in pages.values():
        page.context.close()


def screenshot(page, name: str, full_page: bool = True) -> None:
    """Keep a picture of the page as a test artefact: var/test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def main_page_path(main_page: MainPage, demo: dict) -> str:
    return main_page.path.format(**demo)
