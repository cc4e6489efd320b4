"""Records planted in one comune for the leak sweep and the schemathesis run: a whole case path
(referral, triage, diary, interview, assessment, project, commission, closure, a consent and a
referral to a partner) whose every free-text field carries the comune's canary string, and the
ids of what was created."""

from __future__ import annotations

import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

from abitare_gateway import agency_time
from tests.support.data import referral
from tests.support.suite import BIN, REPO, Suite, operator_session

SGM, MILANO = "015195", "015146"
MILANO_COORDINATOR = ("milano.coord", "milano-coord-sweep")
# The partner the planted households are sent to (its convention covers every comune), and a
# partner client of another partner, which must never see them.
PARTNER, PARTNER_SERVICE = "AFOL", "orientamento_lavoro"
PARTNER_CLIENT = ("partner-afol", "demo-secret-afol")
OTHER_PARTNER_CLIENT = ("partner-fwa", "demo-secret-fwa")
# A demo webhook endpoint on a development host the suite allows (nothing listens there).
DEMO_WEBHOOK = ("FWA", "http://127.0.0.1:9/sweep-hook")


@dataclass
class Planted:
    istat: str
    canary: str
    ids: dict[str, str] = field(default_factory=dict)


def add_operator(suite: Suite, username: str, password: str, role: str, comuni: str) -> None:
    """An operator created the way a real installation does it (the CLI), on the suite's db."""
    subprocess.run(
        [
            str(BIN / "abitare-gateway"),
            "create-operator",
            username,
            "--role",
            role,
            "--comuni",
            comuni,
            "--password",
            password,
        ],
        env=suite.env(),
        cwd=REPO,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _ok(response: requests.Response, *expected: int) -> dict:
    assert response.status_code in (expected or (200, 201)), (
        f"{response.request.method} {response.url}: {response.status_code} {response.text}"
    )
    return response.json()


def plant(
    suite: Suite, istat: str, coordinator: requests.Session, client: requests.Session
) -> Planted:
    """The comune's system sends two referrals, its coordinator runs the case path on them."""
    canary = f"CANARY{istat}X{uuid.uuid4().hex[:8]}"
    planted = Planted(istat, canary)
    api = f"{suite.base_url}/api/v1"

    def text(what: str) -> str:
        return f"{canary} {what}"

    def send(session, method, path, body=None, **kwargs):
        return _ok(session.request(method, f"{api}{path}", json=body, timeout=30, **kwargs))

    ids = planted.ids
    for name in ("referral_id", "closed_referral_id"):
        payload = referral(
            istat,
            description=text("descrizione"),
            referring_body_name=text("ente"),
            contact_phone="+39 02 9876543",
        )
        payload["household"][0]["first_name"] = canary
        ids[name] = send(client, "POST", "/referrals", payload)["id"]
        send(
            coordinator,
            "POST",
            f"/cases/{ids[name]}/triage",
            {
                "outcome": "presa_in_carico",
                "reason": text("triage"),
                "duplicates_acknowledged": True,
            },
        )
    case = f"/cases/{ids['referral_id']}"
    ids["case_id"] = ids["referral_id"]
    today = agency_time.today()
    ids["consent_id"] = send(
        coordinator,
        "POST",
        f"{case}/consents",
        {
            "partner_code": PARTNER,
            "service": PARTNER_SERVICE,
            "categories": ["contatti"],
            "given_by": text("consenso"),
            "given_on": today.isoformat(),
            "valid_until": (today + timedelta(days=365)).isoformat(),
        },
    )["id"]
    sent = send(
        coordinator,
        "POST",
        f"{case}/partner-referrals",
        {"partner_code": PARTNER, "service": PARTNER_SERVICE, "note": text("invio")},
    )
    assert sent["state"] == "inviato", sent
    ids["partner_referral_id"] = sent["id"]
    send(
        coordinator,
        "POST",
        f"{case}/diary",
        {"kind": "colloquio", "occurred_at": "2026-01-10T10:00:00+01:00", "text": text("diario")},
    )
    send(
        coordinator,
        "POST",
        f"{case}/diary",
        {
            "kind": "nota",
            "occurred_at": "2026-01-11T10:00:00+01:00",
            "text": text("riservato"),
            "confidential": True,
        },
    )
    send(
        coordinator,
        "POST",
        f"{case}/interviews",
        {
            "scheduled_at": "2026-02-01T10:00:00+01:00",
            "location": text("luogo"),
            "participants": [text("partecipante")],
        },
    )
    send(
        coordinator,
        "POST",
        f"{case}/assessments",
        {
            "indicators": {"arrears_rent": True, "eviction_stage": "convalida"},
            "confirmed_grade": 1,
            "override_reason": text("motivo"),
        },
    )
    send(
        coordinator,
        "PUT",
        f"{case}/project",
        {
            "objectives": [text("obiettivo")],
            "agreed_on": "2026-01-15",
            "actions": [
                {
                    "type": "isee_caf",
                    "description": text("azione"),
                    "responsible": "comune",
                    "due_date": "2026-01-20",
                }
            ],
        },
        headers={"If-Match": '"v0"'},
    )
    decided = send(
        coordinator,
        "POST",
        "/commission/meetings",
        {"date": "2026-03-01", "location": text("sede")},
    )["id"]
    proposal = send(
        coordinator,
        "POST",
        f"/commission/meetings/{decided}/proposals",
        {"referral_id": ids["referral_id"], "kind": "validate_project", "notes": text("proposta")},
    )["id"]
    send(
        coordinator,
        "POST",
        f"/commission/proposals/{proposal}/decision",
        {"decision": "approvata", "notes": text("decisione")},
    )
    send(coordinator, "PUT", f"/commission/meetings/{decided}/minutes", {"text": text("verbale")})
    ids["meeting_id"] = send(
        coordinator,
        "POST",
        "/commission/meetings",
        {"date": "2026-04-01", "location": text("sede aperta")},
    )["id"]
    ids["proposal_id"] = send(
        coordinator,
        "POST",
        f"/commission/meetings/{ids['meeting_id']}/proposals",
        {"referral_id": ids["referral_id"], "kind": "extend_stay", "notes": text("in attesa")},
    )["id"]
    plant_funds(api, send, coordinator, planted, text)
    send(
        coordinator,
        "POST",
        f"/cases/{ids['closed_referral_id']}/closure",
        {
            "outcome": "rientro_in_famiglia",
            "notes": text("chiusura"),
            "restitution_date": agency_time.today().isoformat(),
        },
    )
    return planted


GHOST_ID = "00000000-0000-4000-8000-00000000beef"
DEMO_REGULATION = "5a3b2e1c-0000-4000-8000-000000000001"  # the Misura unica of SGM's ambito
GUARANTEE_CONTRACT = {
    "monthly_rent_cents": 60_000,
    "start_date": "2026-03-01",
    "duration_months": 36,
    "attestazione": True,
    "gross_annual_income_cents": 2_800_000,
}
GUARANTEE_CLAIM = {
    "arrears_from": "2026-09-01",
    "dwelling_recovered_on": "2027-06-30",
    "filed_on": "2027-07-10",
    "unpaid_rent_cents": 600_000,
    "legal_costs_cents": 150_000,
    "recovered_cents": 50_000,
    "deposit_kept_cents": 120_000,
    "documents": [
        "contratto_registrato",
        "prospetto_morosita",
        "verbale_rilascio",
        "fattura_legale_quietanzata",
    ],
}


def plant_funds(api: str, send, coordinator, planted: Planted, text) -> None:
    """The comune's funds records: a ledger line of its own, a guarantee cover (landlord and
    address carry the canary) with a claim, and where the demo has a Fondo Affitto regulation
    for the comune (SGM's ambito) a window with the case's application. Milano has no
    regulation in the demo: its window and application ids are a ghost's (404 for everyone)."""
    ids, istat = planted.ids, planted.istat
    lines = [
        line
        for line in send(coordinator, "GET", "/funds/ledger")["lines"]
        if line["comune_istat"] == istat
    ]
    ids["line_id"] = lines[0]["id"] if lines else GHOST_ID
    case = f"/cases/{ids['referral_id']}"
    contract = {
        **GUARANTEE_CONTRACT,
        "landlord_name": text("proprietario"),
        "dwelling_address": text("indirizzo"),
    }
    deadline = time.monotonic() + 60
    while True:  # funds opens the household's file on intake's event
        response = coordinator.post(
            f"{api}{case}/funds/guarantee/covers", json=contract, timeout=30
        )
        if response.status_code != 404 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    ids["cover_id"] = _ok(response, 201)["id"]
    ids["claim_id"] = send(
        coordinator,
        "POST",
        f"{case}/funds/guarantee/covers/{ids['cover_id']}/claims",
        GUARANTEE_CLAIM,
    )["id"]
    ids["instalment_number"] = "1"
    if istat not in ("015195",):
        ids["window_id"] = ids["application_id"] = GHOST_ID
        return
    today = agency_time.today()
    ids["window_id"] = send(
        coordinator,
        "POST",
        "/funds/rent-fund/windows",
        {
            "regulation_id": DEMO_REGULATION,
            "title": text("bando"),
            "opens_on": max(today - timedelta(days=5), date(2026, 1, 1)).isoformat(),
            "closes_on": (today + timedelta(days=30)).isoformat(),
            "budget_cents": 1_000_000,
        },
    )["id"]
    ids["application_id"] = send(
        coordinator,
        "POST",
        f"{case}/funds/applications",
        {"window_id": ids["window_id"], "isee_cents": 900_000, "isee_protocol": text("prot")[:60]},
    )["id"]


def register_demo_webhook(suite: Suite, coordinator: requests.Session) -> str:
    """The demo endpoint's id (registered once; a second call finds it in the list)."""
    code, url = DEMO_WEBHOOK
    api = f"{suite.base_url}/api/v1/partners/{code}/webhooks"
    response = coordinator.post(api, json={"url": url}, timeout=30)
    if response.status_code == 409:
        return next(e["id"] for e in _ok(coordinator.get(api, timeout=30)) if e["url"] == url)
    return _ok(response, 201)["id"]


def operators(suite: Suite) -> dict[str, tuple[str, requests.Session]]:
    """Each role of each side, logged in: name -> (the comune whose records it owns, session)."""
    add_operator(suite, *MILANO_COORDINATOR, "coordinator", MILANO)
    return {
        "agency_operator": (SGM, operator_session(suite, "agenzia", "agenzia-demo")),
        "coordinator": (SGM, operator_session(suite, "coordinatrice", "coordinatrice-demo")),
        "comune_operator": (SGM, operator_session(suite, "sgm.sociale", "sgm-demo")),
        "milano_comune_operator": (
            MILANO,
            operator_session(suite, "milano.sociale", "milano-demo"),
        ),
        "milano_coordinator": (MILANO, operator_session(suite, *MILANO_COORDINATOR)),
    }
