"""Chaos at the level of the whole suite (DESIGN.md §6):
- a service killed between its commit and the publish of the event: after a restart the event
  still arrives, once;
- the broker stopped and restarted while 1,000 referrals are submitted through the gateway:
  afterwards every downstream service holds exactly 1,000 records (0 lost, 0 duplicated).
Each test gets its own RabbitMQ node, so stopping it disturbs nobody else."""

import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.faults import EXIT_CODE
from abitare_chassis.testing.services import wait_for
from tests.support.amqp import depth, drain
from tests.support.data import referral
from tests.support.load import submit_with_retries
from tests.support.suite import DEMO_AMBITO, Suite

SGM = "015195"
DOWNSTREAM = {"funds": "funds_file", "housing_stock": "housing_need", "partners": "delivery"}
# the routing key each consumes: funds and housing_stock read the minimised v2, partners v1
CONSUMED = {
    "funds": "referral_received.v2",
    "housing_stock": "referral_received.v2",
    "partners": "referral_received",
}


def count_rows(suite, service, table):
    with sqlite3.connect(suite.var_dir / f"{service}.db", timeout=30) as db:
        return db.execute(f"select count(*) from {table}").fetchone()[0]


def referral_table_count(suite):
    return count_rows(suite, "intake", "referral")


def unpublished(suite, service):
    """Outbox rows neither sent nor unheard (still to be published)."""
    with sqlite3.connect(suite.var_dir / f"{service}.db", timeout=30) as db:
        return db.execute(
            "select count(*) from outbox_message where sent_at is null and unheard_at is null"
        ).fetchone()[0]


def handled(suite, service):
    """Events the service's referral handler applied (its inbox rows)."""
    with sqlite3.connect(suite.var_dir / f"{service}.db", timeout=30) as db:
        return db.execute(
            "select count(*) from inbox_message where handler = ?",
            (f"{service}.handle_intake_referral_received",),
        ).fetchone()[0]


def settled(suite, referrals):
    """Nothing is on its way downstream any more: intake published every event it committed,
    every consumer applied each of the ``referrals`` events once (inbox), and no copy waits in
    a consumer's queue or retry queue. A duplicate, if any, would have to be there."""
    if unpublished(suite, "intake") or any(handled(suite, s) != referrals for s in DOWNSTREAM):
        return False
    queues = [f"evt-intake-{CONSUMED[s]}--{s}.handle_intake_referral_received" for s in DOWNSTREAM]
    return all(
        depth(suite.amqp_uri, q) == 0 and depth(suite.amqp_uri, f"{q}.retry") == 0 for q in queues
    )


def subscribe_fwa(suite):
    system = sign_actor(
        Actor(sub="system:test", role="system", comuni=tuple(DEMO_AMBITO)), rpc_audience("partners")
    )
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        rpc.partners.subscribe(system, "FWA", "intake.referral_received.v1")


def test_service_killed_between_commit_and_publish_still_delivers(private_rabbit, tmp_path):
    suite = Suite(private_rabbit.create_vhost("crash"), tmp_path)
    try:
        suite.prepare()
        for service in ("funds", "housing_stock", "partners"):
            suite.start_service(service)
        suite.start_service("intake", ABITARE_FAILPOINT="after_commit")
        suite.start_gateway()
        suite.wait_healthy()
        api = suite.api(SGM)
        payload = referral(SGM)
        response = api.post(
            f"{suite.base_url}/api/v1/referrals",
            json=payload,
            timeout=30,
            headers={"Idempotency-Key": "crash-1"},
        )
        assert response.status_code in (503, 504), response.text  # intake died before answering
        assert suite.wait_exit("intake") == EXIT_CODE
        assert referral_table_count(suite) == 1  # committed...
        assert count_rows(suite, "funds", "funds_file") == 0  # ...but not yet published
        suite.start_service("intake")  # back, without the failpoint
        wait_for(
            lambda: all(
                count_rows(suite, s, t) == 1
                for s, t in (("funds", "funds_file"), ("housing_stock", "housing_need"))
            ),
            timeout=60,
            message="the event after the restart",
        )
        # the client retries its request: same key, same referral, nothing new anywhere
        retry = api.post(
            f"{suite.base_url}/api/v1/referrals",
            json=payload,
            timeout=30,
            headers={"Idempotency-Key": "crash-1"},
        )
        assert retry.status_code in (200, 201), retry.text
        wait_for(lambda: settled(suite, 1), timeout=60, message="nothing left on its way")
        assert referral_table_count(suite) == 1
        assert count_rows(suite, "funds", "funds_file") == 1
        assert count_rows(suite, "housing_stock", "housing_need") == 1
    finally:
        suite.stop()


def test_broker_restart_while_1000_referrals_are_submitted(private_rabbit, tmp_path):
    total = int(os.environ.get("ABITARE_LOAD_TOTAL", "1000"))
    suite = Suite(private_rabbit.create_vhost("load"), tmp_path).start()
    try:
        subscribe_fwa(suite)
        token = suite.client_token(SGM)
        deadline = time.monotonic() + int(os.environ.get("ABITARE_LOAD_DEADLINE", "600"))
        restarts = []

        def chaos():
            while referral_table_count(suite) < total // 10:
                time.sleep(0.2)
            for _ in range(2):
                private_rabbit.stop_app()
                time.sleep(3)
                private_rabbit.start_app()
                restarts.append(time.monotonic())
                time.sleep(4)

        chaos_thread = threading.Thread(target=chaos, daemon=True)
        chaos_thread.start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(
                pool.map(
                    lambda i: submit_with_retries(suite.base_url, token, i, deadline), range(total)
                )
            )
        chaos_thread.join(timeout=120)
        assert len(restarts) == 2, "the broker was not restarted during the load"
        assert len({referral_id for referral_id, _ in results}) == total
        assert sum(attempts > 1 for _, attempts in results) > 0, "no request saw the outage"

        assert referral_table_count(suite) == total
        for service, table in DOWNSTREAM.items():
            wait_for(
                lambda service=service, table=table: count_rows(suite, service, table) >= total,
                timeout=180,
                message=f"{service} to catch up",
            )
        wait_for(
            lambda: settled(suite, total),
            timeout=120,
            interval=0.5,
            message="every event applied once, nothing left on its way",
        )
        for service, table in DOWNSTREAM.items():
            assert count_rows(suite, service, table) == total, service
        # partners' outbox may still be publishing (its relay backs off while the broker was away):
        # keep reading FWA's queue until every referral arrived or the time is up
        delivered = []
        wait_for(
            lambda: (
                delivered.extend(drain(suite.amqp_uri, "partner.fwa"))
                or len({m["subject"] for m in delivered}) >= total
            ),
            timeout=180,
            interval=1,
            message="FWA's copies",
        )
        assert len({message["subject"] for message in delivered}) == total  # 0 lost for FWA
        assert all(message["id"] for message in delivered)  # duplicates, if any, share the id
        assert len({message["id"] for message in delivered}) == total
    finally:
        suite.stop()
