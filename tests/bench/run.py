"""``make bench``, part 1: referrals accepted per second through the gateway and the time until
all four
services hold them, beside two ceilings measured on the same machine in the same run:
- a bare Flask endpoint served the same way (waitress, same threads, same client load);
- raw persistent publishes to RabbitMQ with publisher confirms (pika, one channel).
Figures are reported as ratios to the ceilings; nothing here is asserted.

    python -m tests.bench.run [--referrals 500] [--clients 8] [--cases 100000]
        [--fanout-events 10000] [--part all|referrals|cases|partners]

Part 3, the partner fan-out, is tests/bench/partner_fanout.py.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pika
import requests

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.testing.rabbit import PrivateRabbit, free_port
from tests.support.data import referral
from tests.support.suite import DEMO_AMBITO, Suite

BARE_APP = """
from flask import Flask, jsonify, request
app = Flask(__name__)
@app.post("/echo")
def echo():
    body = request.get_json()
    return jsonify(id=body.get("comune_istat")), 201
@app.get("/healthz")
def health():
    return "ok"
@app.get("/page")
def page():
    return jsonify(items=[{"id": i} for i in range(20)], total=20)
"""


def post_many(url: str, payloads: list[dict], clients: int, headers_for) -> float:
    sessions = {}

    def post(i):
        import threading

        session = sessions.setdefault(threading.get_ident(), requests.Session())
        response = session.post(url, json=payloads[i], headers=headers_for(i), timeout=60)
        assert response.status_code in (200, 201), response.text

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(post, range(len(payloads))))
    return time.perf_counter() - start


class BareFlask:
    """A bare Flask app under waitress with the gateway's thread count: the ceiling."""

    def __init__(self, threads: int = 16):
        self.threads = threads

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory()
        (Path(self.tmp.name) / "bare_app.py").write_text(BARE_APP)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "waitress",
                f"--port={self.port}",
                "--host=127.0.0.1",
                f"--threads={self.threads}",
                "bare_app:app",
            ],
            cwd=self.tmp.name,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                requests.get(f"{self.url}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        self.server.terminate()
        self.server.wait()
        self.tmp.cleanup()


def bare_flask_ceiling(count: int, clients: int, threads: int) -> float:
    with BareFlask(threads) as bare:
        payloads = [referral("015195", n=i) for i in range(count)]
        elapsed = post_many(f"{bare.url}/echo", payloads, clients, lambda i: {})
        return count / elapsed


def raw_publish_ceiling(amqp_uri: str, count: int) -> float:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    channel.queue_declare(queue, durable=True)
    body = str(referral("015195", n=1)).encode()
    start = time.perf_counter()
    for _ in range(count):
        channel.basic_publish(
            "", queue, body, pika.BasicProperties(delivery_mode=2), mandatory=True
        )
    elapsed = time.perf_counter() - start
    channel.queue_delete(queue)
    connection.close()
    return count / elapsed


def count_rows(suite, service, table):
    with sqlite3.connect(suite.var_dir / f"{service}.db", timeout=30) as db:
        return db.execute(f"select count(*) from {table}").fetchone()[0]


def bench_referrals(node, suite, args) -> None:
    from nameko.standalone.rpc import ClusterRpcProxy

    system = sign_actor(
        Actor(sub="system:bench", role="system", comuni=tuple(DEMO_AMBITO)),
        rpc_audience("partners"),
    )
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        rpc.partners.subscribe(system, "FWA", "intake.referral_received.v1")
    token = suite.client_token("015195")
    n = args.referrals
    payloads = [referral("015195", members=2, n=i) for i in range(n)]
    headers = {"Authorization": f"Bearer {token}"}
    post_many(
        f"{suite.base_url}/api/v1/referrals", payloads[:20], args.clients, lambda i: headers
    )  # warm-up
    start = time.perf_counter()
    elapsed = post_many(
        f"{suite.base_url}/api/v1/referrals", payloads[20:], args.clients, lambda i: headers
    )
    accepted_rate = (n - 20) / elapsed
    tables = {
        "intake": "referral",
        "funds": "funds_file",
        "housing_stock": "housing_need",
        "partners": "delivery",
    }
    while any(count_rows(suite, s, t) < n for s, t in tables.items()):
        time.sleep(0.05)
        if time.perf_counter() - start > 600:
            raise TimeoutError("services did not catch up in 10 minutes")
    all_hold = time.perf_counter() - start
    flask_rate = bare_flask_ceiling(n, args.clients, threads=16)
    publish_rate = raw_publish_ceiling(node.amqp_uri("bench"), 5000)
    print()
    print(f"1. Referrals ({n - 20} referrals, {args.clients} concurrent clients, one machine)")
    print(f"  gateway: referrals accepted per second        {accepted_rate:10.1f}")
    print(
        f"  ceiling: bare Flask endpoint, same server     {flask_rate:10.1f}   "
        f"ratio {accepted_rate / flask_rate:6.3f}"
    )
    print(
        f"  ceiling: raw confirmed persistent publishes/s {publish_rate:10.1f}   "
        f"ratio {accepted_rate / publish_rate:6.3f}"
    )
    print(
        f"  time until all four services hold them        {all_hold:10.2f} s "
        f"(submission took {elapsed:.2f} s;"
        f" lag after the last accept {all_hold - elapsed:.2f} s)"
    )
    print(
        f"  end-to-end throughput (accepted -> held by all four) {(n - 20) / all_hold:10.1f} /s",
        flush=True,
    )


def bench_cases(suite, args) -> None:
    from datetime import date, timedelta

    from tests.bench.cases import load_cases, query_plans, restart_for_statistics, timings
    from tests.support.data import codice_fiscale
    from tests.support.suite import operator_session

    started = time.perf_counter()
    load_cases(suite.database_url("intake"), args.cases)
    loaded_in = time.perf_counter() - started
    operator = operator_session(suite, "agenzia", "agenzia-demo")
    coordinator = operator_session(suite, "coordinatrice", "coordinatrice-demo")
    api = f"{suite.base_url}/api/v1"
    year = {
        "from": (date.today() - timedelta(days=365)).isoformat(),
        "to": date.today().isoformat(),
    }
    quarter = {"received_from": "2026-01-01", "received_to": "2026-03-31"}
    ui = suite.base_url
    measured = {
        "worklist (API)": timings(operator, f"{api}/worklist"),
        "worklist, triage page 5 (API)": timings(
            operator, f"{api}/worklist", {"section": "awaiting_triage", "page": 5}
        ),
        "worklist, one comune, mine (API)": timings(
            operator, f"{api}/worklist", {"comune": "015195", "mine": "true"}
        ),
        "worklist page /lavoro (UI)": timings(operator, f"{ui}/lavoro"),
        "/lavoro?comune=..&mie=1 (UI)": timings(
            operator, f"{ui}/lavoro", {"comune": "015195", "mie": "1"}
        ),
        "case list, page 1 (API)": timings(
            operator, f"{api}/referrals", {"page": 1, "page_size": 50}
        ),
        "case list, page 200 (API)": timings(
            operator, f"{api}/referrals", {"page": 200, "page_size": 50}
        ),
        "case list page /schede (UI)": timings(operator, f"{ui}/schede"),
        "search surname 'ross' (API)": timings(operator, f"{api}/referrals", {"last_name": "ross"}),
        "search surname+name (API)": timings(
            operator, f"{api}/referrals", {"last_name": "bianchi", "first_name": "anna"}
        ),
        "search codice fiscale (API)": timings(
            operator, f"{api}/referrals", {"codice_fiscale": codice_fiscale(150000).lower()}
        ),
        "search status+comune+quarter (API)": timings(
            operator,
            f"{api}/referrals",
            {"status": "in_carico", "comune": "015195", **quarter},
        ),
        "search grade 4 (API)": timings(operator, f"{api}/referrals", {"grade": 4}),
        "search assignee (API)": timings(
            operator, f"{api}/referrals", {"assigned_to": "operator:agenzia"}
        ),
        "/schede?cognome=ross (UI)": timings(operator, f"{ui}/schede", {"cognome": "ross"}),
        "/schede?cognome=..&stato=..&dal=.. (UI)": timings(
            operator,
            f"{ui}/schede",
            {"cognome": "ross", "stato": "in_carico", "dal": "2026-01-01", "al": "2026-03-31"},
        ),
        "Fotografia, one year (API)": timings(operator, f"{api}/fotografia", year, repeat=10),
        "Anomalie, page 1 (UI)": timings(coordinator, f"{ui}/anomalie"),
        "Anomalie, page 20 (UI)": timings(coordinator, f"{ui}/anomalie", {"pagina": 20}),
    }
    # The cases were written behind intake's back: SQLite has no statistics for them yet. The
    # chassis gathers them at start and every hour (PostgreSQL's autovacuum does it by itself):
    # restart intake and time the worklist again once they are there.
    gathered_in, gathered = restart_for_statistics(suite, "intake", "referral", args.cases)
    measured["worklist (API), with statistics"] = timings(operator, f"{api}/worklist")
    measured["worklist page /lavoro (UI), with statistics"] = timings(operator, f"{ui}/lavoro")
    with BareFlask(16) as bare:
        ceiling = timings(requests.Session(), f"{bare.url}/page")
    print()
    print(
        f"2. Case work with {args.cases:,} cases in intake (loaded in {loaded_in:.1f} s), "
        "sequential requests"
    )
    print(f"  intake restarted, statistics there {gathered_in:.1f} s later: {gathered}")
    print(f"  {'what':42s} {'median ms':>10s} {'p95 ms':>10s} {'median / ceiling':>17s}")
    print(
        f"  {'ceiling: bare Flask GET, same server':42s} "
        f"{ceiling[0]:10.2f} {ceiling[1]:10.2f} {1:17.1f}"
    )
    for name, (median, p95) in measured.items():
        print(f"  {name:42s} {median:10.2f} {p95:10.2f} {median / ceiling[0]:17.1f}")
    print("  query plans (SQLite) of the searches:")
    for name, plan in query_plans(suite.database_url("intake")).items():
        print(f"    {name}: {plan}")


def main():
    # The suite runs in development mode; the bench signs its own actors with the same key.
    os.environ.setdefault("ABITARE_DEVELOPMENT", "1")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--referrals", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--fanout-events", type=int, default=10_000, help="part 3: events fanned out to 10"
    )
    parser.add_argument("--part", choices=("all", "referrals", "cases", "partners"), default="all")
    args = parser.parse_args()
    print("starting a private RabbitMQ node and the suite ...", flush=True)
    node = PrivateRabbit().start()
    suites = []
    try:
        if args.part in ("all", "referrals"):
            suites.append(
                Suite(
                    node.create_vhost("bench"), Path(tempfile.mkdtemp(prefix="abitare-bench-"))
                ).start()
            )
            bench_referrals(node, suites[-1], args)
        if args.part in ("all", "cases"):
            suites.append(
                Suite(
                    node.create_vhost("cases"),
                    Path(tempfile.mkdtemp(prefix="abitare-cases-")),
                    # the worklist before SQLite has statistics can take longer than the 5 s
                    # the gateway waits: measured, not refused
                    extra_env={"RPC_TIMEOUT": "60"},
                ).start()
            )
            bench_cases(suites[-1], args)
        if args.part in ("all", "partners"):
            from tests.bench.partner_fanout import bench_partner_fanout, report

            report(
                bench_partner_fanout(
                    node.create_vhost("fanout"),
                    Path(tempfile.mkdtemp(prefix="abitare-fanout-")),
                    args.fanout_events,
                )
            )
    finally:
        for suite in suites:
            suite.stop()
        node.shutdown()


if __name__ == "__main__":
    main()
