"""Helpers of the gateway's unit tests: an in-memory intake that scopes like the real one,
valid payloads, tokens, login with CSRF. (A uniquely named module: a test suite run over
the whole repository holds several ``conftest`` modules.)"""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timezone

from stdnum.it import codicefiscale

from abitare_chassis.actor import Actor
from abitare_chassis.errors import encode
from abitare_gateway.rpc import RemoteError
from abitare_gateway.testing import FakeCaseIntake, FakeRpcClient

SGM, SAN_DONATO, MILANO = "015195", "015192", "015146"
COMUNI = [{"istat": SGM, "name": "San Giuliano Milanese"},
          {"istat": SAN_DONATO, "name": "San Donato Milanese"},
          {"istat": MILANO, "name": "Milano"}]
VOCABULARY = {
    "referring_body": [{"code": "servizi_sociali_comune", "label": "Servizi sociali del Comune"},
                       {"code": "forze_ordine", "label": "Forze dell'ordine"}],
    "problem_reported": [{"code": "sfratto_esecutivo", "label": "Sfratto esecutivo"},
                         {"code": "altro", "label": "Altro"}],
    "housing_situation": [{"code": "sfratto_in_corso",
                           "label": "Rilascio alloggio per procedimento di sfratto in corso"},
                          {"code": "altro", "label": "Altro"}],
    "relation": [{"code": "intestatario", "label": "Intestatario"},
                 {"code": "figlio", "label": "Figlio/a"}],
}


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
            {"codice_fiscale": HEAD_CF, "first_name": "Mario", "last_name": "Rossi",
             "birth_date": "1980-01-01", "relation": "intestatario"},
            {"codice_fiscale": CHILD_CF, "first_name": "Lucia", "last_name": "Rossi",
             "birth_date": "2012-03-01", "relation": "figlio"},
        ],
    }
    payload.update(changes)
    return payload


class FakeIntake:
    """Referrals in memory, scoped by the actor's comuni like intake scopes them."""

    def __init__(self):
        self.referrals: dict[str, dict] = {}
        self.by_key: dict[tuple[str, str], str] = {}
        self.ids = itertools.count(1)
        self.cases = FakeCaseIntake(self.referrals)

    def install(self, fake: FakeRpcClient):
        self.cases.install(fake)
        fake.on("intake", "submit_referral", self.submit_referral)
        fake.on("intake", "get_referral", self.get_referral)
        fake.on("intake", "list_referrals", self.list_referrals)
        fake.returns("intake", "list_comuni", COMUNI)
        fake.returns("intake", "get_vocabulary", VOCABULARY)

    def submit_referral(self, actor: Actor, payload: dict):
        if payload["comune_istat"] not in actor.comuni:
            raise RemoteError("intake", "ReferralForbidden",
                              encode("referral_forbidden", "forbidden", "comune outside scope"))
        key = payload.get("idempotency_key")
        if key and (actor.sub, key) in self.by_key:
            return self.referrals[self.by_key[(actor.sub, key)]]
        referral_id = f"r{next(self.ids):04d}"
        names = {c["istat"]: c["name"] for c in COMUNI}
        referral = dict(payload, id=referral_id, status="ricevuta",
                        comune_name=names.get(payload["comune_istat"]),
                        received_at=datetime.now(timezone.utc).isoformat(),
                        household_size=len(payload["household"]), minors=0, over_65=0,
                        submitted_by=actor.sub)
        referral.pop("idempotency_key", None)
        self.referrals[referral_id] = referral
        if key:
            self.by_key[(actor.sub, key)] = referral_id
        return referral

    def get_referral(self, actor: Actor, referral_id: str):
        referral = self.referrals.get(referral_id)
        if referral is None or referral["comune_istat"] not in actor.comuni:
            raise RemoteError("intake", "ReferralNotFound", encode(
                "referral_not_found", "not_found", f"no referral {referral_id}"))
        return referral

    def list_referrals(self, actor: Actor, comune_istat=None, page=1, page_size=50):
        items = [r for r in self.referrals.values() if r["comune_istat"] in actor.comuni
                 and (comune_istat is None or r["comune_istat"] == comune_istat)]
        items.sort(key=lambda r: r["id"], reverse=True)
        start = (page - 1) * page_size
        summary = [{k: r.get(k) for k in ("id", "comune_istat", "comune_name", "received_at",
                                          "status", "referring_body", "problem_reported",
                                          "housing_situation", "household_size")}
                   | {"head_name": "Rossi Mario"} for r in items[start:start + page_size]]
        return {"items": summary, "total": len(items), "page": page, "page_size": page_size}


def get_token(client, client_id="comune-015195", secret="secret-sgm") -> str:
    response = client.post("/api/v1/auth/token",
                           json={"client_id": client_id, "client_secret": secret})
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
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})
