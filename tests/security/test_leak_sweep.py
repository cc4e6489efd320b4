"""The leak sweep: every route of the OpenAPI document and every GET page of the web blueprints,
as each role of one comune against the other comune's ids, with canary strings planted in every
free-text field of the other comune's records. 0 leaks: 404 (never 403) for a foreign id, no
foreign canary in any body, CSV or aggregate. The routes are read from the running gateway's
OpenAPI document and from the app's url_map, so a new route is swept (or fails the coverage
check) without anyone editing this file."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import requests

from abitare_gateway import agency_time, create_app
from tests.support.sweep import (
    GHOST_ID,
    MILANO,
    OTHER_PARTNER_CLIENT,
    PARTNER,
    PARTNER_CLIENT,
    PARTNER_SERVICE,
    SGM,
    operators,
    plant,
    register_demo_webhook,
)

METHODS = ("get", "post", "put", "patch", "delete")
# Path parameter -> the planted ids it is filled with.
ID_PARAMS = {
    "case_id": ("referral_id", "closed_referral_id"),
    "referral_id": ("referral_id", "closed_referral_id"),
    "meeting_id": ("meeting_id",),
    "proposal_id": ("proposal_id",),
    "consent_id": ("consent_id",),
    "partner_referral_id": ("partner_referral_id",),
    # funds (tests/support/sweep.plant_funds): Milano has no Fondo Affitto regulation in the
    # demo, so its window and application are a ghost's
    "line_id": ("line_id",),
    "window_id": ("window_id",),
    "application_id": ("application_id",),
    "cover_id": ("cover_id",),
    "claim_id": ("claim_id",),
    "number": ("instalment_number",),
}
# Path parameters of the partner network: reference data every comune shares, with no household
# in it, so there is no other comune's record to try: filled with a demo partner and swept as a
# listing (no canary, no 5xx). The webhook endpoint is the demo one the world registers; the
# loan reference is one nobody reported (a partner's loans are its own: services/partners'
# tests and test_gateway_partner_clients prove another partner gets 404).
SHARED_PARAMS = {
    "partner_code": "FWA",
    "convention_code": "FWA-2024",
    "code": "FWA",
    "endpoint_id": None,
    "loan_ref": "SWEEP-LOAN-1",
}
# Writes on the shared network (coordinators edit a convention; the gateway's
# test_gateway_partners and the partners service's tests prove the role check): the sweep
# leaves the network as it is.
SHARED_WRITES = {
    ("put", "/api/v1/partners/{partner_code}/conventions/{convention_code}"),
    ("put", "/api/v1/partners/{partner_code}/conventions/{convention_code}/status"),
    # a partner's webhooks, coordinators only (test_gateway_webhooks proves the role check)
    ("post", "/api/v1/partners/{code}/webhooks"),
    ("post", "/api/v1/partners/{code}/webhooks/{endpoint_id}/rotate-secret"),
    ("post", "/api/v1/partners/{code}/webhooks/{endpoint_id}/enable"),
    ("post", "/api/v1/partners/{code}/webhooks/{endpoint_id}/replay"),
}
# Writes that name no record, so there is no foreign id to try: creating for another comune is
# test_api_security's; a meeting is always for the creator's own comuni.
NO_ID_WRITES = {
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/referrals"),
    ("post", "/api/v1/commission/meetings"),
    # a lending partner's report names its own loan reference, not a household's record
    # (test_gateway_partner_clients and the partners service's tests: FWA only, rules, replay)
    ("post", "/api/v1/partner/lender-status"),
    # a Fondo Affitto window is opened on a regulation of the coordinator's own comuni (the
    # funds service's tests prove a coordinator of part of the ambito is refused)
    ("post", "/api/v1/funds/rent-fund/windows"),
}
# A body the gateway accepts, for every write on a record: the scope check must answer, not the
# shape check (a new write route without one fails test_every_route_is_swept).
WRITE_BODIES = {
    ("post", "/api/v1/cases/{case_id}/triage"): {"outcome": "respinta", "reason": "x"},
    ("post", "/api/v1/cases/{case_id}/assignment"): {"operator_sub": "operator:coordinatrice"},
    ("post", "/api/v1/cases/{case_id}/diary"): {
        "kind": "nota",
        "text": "x",
        "occurred_at": "2026-01-01T10:00:00Z",
    },
    ("post", "/api/v1/cases/{case_id}/interviews"): {
        "scheduled_at": "2026-01-01T10:00:00Z",
        "location": "x",
        "participants": ["x"],
    },
    ("post", "/api/v1/cases/{case_id}/assessments"): {"indicators": {}},
    ("put", "/api/v1/cases/{case_id}/project"): {"objectives": ["x"]},
    ("post", "/api/v1/cases/{case_id}/closure"): {"outcome": "altro"},
    ("post", "/api/v1/cases/{case_id}/reopening"): {"reason": "x"},
    ("post", "/api/v1/commission/meetings/{meeting_id}/proposals"): {
        "referral_id": "x",
        "kind": "validate_project",
    },
    ("post", "/api/v1/commission/proposals/{proposal_id}/decision"): {"decision": "rinviata"},
    ("put", "/api/v1/commission/meetings/{meeting_id}/minutes"): {"text": "x"},
    ("post", "/api/v1/cases/{case_id}/consents"): {
        "partner_code": PARTNER,
        "service": PARTNER_SERVICE,
        "categories": ["contatti"],
        "given_by": "x",
        "given_on": agency_time.today().isoformat(),
        "valid_until": agency_time.today().isoformat(),
    },
    ("post", "/api/v1/cases/{case_id}/consents/{consent_id}/withdrawal"): {
        "withdrawn_by": "x",
        "withdrawn_on": agency_time.today().isoformat(),
    },
    ("post", "/api/v1/cases/{case_id}/partner-referrals"): {
        "partner_code": PARTNER,
        "service": PARTNER_SERVICE,
    },
    ("post", "/api/v1/cases/{case_id}/partner-referrals/{partner_referral_id}/withdrawal"): {
        "reason": "x"
    },
    ("post", "/api/v1/partner/referrals/{partner_referral_id}/status"): {"update": "accept"},
    ("post", "/api/v1/funds/rent-fund/windows/{window_id}/closure"): None,
    ("post", "/api/v1/funds/rent-fund/windows/{window_id}/ranking"): None,
    ("post", "/api/v1/funds/rent-fund/windows/{window_id}/approval"): None,
    ("post", "/api/v1/funds/rent-fund/applications/{application_id}/payments"): {
        "amount_cents": 100,
        "paid_on": agency_time.today().isoformat(),
    },
    ("post", "/api/v1/cases/{case_id}/funds/applications"): {
        "window_id": "00000000-0000-4000-8000-00000000dead"
    },
    ("post", "/api/v1/cases/{case_id}/funds/isee"): {
        "protocol": "INPS-ISEE-2026-00000000X-00",
        "isee_cents": 1_000_000,
        "dsu_date": "2026-01-10",
        "valid_until": "2026-12-31",
    },
    ("post", "/api/v1/cases/{case_id}/funds/isee/estimates"): {
        "dsu": {"members": [{"relation": "genitore"}]},
        "computed_on": "2026-01-15",
    },
    ("post", "/api/v1/cases/{case_id}/funds/guarantee/covers"): {
        "landlord_name": "x",
        "dwelling_address": "x",
        "monthly_rent_cents": 60_000,
        "start_date": "2026-03-01",
        "duration_months": 36,
        "attestazione": True,
        "gross_annual_income_cents": 2_800_000,
    },
    ("post", "/api/v1/cases/{case_id}/funds/guarantee/covers/{cover_id}/claims"): {
        "arrears_from": "2026-09-01",
        "dwelling_recovered_on": "2027-06-30",
        "unpaid_rent_cents": 1,
        "legal_costs_cents": 0,
        "recovered_cents": 0,
        "deposit_kept_cents": 0,
        "documents": [],
    },
    ("post", "/api/v1/cases/{case_id}/funds/guarantee/claims/{claim_id}/payment"): {},
    ("post", "/api/v1/cases/{case_id}/funds/guarantee/claims/{claim_id}/refusal"): {"reason": "x"},
    ("post", "/api/v1/cases/{case_id}/funds/guarantee/claims/{claim_id}/repayment-plan"): {
        "months": 12,
        "first_due_on": "2027-08-01",
    },
    ("put", "/api/v1/cases/{case_id}/funds/guarantee/claims/{claim_id}/instalments/{number}"): {
        "status": "paid"
    },
}
# The partner API, for partner clients only (every other actor gets 403 there).
PARTNER_API = "/api/v1/partner/"
# Actors with a token: on the pages they are nobody (302 to the login).
TOKEN_ACTORS = ("municipal_client", "partner_client")
NOBODYS_COMUNE = "015182"  # Rho: a real comune outside every demo account
GHOST = "00000000-0000-4000-8000-00000000dead"
GHOST_OF = {"number": "1"}  # an instalment's number is not an id: the ghost is the claim
QUERY = {
    "page": "1",
    "page_size": "200",
    "from": "2020-01-01",
    "to": agency_time.today().isoformat(),
}
AGGREGATES = ("fotografia", "worklist", "lavoro")


@pytest.fixture(scope="module")
def world(suite):
    sessions = operators(suite)
    clients = {SGM: suite.api(SGM), MILANO: suite.api(MILANO)}
    coordinators = {SGM: sessions["coordinator"][1], MILANO: sessions["milano_coordinator"][1]}
    planted = {
        istat: plant(suite, istat, coordinators[istat], clients[istat]) for istat in (SGM, MILANO)
    }
    actors = dict(sessions)
    actors["municipal_client"] = (SGM, clients[SGM])
    actors["milano_municipal_client"] = (MILANO, clients[MILANO])
    # Another partner's client than the one both comuni's households were sent to: it must see
    # neither (swept once against each comune's canaries).
    other_partner = suite.partner_api(*OTHER_PARTNER_CLIENT)
    actors["partner_client"] = (SGM, other_partner)
    actors["milano_partner_client"] = (MILANO, other_partner)
    shared = {**SHARED_PARAMS, "endpoint_id": register_demo_webhook(suite, coordinators[SGM])}
    return {"planted": planted, "actors": actors, "shared": shared}


@pytest.fixture(scope="module")
def openapi(suite):
    return requests.get(f"{suite.base_url}/api/v1/openapi.json", timeout=10).json()


@pytest.fixture(scope="module")
def web_rules(tmp_path_factory):
    """The web pages, from the gateway's own url_map (an app on a throwaway database)."""
    db = tmp_path_factory.mktemp("sweep-app") / "gateway.db"
    app = create_app(
        {
            "TESTING": True,
            "DEVELOPMENT": True,
            "SECRET_KEY": "sweep",
            "GATEWAY_DATABASE_URL": f"sqlite:///{db}",
            "RPC_CLIENT": object(),
        }
    )
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static" and not rule.rule.startswith("/api/")
    ]


def operations(openapi):
    for path, item in openapi["paths"].items():
        for method in METHODS:
            if method in item:
                params = item[method].get("parameters", []) + item.get("parameters", [])
                yield method, path, item[method], params


def query_value(name: str, foreign) -> str | None:
    """What the sweep sends in a query parameter: its QUERY value; the other comune's code for
    a comune; for a name searched, the other comune's canary (the first name of its households:
    found from here, it would show); nothing for the other search criteria."""
    if name in QUERY:
        return QUERY[name]
    if name in ("first_name", "last_name"):
        return foreign.canary
    return foreign.istat if "comune" in name else None


def other(istat):
    return MILANO if istat == SGM else SGM


def fillings(names, foreign):
    """Every combination of foreign ids for the path parameters ``names``."""
    combos = [{}]
    for name in names:
        combos = [{**combo, name: foreign.ids[key]} for combo in combos for key in ID_PARAMS[name]]
    return combos


def assert_no_canary(response, foreign, where):
    assert foreign.canary not in response.text, (
        f"{where}: {response.status_code} shows the other comune's canary:\n{response.text[:2000]}"
    )


def page_url(rule, ids) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: quote(ids[m.group(1)]), rule.rule)


def assert_like_nothing(
    session, response, url_for, filling, where, method="GET", refused=(403,), **kwargs
):
    """A foreign id gets 404; or, where the role itself is refused before any record is looked
    at, exactly the 403 a never-existing id gets: nothing tells the two apart."""
    if response.status_code == 404:
        return
    ghosts = {name: GHOST_OF.get(name, GHOST) for name in filling}
    ghost = session.request(method, url_for(ghosts), timeout=30, **kwargs)
    seen = response.text
    for name, value in filling.items():
        seen = seen.replace(value, ghosts[name])
    assert response.status_code == ghost.status_code in refused and seen == ghost.text, (
        f"{where}: {response.status_code} {response.text[:1500]}\n"
        f"a never-existing id: {ghost.status_code} {ghost.text[:1500]}"
    )


def sweep_listing(suite, session, path, query, foreign, role) -> int:
    """A route on no record (a list, an aggregate, a CSV): no foreign canary; filtered on the
    other comune it answers what a comune nobody here covers answers (with no data at all);
    unfiltered, an aggregate does not even name the other comune."""
    url = f"{suite.base_url}{path}"
    response = session.get(url, params=query, timeout=30)
    where = f"{role} GET {path}?{query}"
    assert response.status_code < 500, f"{where}: {response.text}"
    assert_no_canary(response, foreign, where)
    if "comune" in query:
        baseline = session.get(url, params={**query, "comune": NOBODYS_COMUNE}, timeout=30)
        assert (response.status_code, response.text.replace(foreign.istat, NOBODYS_COMUNE)) == (
            baseline.status_code,
            baseline.text,
        ), f"{where}: {response.text} vs {baseline.text}"
        unfiltered = session.get(
            url, params={k: v for k, v in query.items() if k != "comune"}, timeout=30
        )
        assert_no_canary(unfiltered, foreign, where)
        response = unfiltered
    if any(word in path for word in AGGREGATES) and response.status_code == 200:
        assert not re.search(rf"\b{foreign.istat}\b", response.text), (
            f"{where}: the aggregate names the other comune:\n{response.text}"
        )
    return 1


def test_every_route_is_swept(openapi, web_rules):
    """The coverage check: every path parameter is one the sweep fills, every write on a record
    has a body, every write on no record is listed with its reason."""
    ops = list(operations(openapi))
    assert len(ops) > 30
    for method, path, _, params in ops:
        names = [p["name"] for p in params if p["in"] == "path"]
        shared = bool(names) and set(names) <= set(SHARED_PARAMS)
        assert shared or set(names) <= set(ID_PARAMS), f"{method} {path}: unknown path {names}"
        if method != "get":
            listed = SHARED_WRITES if shared else WRITE_BODIES if names else NO_ID_WRITES
            assert (method, path) in listed, (
                f"{method.upper()} {path} is not swept: add it to the sweep"
            )
        for param in params:
            if param["in"] == "query" and param.get("required"):
                assert param["name"] in QUERY, f"{method} {path}: fill query {param['name']}"
    assert len(web_rules) > 15
    for rule in web_rules:
        assert set(rule.arguments) <= set(ID_PARAMS) or set(rule.arguments) <= set(SHARED_PARAMS), (
            f"{rule.rule}: unknown argument"
        )


def test_api_sweep_no_leaks(suite, world, openapi):
    planted, shared = world["planted"], world["shared"]
    checked = 0
    for role, (own, session) in world["actors"].items():
        foreign = planted[other(own)]
        for method, path, _, params in operations(openapi):
            names = [p["name"] for p in params if p["in"] == "path"]
            query = {
                p["name"]: value
                for p in params
                if p["in"] == "query" and (value := query_value(p["name"], foreign)) is not None
            }
            if not names or set(names) <= set(SHARED_PARAMS):
                if method != "get":
                    continue
                shared_path = path.format(**{name: shared[name] for name in names})
                checked += sweep_listing(suite, session, shared_path, query, foreign, role)
                continue
            for filling in fillings(names, foreign):
                url = suite.base_url + path.format(**{k: quote(v) for k, v in filling.items()})
                headers = {"If-Match": '"v1"'} if method == "put" else {}
                response = session.request(
                    method.upper(),
                    url,
                    timeout=30,
                    headers=headers,
                    json=WRITE_BODIES.get((method, path)),
                )
                where = f"{role} {method.upper()} {url}"
                assert_no_canary(response, foreign, where)
                assert_like_nothing(
                    session,
                    response,
                    lambda ids, path=path: suite.base_url + path.format(**ids),
                    filling,
                    where,
                    method=method.upper(),
                    headers=headers,
                    json=WRITE_BODIES.get((method, path)),
                    refused=(403,),
                )
                checked += 1
    assert checked > 200


def test_web_sweep_no_leaks(suite, world, web_rules):
    planted, shared = world["planted"], world["shared"]
    for role, (own, session) in world["actors"].items():
        foreign = planted[other(own)]
        for rule in web_rules:
            if rule.arguments and not set(rule.arguments) <= set(SHARED_PARAMS):
                for filling in fillings(sorted(rule.arguments), foreign):
                    url = suite.base_url + page_url(rule, filling)
                    response = session.get(url, timeout=30, allow_redirects=False)
                    where = f"{role} page {url}"
                    assert_no_canary(response, foreign, where)
                    if role.endswith(TOKEN_ACTORS):  # a token is nothing on the pages
                        assert response.status_code == 302, f"{where}: {response.status_code}"
                        continue
                    assert_like_nothing(
                        session,
                        response,
                        lambda ids, rule=rule: suite.base_url + page_url(rule, ids),
                        filling,
                        where,
                        allow_redirects=False,
                    )
                continue
            for query in ({}, {**QUERY, "comune": foreign.istat}):
                response = session.get(
                    suite.base_url + page_url(rule, shared),
                    params=query,
                    timeout=30,
                    allow_redirects=False,
                )
                where = f"{role} page {page_url(rule, shared)}?{query}"
                assert response.status_code < 500, f"{where}: {response.text}"
                assert_no_canary(response, foreign, where)


def test_the_owners_see_their_canaries(suite, world, openapi):
    """The control that keeps the sweep honest: the ids are real and the canaries are there."""
    for role in ("coordinator", "milano_coordinator"):
        own, session = world["actors"][role]
        mine = world["planted"][own]
        seen = 0
        for method, path, _, params in operations(openapi):
            names = [p["name"] for p in params if p["in"] == "path"]
            if (
                method != "get"
                or not names
                or set(names) <= set(SHARED_PARAMS)
                or path.startswith(PARTNER_API)
            ):
                continue
            for filling in fillings(names, mine):
                if GHOST_ID in filling.values():  # the demo has no such record for the comune
                    continue
                url = suite.base_url + path.format(**filling)
                response = session.get(url, timeout=30)
                assert response.status_code == 200, f"{role} GET {url}: {response.text}"
                seen += mine.canary in response.text
        assert seen >= 8
        for tab in ("diario", "partner"):
            page = session.get(
                f"{suite.base_url}/schede/{mine.ids['referral_id']}/{tab}", timeout=30
            )
            assert page.status_code == 200 and mine.canary in page.text, f"{role} {tab}"


def test_the_partner_sees_what_was_sent_to_it(suite, world):
    """The partner-API control: the partner the households were sent to reads both referrals
    (so the other partner's 404 on the same ids is a scope check, not a bad id)."""
    partner = suite.partner_api(*PARTNER_CLIENT)
    for mine in world["planted"].values():
        url = f"{suite.base_url}{PARTNER_API}referrals/{mine.ids['partner_referral_id']}"
        response = partner.get(url, timeout=30)
        assert response.status_code == 200, f"{url}: {response.text}"
        assert mine.ids["referral_id"] not in response.text


def test_a_foreign_record_under_an_own_case(suite, world):
    """The withdrawals name the record by its own id: under a case the actor sees, the other
    comune's consent and partner referral are still 404, and stay as they were."""
    planted = world["planted"]
    api = f"{suite.base_url}/api/v1/cases"
    writes = (
        ("consents/{}/withdrawal", "consent_id", "/consents"),
        ("partner-referrals/{}/withdrawal", "partner_referral_id", "/partner-referrals"),
    )
    for role, (own, session) in world["actors"].items():
        if role.endswith(TOKEN_ACTORS):
            continue
        mine, foreign = planted[own], planted[other(own)]
        for template, key, _ in writes:
            path = "/api/v1/cases/{case_id}/" + template.format("{" + key + "}")
            url = f"{api}/{mine.ids['case_id']}/{template.format(foreign.ids[key])}"
            response = session.post(url, json=WRITE_BODIES[("post", path)], timeout=30)
            assert response.status_code == 404, f"{role} POST {url}: {response.text}"
            assert_no_canary(response, foreign, f"{role} POST {url}")
    for istat, records in planted.items():
        owner = world["actors"]["coordinator" if istat == SGM else "milano_coordinator"][1]
        for _, key, listing in writes:
            [record] = owner.get(f"{api}/{records.ids['case_id']}{listing}", timeout=30).json()
            assert record["id"] == records.ids[key]
            assert record.get("withdrawn_on") is None and record.get("state") != "ritirato"
