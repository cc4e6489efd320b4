"""Helpers of the gateway's unit tests: valid payloads, tokens, login with CSRF. (A uniquely
named module: a test suite run over the whole repository holds several ``conftest`` modules.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from stdnum.it import codicefiscale

from abitare_gateway import agency_time

SGM, SAN_DONATO, MILANO = "015195", "015192", "015146"


def cf(first15: str) -> str:
    """A checksum-valid codice fiscale from its first 15 characters."""
    return first15 + codicefiscale.calc_check_digit(first15)


HEAD_CF = cf("RSSMRA80A01F205")
CHILD_CF = cf("RSSLCU12C41F205")


def referral_payload(comune=SGM, **changes) -> dict:
    payload = {
        "comune_istat": comune,
        "referring_body": "servizi_sociali_comune",
        "problem_reported": "sfratto_esecutivo",
        "housing_situation": "sfratto_in_corso",
        "eviction_date": "2025-09-30",
        "monthly_net_income_cents": 150000,
        "monthly_rent_cents": 70000,
        "household": [
            {
                "codice_fiscale": HEAD_CF,
                "first_name": "Mario",
                "last_name": "Rossi",
                "birth_date": "1980-01-01",
                "relation": "intestatario",
            },
            {
                "codice_fiscale": CHILD_CF,
                "first_name": "Lucia",
                "last_name": "Rossi",
                "birth_date": "2012-03-01",
                "relation": "figlio",
            },
        ],
    }
    payload.update(changes)
    return payload


def take_on(intake, actor, referral_id: str) -> dict:
    """Triage the referral as taken in charge (the case path's later steps need it)."""
    return intake.triage_referral(
        actor, referral_id, {"outcome": "presa_in_carico", "duplicates_acknowledged": True}
    )


def days_from_today(days: int) -> str:
    return (agency_time.today() + timedelta(days=days)).isoformat()


def get_token(client, client_id="comune-015195", secret="secret-sgm") -> str:
    response = client.post(
        "/api/v1/auth/token", json={"client_id": client_id, "client_secret": secret}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, username="agenzia", password="agenzia-pw"):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def post_form(client, url, data=None, page="/password", **kwargs):
    """POST a web form the way a browser does: with the CSRF token of the session (read from a
    page that holds a form)."""
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


class Clock:
    """A clock the tests move (``app.config["CLOCK"]``): no sleeping."""

    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


class CountingHasher:
    """Wraps the identity store's argon2 hasher and counts every hash it computes."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = 0

    def hash(self, secret):
        self.calls += 1
        return self.inner.hash(secret)

    def verify(self, hashed, secret):
        self.calls += 1
        return self.inner.verify(hashed, secret)

    def check_needs_rehash(self, hashed):
        return self.inner.check_needs_rehash(hashed)
