"""Retention end to end, every service a process on a real broker: two closed cases past their
retention period, one under a coordinator's legal hold; the run pseudonymises the other in
intake, and intake.case_pseudonymised.v1 makes funds, housing_stock and partners pseudonymise
their own copies; the held one stays whole everywhere; the Fotografia gives the same figures."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.testing.services import wait_for
from tests.support.data import referral
from tests.support.suite import DEMO_AMBITO, operator_session

SGM = "015195"
COORDINATOR = Actor(sub="operator:coordinatrice", role="coordinator", comuni=tuple(DEMO_AMBITO))
SECTIONS = ("referral", "funds_file", "housing_need", "partner_deliveries")


def rpc_call(suite, service, method, *args):
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=15) as rpc:
        actor = sign_actor(COORDINATOR, rpc_audience(service))
        return getattr(getattr(rpc, service), method)(actor, *args)


def rows(suite, service, sql, *params):
    with sqlite3.connect(suite.var_dir / f"{service}.db") as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def cases(suite):
    """Two referrals of 2016 known to all four services and FWA, taken on and closed ten years
    and a month ago (closures backdated in intake's database); the second under a legal hold."""
    rpc_call(suite, "partners", "subscribe", "FWA", "intake.referral_received.v1")
    rpc_call(suite, "partners", "issue_delivery_key", "FWA")
    api, agenzia = suite.api(SGM), operator_session(suite, "agenzia", "agenzia-demo")
    url = f"{suite.base_url}/api/v1"
    ids = []
    for last_name in ("Esposito", "Colombo"):
        payload = referral(SGM, members=2, received_at="2016-03-10", eviction_date="2016-09-15")
        for member in payload["household"]:
            member["last_name"] = last_name
        created = api.post(f"{url}/referrals", json=payload, timeout=15)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    for case in ids:
        wait_for(
            lambda case=case: all(
                agenzia.get(f"{url}/referrals/{case}/overview", timeout=10).json()[s]["status"]
                == "disponibile"
                for s in SECTIONS
            ),
            timeout=30,
            message="the four services to know the referral",
        )
        taken = agenzia.post(
            f"{url}/cases/{case}/triage",
            json={"outcome": "presa_in_carico", "duplicates_acknowledged": True},
            timeout=10,
        )
        assert taken.status_code == 200, taken.text
        closed = agenzia.post(f"{url}/cases/{case}/closure", json={"outcome": "altro"}, timeout=10)
        assert closed.status_code == 200, closed.text
    long_ago = (datetime.now(UTC) - timedelta(days=3653 + 30)).isoformat()
    with sqlite3.connect(suite.var_dir / "intake.db") as db:
        db.execute("UPDATE case_closure SET closed_at = ?", (long_ago,))
    rpc_call(suite, "intake", "set_legal_hold", ids[1], "Contenzioso davanti al tribunale")
    return {"pseudonymised": ids[0], "held": ids[1], "agenzia": agenzia, "url": url}


def fotografia(cases):
    answer = cases["agenzia"].get(
        f"{cases['url']}/fotografia", params={"from": "2016-01-01", "to": "2016-12-31"}, timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def copies(suite, case) -> dict:
    """What each downstream service holds of ``case``: when it pseudonymised its copy."""
    return {
        "funds": rows(
            suite,
            "funds",
            "SELECT pseudonymised_at, monthly_rent_cents FROM funds_file WHERE referral_id = ?",
            case,
        ),
        "housing_stock": rows(
            suite,
            "housing_stock",
            "SELECT pseudonymised_at, eviction_date FROM housing_need WHERE referral_id = ?",
            case,
        ),
        "partners": rows(
            suite, "partners", "SELECT pseudonymised_at FROM delivery WHERE referral_id = ?", case
        ),
    }


def test_a_closed_case_past_retention_is_pseudonymised_everywhere_and_a_held_one_is_not(
    suite, cases
):
    done, held = cases["pseudonymised"], cases["held"]
    before = fotografia(cases)
    assert before["total"] == 2 and before["by_outcome"] == {"altro": 2}

    counts = rpc_call(suite, "intake", "run_retention")

    assert counts == {"examined": 2, "held": 1, "due": 1, "pseudonymised": 1}
    logged = "retention run actor=operator:coordinatrice examined=2 held=1 due=1 pseudonymised=1"
    assert logged in suite.tail("intake", lines=400)  # one line with the counts
    pseudonymised = wait_for(
        lambda: (c := copies(suite, done)) and all(r and r[0][0] for r in c.values()) and c,
        timeout=30,
        message="funds, housing_stock and partners to pseudonymise their copies",
    )
    assert pseudonymised["funds"][0][1] is None  # the rent is gone
    assert pseudonymised["housing_stock"][0][1] == "2016-09-01"  # the month of the eviction
    kept = copies(suite, held)
    assert kept["funds"][0] == (None, 90000) and kept["partners"] == [(None,)]
    assert kept["housing_stock"] == [(None, "2016-09-15")]
    assert fotografia(cases) == before

    # intake: no name of the pseudonymised household in any table; the held one is whole
    with sqlite3.connect(suite.var_dir / "intake.db") as db:
        dump = json.dumps(
            [
                db.execute(f"SELECT * FROM {table}").fetchall()
                for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
        )
    assert "Esposito" not in dump and "Colombo" in dump
    # partners: the copy FWA got of it is no longer kept (the held one's is); FWA was told
    outbox = [json.loads(b) for (b,) in rows(suite, "partners", "SELECT body FROM outbox_message")]
    assert [b["type"] for b in outbox if b["subject"] == done] == ["intake.case_pseudonymised.v1"]
    assert [b["type"] for b in outbox if b["subject"] == held] == ["intake.referral_received.v1"]
    # audit rows stay, and say who read what by id only
    audit = rows(suite, "intake", "SELECT action, referral_id FROM audit_event")
    assert ("pseudonymise_case", done) in audit and ("set_legal_hold", held) in audit

    # the case page
    coordinatrice = operator_session(suite, "coordinatrice", "coordinatrice-demo")
    page = coordinatrice.get(f"{suite.base_url}/schede/{done}", timeout=10).text
    assert "Dati pseudonimizzati il" in page and "Esposito" not in page
    page = coordinatrice.get(f"{suite.base_url}/schede/{held}", timeout=10).text
    assert "Blocco legale dal" in page and "Colombo" in page

    # again: nothing more to do
    assert rpc_call(suite, "intake", "run_retention")["pseudonymised"] == 0
