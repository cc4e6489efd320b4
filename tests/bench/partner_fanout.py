"""Bench part 3 (issue 9): fan-out of ``events`` ``intake.referral_received.v1`` events (10,000
by default) to 10 subscribed partners through the real partners service (a real process: its
``share_event`` use case, its outbox relay and its webhook dispatcher) on a real RabbitMQ:
5 partners read their AMQP queues ``partner.<code>``, 5 receive webhooks on local HTTP receivers
(127.0.0.1, allow-listed). The source events are published up front (a backlog, as after an
outage of intake's consumer): what is measured is how fast partners drains it.

Reported: deliveries per second (one delivery = one partner's copy received by that partner),
and the latency from the commit of the partners transaction that records the ``Delivery``
(``tests.bench.timed_partners`` logs each commit) to its receipt at the partner, p50 and p99,
beside the raw confirmed-publish ceiling measured in the same run on the same broker (bare pika,
publisher confirms, persistent, one channel). Nothing is asserted here.

The 10 partners are the bench's own (``BENCHQ1``..``BENCHQ5`` read AMQP, ``BENCHW1``..``BENCHW5``
webhooks), written into partners' migrated database with a convention granting the event (as
``cases.py`` writes cases); their subscriptions and webhook endpoints go through the service's
RPCs. Every copy also goes to the partner's queue (the product always publishes it); the
webhook partners' queues are not read, and are deleted with the vhost."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pika
from kombu import Connection, Exchange
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import MetaData, create_engine, insert

from abitare_chassis import broker
from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.testing.broker import event_envelope
from abitare_chassis.testing.consumer import contract_example
from abitare_chassis.testing.services import wait_for
from tests.support.suite import BIN, DEFINITIONS, DEMO_AMBITO, REPO, Suite
from tests.support.webhook_receiver import WebhookReceiver

EVENT_TYPE = "intake.referral_received.v1"
AMQP_PARTNERS = [f"BENCHQ{i}" for i in range(1, 6)]
WEBHOOK_PARTNERS = [f"BENCHW{i}" for i in range(1, 6)]
GRANTED = [
    "referral_id",
    "comune_istat",
    "received_at",
    "housing_situation",
    "household.size",
    "household.minors",
]
SETTINGS = {
    "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "WEBHOOK_POLL_SECONDS": "0.2",
    "WEBHOOK_TIMEOUT_SECONDS": "10",
}


def system_actor():
    return sign_actor(
        Actor(sub="system:bench", role="system", comuni=tuple(DEMO_AMBITO)),
        rpc_audience("partners"),
    )


def coordinator_actor():
    return sign_actor(
        Actor(sub="operator:bench", role="coordinator", comuni=tuple(DEMO_AMBITO)),
        rpc_audience("partners"),
    )


def add_bench_partners(database_url: str) -> None:
    """The 10 partners, each with a convention in force that grants ``EVENT_TYPE``."""
    engine = create_engine(database_url)
    tables = MetaData()
    tables.reflect(engine, only=["partner", "convention"])
    partner, convention = tables.tables["partner"], tables.tables["convention"]
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for code in AMQP_PARTNERS + WEBHOOK_PARTNERS:
            conn.execute(
                insert(partner),
                {"code": code, "name": f"Bench partner {code}", "kind": "bench", "active": True},
            )
            conn.execute(
                insert(convention),
                {
                    "partner_code": code,
                    "code": f"{code}-BENCH",
                    "version": 1,
                    "kind": "convenzione",
                    "title": "bench",
                    "grants": {EVENT_TYPE: {"fields": GRANTED, "purpose": "bench"}},
                    "services": [],
                    "comuni": [],
                    "valid_from": date(2024, 1, 1),
                    "valid_to": None,
                    "status": "attiva",
                    "status_reason": None,
                    "response_days": 10,
                    "channels": ["webhook"] if code in WEBHOOK_PARTNERS else ["amqp"],
                    "reference": "bench (not a real convention)",
                    "recorded_at": now,
                    "recorded_by": "system:bench",
                },
            )
    engine.dispose()


def start_timed_partners(suite: Suite, commit_log: Path) -> None:
    log = suite.var_dir / "partners.log"
    suite.logs["partners"] = log
    suite.processes["partners"] = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.timed_partners"],
        env=suite.env(BENCH_COMMIT_LOG=str(commit_log)),
        cwd=REPO,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
    )


def rpc(suite: Suite, method: str, *args):
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=30) as proxy:
        return getattr(proxy.partners, method)(*args)


def partners_answers(suite: Suite) -> bool:
    if suite.processes["partners"].poll() is not None:
        raise RuntimeError(f"partners exited:\n{suite.tail('partners')}")
    try:
        rpc(suite, "subscribe", system_actor(), AMQP_PARTNERS[0], EVENT_TYPE)
        return True
    except Exception:  # not up yet
        return False


class QueueReader(threading.Thread):
    """A partner's own consumer: pika, manual acks; the first arrival time of each event id."""

    def __init__(self, amqp_uri: str, queue: str):
        super().__init__(daemon=True)
        self.amqp_uri, self.queue = amqp_uri, queue
        self.received_at: dict[str, float] = {}
        self.copies = 0
        self.ready = threading.Event()
        self.stopping = False

    def run(self):
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_uri))
        channel = connection.channel()
        channel.basic_qos(prefetch_count=500)

        def on_message(ch, method, _properties, body):
            arrived = time.time()
            self.received_at.setdefault(json.loads(body)["id"], arrived)
            self.copies += 1
            ch.basic_ack(method.delivery_tag)

        channel.basic_consume(self.queue, on_message)
        self.ready.set()
        while not self.stopping:
            connection.process_data_events(time_limit=0.2)
        connection.close()


def publish_sources(amqp_uri: str, count: int) -> float:
    """``count`` signed source events on intake's exchange, one connection; returns when the
    first was published."""
    example = contract_example(EVENT_TYPE, REPO / "infra" / "contracts")
    exchange = Exchange("intake.events", type="topic", durable=True)
    import uuid

    with Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        started = time.time()
        for _ in range(count):
            data = {**example, "referral_id": str(uuid.uuid4()), "comune_istat": "015195"}
            envelope = event_envelope(
                "intake", "referral_received", data, subject=data["referral_id"], tenant="015195"
            )
            producer.publish(
                envelope,
                exchange=exchange,
                routing_key="referral_received",
                declare=[exchange],
                delivery_mode=2,
            )
    return started


def raw_publish_ceiling(amqp_uri: str, count: int) -> float:
    """Bare pika, publisher confirms, persistent, mandatory, one channel: publishes per second."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    queue = f"bench-ceiling-{time.time_ns()}"
    channel.queue_declare(queue, durable=True)
    body = json.dumps(contract_example(EVENT_TYPE, REPO / "infra" / "contracts")).encode()
    start = time.perf_counter()
    for _ in range(count):
        channel.basic_publish(
            "", queue, body, pika.BasicProperties(delivery_mode=2), mandatory=True
        )
    elapsed = time.perf_counter() - start
    channel.queue_delete(queue)
    connection.close()
    return count / elapsed


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values))) - 1))
    return sorted_values[index]


def read_commits(path: Path) -> dict[str, float]:
    commits = {}
    for line in path.read_text().splitlines():
        event_id, at = line.split()
        commits.setdefault(event_id, float(at))
    return commits


def bench_partner_fanout(
    amqp_uri: str, var_dir: Path, events: int, timeout: float = 3600, progress=print
) -> dict:
    """Run the fan-out and return the figures (see the module's docstring)."""
    var_dir = Path(var_dir)
    suite = Suite(amqp_uri, var_dir, extra_env=SETTINGS)
    receivers = {code: WebhookReceiver().start() for code in WEBHOOK_PARTNERS}
    readers: dict[str, QueueReader] = {}
    commit_log = var_dir / "commits.log"
    try:
        broker.declare(amqp_uri, broker.load_definitions(DEFINITIONS))
        suite._run([str(BIN / "abitare-service"), "partners", "--migrate-only"])
        add_bench_partners(suite.database_url("partners"))
        start_timed_partners(suite, commit_log)
        wait_for(lambda: partners_answers(suite), timeout=120, interval=0.5, message="partners")
        for code in AMQP_PARTNERS + WEBHOOK_PARTNERS:
            rpc(suite, "subscribe", system_actor(), code, EVENT_TYPE)  # declares its queue
        for code, receiver in receivers.items():
            endpoint = rpc(suite, "register_webhook", coordinator_actor(), code, receiver.url)
            receiver.secrets = [endpoint["secret"]]
        for code in AMQP_PARTNERS:
            readers[code] = QueueReader(amqp_uri, f"partner.{code.lower()}")
            readers[code].start()
            readers[code].ready.wait(30)
        progress(f"  publishing {events} source events ...", flush=True)
        published_at = publish_sources(amqp_uri, events)
        deadline = time.monotonic() + timeout
        last_report = time.monotonic()

        def received() -> int:
            return sum(len(r.received_at) for r in readers.values()) + sum(
                len(r.events) for r in receivers.values()
            )

        total = events * 10
        while received() < total:
            if suite.processes["partners"].poll() is not None:
                raise RuntimeError(f"partners exited:\n{suite.tail('partners')}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{received()} of {total} deliveries in {timeout} s")
            if time.monotonic() - last_report > 30:
                progress(f"  ... {received()} of {total} deliveries", flush=True)
                last_report = time.monotonic()
            time.sleep(0.1)
        commits = read_commits(commit_log)
        amqp_latency, webhook_latency, receipts = [], [], []
        for reader in readers.values():
            for event_id, at in reader.received_at.items():
                amqp_latency.append(at - commits[event_id])
                receipts.append(at)
        for receiver in receivers.values():
            for event_id, at in receiver.received_at.items():
                webhook_latency.append(at - commits[event_id])
                receipts.append(at)
        ours = set().union(*(r.received_at for r in readers.values())) | set().union(
            *(r.received_at for r in receivers.values())
        )
        first_commit = min(commits[event_id] for event_id in ours)
        last_commit = max(commits[event_id] for event_id in ours)
        elapsed = max(receipts) - first_commit
        ceiling = raw_publish_ceiling(amqp_uri, 5000)
        return {
            "events": events,
            "deliveries": len(receipts),
            "duplicate_copies_amqp": sum(r.copies - len(r.received_at) for r in readers.values()),
            "webhook_rejected": sum(len(r.rejected) for r in receivers.values()),
            "seconds": elapsed,
            "seconds_from_publish": max(receipts) - published_at,
            "commit_seconds": last_commit - first_commit,
            "deliveries_per_second": len(receipts) / elapsed,
            "amqp_per_second": len(amqp_latency) / elapsed,
            "webhook_per_second": len(webhook_latency) / elapsed,
            "amqp_latency": summary(amqp_latency),
            "webhook_latency": summary(webhook_latency),
            "all_latency": summary(amqp_latency + webhook_latency),
            "ceiling_per_second": ceiling,
        }
    finally:
        for reader in readers.values():
            reader.stopping = True
        for reader in readers.values():
            reader.join(timeout=5)
        for receiver in receivers.values():
            receiver.stop()
        suite.stop()


def summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": percentile(ordered, 0.99) * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def report(figures: dict) -> None:
    ceiling = figures["ceiling_per_second"]
    print()
    print(
        f"3. Partner fan-out ({figures['events']:,} events x 10 partners: 5 AMQP queues, "
        "5 webhook receivers; source events published up front)"
    )
    rows = [
        ("all deliveries per second", figures["deliveries_per_second"]),
        ("  of which AMQP (partner.<code>)", figures["amqp_per_second"]),
        ("  of which webhooks", figures["webhook_per_second"]),
    ]
    for name, rate in rows:
        print(f"  {name:44s} {rate:10.1f}   ratio to the ceiling {rate / ceiling:6.3f}")
    print(f"  ceiling: raw confirmed persistent publishes/s  {ceiling:10.1f}")
    print(
        f"  {figures['deliveries']:,} deliveries in {figures['seconds']:.1f} s from the first "
        f"commit ({figures['seconds_from_publish']:.1f} s from the first source publish; "
        f"partners committed them over {figures['commit_seconds']:.1f} s)"
    )
    print(f"  latency commit -> receipt {'p50 ms':>12s} {'p99 ms':>10s} {'max ms':>10s}")
    for name in ("amqp", "webhook", "all"):
        lat = figures[f"{name}_latency"]
        print(f"    {name:22s} {lat['p50_ms']:12.1f} {lat['p99_ms']:10.1f} {lat['max_ms']:10.1f}")
    print(
        f"  copies read twice (AMQP, same id): {figures['duplicate_copies_amqp']}; "
        f"webhook requests refused by the receivers: {figures['webhook_rejected']}",
        flush=True,
    )
