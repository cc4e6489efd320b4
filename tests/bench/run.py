"""``make bench``: referrals accepted per second through the gateway and the time until all four
services hold them, beside two ceilings measured on the same machine in the same run:
- a bare Flask endpoint served the same way (waitress, same threads, same client load);
- raw persistent publishes to RabbitMQ with publisher confirms (pika, one channel).
Figures are reported as ratios to the ceilings; nothing here is asserted.

    python -m tests.bench.run [--referrals 500] [--clients 8]
"""
from __future__ import annotations

import argparse
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

from abitare_chassis.actor import Actor, sign_actor
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


def bare_flask_ceiling(count: int, clients: int, threads: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bare_app.py").write_text(BARE_APP)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "waitress", f"--port={port}",
                                   "--host=127.0.0.1", f"--threads={threads}", "bare_app:app"],
                                  cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            payloads = [referral("015195", n=i) for i in range(count)]
            elapsed = post_many(f"http://127.0.0.1:{port}/echo", payloads, clients, lambda i: {})
            return count / elapsed
        finally:
            server.terminate()
            server.wait()


def raw_publish_ceiling(amqp_uri: str, count: int) -> float:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    channel.queue_declare(queue, durable=True)
    body = str(referral("015195", n=1)).encode()
    start = time.perf_counter()
    for _ in range(count):
        channel.basic_publish("", queue, body, pika.BasicProperties(delivery_mode=2), mandatory=True)
    elapsed = time.perf_counter() - start
    channel.queue_delete(queue)
    connection.close()
    return count / elapsed


def count_rows(suite, service, table):
    with sqlite3.connect(suite.var_dir / f"{service}.db", timeout=30) as db:
        return db.execute(f"select count(*) from {table}").fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--referrals", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print("starting a private RabbitMQ node and the suite ...", flush=True)
    node = PrivateRabbit().start()
    suite = None
    try:
        suite = Suite(node.create_vhost("bench"), Path(tempfile.mkdtemp(prefix="abitare-bench-"))).start()
        from nameko.standalone.rpc import ClusterRpcProxy
        system = sign_actor(Actor(sub="system:bench", role="system", comuni=tuple(DEMO_AMBITO)))
        with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
            rpc.partners.subscribe(system, "FWA", "intake.referral_received.v1")
        token = suite.client_token("015195")
        n = args.referrals
        payloads = [referral("015195", members=2, n=i) for i in range(n)]
        headers = {"Authorization": f"Bearer {token}"}
        post_many(f"{suite.base_url}/api/v1/referrals", payloads[:20], args.clients, lambda i: headers)  # warm-up
        start = time.perf_counter()
        elapsed = post_many(f"{suite.base_url}/api/v1/referrals", payloads[20:], args.clients,
                            lambda i: headers)
        accepted_rate = (n - 20) / elapsed
        tables = {"intake": "referral", "funds": "funds_file", "housing_stock": "housing_need",
                  "partners": "delivery"}
        while any(count_rows(suite, s, t) < n for s, t in tables.items()):
            time.sleep(0.05)
            if time.perf_counter() - start > 600:
                raise TimeoutError("services did not catch up in 10 minutes")
        all_hold = time.perf_counter() - start
        lag_after_last_accept = all_hold - elapsed

        flask_rate = bare_flask_ceiling(n, args.clients, threads=16)
        publish_rate = raw_publish_ceiling(node.amqp_uri("bench"), 5000)
        print()
        print(f"Abitare benchmark  ({n - 20} referrals, {args.clients} concurrent clients, one machine)")
        print(f"  gateway: referrals accepted per second        {accepted_rate:10.1f}")
        print(f"  ceiling: bare Flask endpoint, same server     {flask_rate:10.1f}   ratio {accepted_rate / flask_rate:6.3f}")
        print(f"  ceiling: raw confirmed persistent publishes/s {publish_rate:10.1f}   ratio {accepted_rate / publish_rate:6.3f}")
        print(f"  time until all four services hold them        {all_hold:10.2f} s (submission took {elapsed:.2f} s;"
              f" lag after the last accept {lag_after_last_accept:.2f} s)")
        print(f"  end-to-end throughput (accepted -> held by all four) {(n - 20) / all_hold:10.1f} /s")
    finally:
        if suite:
            suite.stop()
        node.shutdown()


if __name__ == "__main__":
    main()
