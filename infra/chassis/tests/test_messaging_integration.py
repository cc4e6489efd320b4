"""The chassis against a real RabbitMQ and real databases: outbox, inbox, retries and dead
letters, signed actor contexts. Two tiny services defined here stand in for real ones."""

import json

import pytest
from kombu import Connection, Exchange, Queue
from nameko.exceptions import RemoteError
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from abitare_chassis.actor import EVENT_AUDIENCE, Actor, sign_actor
from abitare_chassis.envelope import new_envelope, sign_envelope
from abitare_chassis.errors import InvalidInput
from abitare_chassis.handlers import event_handler
from abitare_chassis.outbox import STUCK_AFTER, outbox_metrics, utcnow
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc
from abitare_chassis.testing.services import token, wait_for

producer_metadata = MetaData()
thing = Table(
    "thing",
    producer_metadata,
    Column("id", Integer, primary_key=True),
    Column("value", String(50)),
    Column("comune", String(6)),
)

consumer_metadata = MetaData()
copy = Table(
    "copy",
    consumer_metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(36)),
    Column("value", String(50)),
)

POISON = "poison"
INVALID = "invalid"


class ProducerService:
    name = "producer"
    db = Database(producer_metadata)

    @rpc
    def record(self, actor: Actor, value: str, comune: str = "015195"):
        with self.db.transaction() as tx:
            tx.session.execute(insert(thing).values(value=value, comune=comune))
            tx.emit("recorded", {"value": value}, actor=actor, subject=value, tenant=comune)
        return value


class ConsumerService:
    name = "consumer"
    db = Database(consumer_metadata)

    @event_handler("producer", "recorded")
    def handle_producer_recorded(self, event):
        if event.data["value"] == POISON:
            raise RuntimeError("this handler cannot cope with poison")
        if event.data["value"] == INVALID:
            raise InvalidInput({"value": ["not acceptable"]})
        with self.db.transaction(causation=event) as tx:
            tx.session.execute(insert(copy).values(event_id=event.id, value=event.data["value"]))


def copies(harness):
    with harness.db("consumer").session() as session:
        return session.execute(select(copy.c.value).order_by(copy.c.id)).scalars().all()


def sent_and_pending(harness, name="producer"):
    db = harness.db(name)
    with db.session() as session:
        sent = session.execute(
            select(func.count()).select_from(db.outbox).where(db.outbox.c.sent_at.is_not(None))
        ).scalar_one()
        total = session.execute(select(func.count()).select_from(db.outbox)).scalar_one()
    return sent, total - sent


HANDLER_QUEUE = "evt-producer-recorded--consumer.handle_producer_recorded"


def queue_depth(amqp_uri, name):
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        _, messages, _ = channel.queue_declare(name, passive=True)
        channel.close()
        return messages


@pytest.fixture
def both(service_runner, db_url, tmp_path):
    service_runner.start(ConsumerService, f"sqlite:///{tmp_path / 'consumer.db'}")
    service_runner.start(ProducerService, db_url)
    return service_runner


def test_event_committed_with_state_reaches_consumer_and_is_marked_sent(both):
    with both.rpc() as proxy:
        proxy.producer.record(token(service="producer"), "first")
    assert wait_for(lambda: copies(both) == ["first"], message="copy of the event")
    assert wait_for(lambda: sent_and_pending(both) == (1, 0), message="outbox row marked sent")


def test_same_event_delivered_twice_has_one_effect(both):
    env = sign_envelope(
        new_envelope(
            service="producer",
            event="recorded",
            data={"value": "twice"},
            subject="twice",
            tenant="015195",
            actor_token=token(audience=EVENT_AUDIENCE),
        )
    )
    with Connection(both.amqp_uri) as conn:
        producer = conn.Producer()
        for _ in range(2):
            producer.publish(
                env,
                exchange=Exchange("producer.events", type="topic", durable=True),
                routing_key="recorded",
                serializer="json",
            )
    wait_for(lambda: queue_depth(both.amqp_uri, HANDLER_QUEUE) == 0, message="queue drained")
    with both.rpc() as proxy:  # a later event proves the consumer is past both copies
        proxy.producer.record(token(service="producer"), "after")
    wait_for(lambda: copies(both)[-1:] == ["after"], message="later event")
    assert copies(both) == ["twice", "after"]
    # The second copy was acknowledged as handled: not retried, not parked.
    assert queue_depth(both.amqp_uri, HANDLER_QUEUE + ".retry") == 0
    assert queue_depth(both.amqp_uri, HANDLER_QUEUE + ".dlq") == 0
    db = both.db("consumer")
    with db.session() as session:
        keys = (
            session.execute(select(db.inbox.c.handler).where(db.inbox.c.event_id == env["id"]))
            .scalars()
            .all()
        )
    assert keys == ["consumer.handle_producer_recorded"]  # derived from the entrypoint


def counts(metrics):
    return metrics.pending, metrics.stuck, metrics.unheard


def outbox_row(harness, event_id, name="producer"):
    db = harness.db(name)
    with db.session() as session:
        return session.execute(select(db.outbox).where(db.outbox.c.event_id == event_id)).one()


def emit(harness, event, value, name="producer"):
    with harness.db(name).transaction() as tx:
        return tx.emit(
            event,
            {"value": value},
            actor=Actor("system:test", "system"),
            subject=value,
            tenant="015195",
        )


def test_event_nobody_listens_to_is_unheard_not_retried(both):
    unheard = emit(both, "nobody_listens", "lonely")  # no queue is bound to this routing key
    row = wait_for(
        lambda: (r := outbox_row(both, unheard["id"])).unheard_at and r,
        message="the event marked unheard",
    )
    assert row.sent_at is None and row.attempts == 1 and row.last_error.startswith("unheard")
    heard = emit(both, "recorded", "heard")  # a later event gets through...
    wait_for(lambda: outbox_row(both, heard["id"]).sent_at, message="the heard event sent")
    assert outbox_row(both, unheard["id"]).attempts == 1  # ...and the unheard one was not retried
    assert counts(outbox_metrics(both.db("producer").engine, both.db("producer").outbox)) == (
        0,
        0,
        1,
    )


def test_failing_handler_is_retried_then_dead_lettered_while_others_flow(both):
    with both.rpc() as proxy:
        proxy.producer.record(token(service="producer"), POISON)
        for i in range(5):
            proxy.producer.record(token(service="producer"), f"good-{i}")
    wait_for(lambda: len(copies(both)) == 5, message="the good events")
    wait_for(
        lambda: queue_depth(both.amqp_uri, HANDLER_QUEUE + ".dlq") == 1,
        timeout=30,
        message="poison message in the dead-letter queue",
    )
    with Connection(both.amqp_uri) as conn:
        message = conn.default_channel.basic_get(HANDLER_QUEUE + ".dlq", no_ack=True)
    body = json.loads(message.body)
    assert body["data"] == {"value": POISON}
    assert message.headers["x-abitare-retries"] == 3  # bounded: 1 try + 3 retries
    assert "RuntimeError" in message.headers["x-abitare-error"]
    assert POISON not in copies(both)


def test_invalid_event_data_is_parked_at_once_without_retries(both):
    with both.rpc() as proxy:
        proxy.producer.record(token(service="producer"), INVALID)
    wait_for(lambda: queue_depth(both.amqp_uri, HANDLER_QUEUE + ".dlq") == 1, message="parked")
    with Connection(both.amqp_uri) as conn:
        message = conn.default_channel.basic_get(HANDLER_QUEUE + ".dlq", no_ack=True)
    assert "x-abitare-retries" not in message.headers
    assert "InvalidInput" in message.headers["x-abitare-error"]


def test_forged_event_is_refused_and_parked(both):
    unsigned = new_envelope(
        service="producer",
        event="recorded",
        data={"value": "forged"},
        subject="forged",
        tenant="015195",
        actor_token=token(audience=EVENT_AUDIENCE),
    )
    badly_signed = sign_envelope(dict(unsigned), key="attacker-key")
    with Connection(both.amqp_uri) as conn:
        producer = conn.Producer()
        for env in (unsigned, badly_signed):
            producer.publish(
                env,
                exchange=Exchange("producer.events", type="topic", durable=True),
                routing_key="recorded",
                serializer="json",
            )
    wait_for(
        lambda: queue_depth(both.amqp_uri, HANDLER_QUEUE + ".dlq") == 2,
        message="refused events parked",
    )
    assert copies(both) == []


@pytest.mark.parametrize(
    "bad_token",
    [
        None,
        "garbage",
        token(service="producer").replace("a", "b", 1) + "x",
        token(service="consumer"),  # meant for another service
        sign_actor(Actor("operator:x", "agency_operator", ("015195",)), "rpc"),  # no service named
    ],
)
def test_rpc_with_forged_or_missing_actor_is_refused(both, bad_token):
    with both.rpc() as proxy:
        with pytest.raises(RemoteError) as error:
            proxy.producer.record(bad_token, "nope")
    assert error.value.exc_type == "ActorRejected"
    with both.db("producer").session() as session:
        assert session.execute(select(func.count()).select_from(thing)).scalar_one() == 0


def test_an_actor_token_taken_from_a_real_event_cannot_call_an_rpc(both):
    """Issue 7, finding 1: whoever can read a queue holds the events' actor tokens. Take one out
    of a real event (emitted by the producer for an operator) and replay it as an RPC actor."""
    tap = Queue(
        "tap-producer-recorded",
        exchange=Exchange("producer.events", type="topic", durable=True),
        routing_key="recorded",
        durable=False,
        auto_delete=True,
    )
    with Connection(both.amqp_uri) as conn:
        tap(conn.default_channel).declare()
        with both.rpc() as proxy:
            proxy.producer.record(token(service="producer"), "overheard")
        message = wait_for(
            lambda: conn.default_channel.basic_get(tap.name, no_ack=True),
            message="the event on the tap queue",
        )
    stolen = json.loads(message.body)["actor"]
    with both.rpc() as proxy:
        with pytest.raises(RemoteError) as error:
            proxy.producer.record(stolen, "replayed")
    assert error.value.exc_type == "ActorRejected"
    assert "not meant for rpc:producer" in error.value.value
    with both.db("producer").session() as session:
        assert session.execute(select(thing.c.value)).scalars().all() == ["overheard"]


def test_an_event_carrying_an_rpc_token_is_parked(both):
    """The other way round (defence in depth: even inside a correctly signed envelope), a
    captured RPC token does not make an event actor."""
    rpc_token = token(service="producer")
    forged = sign_envelope(
        new_envelope(
            service="producer",
            event="recorded",
            data={"value": "from-rpc"},
            subject="from-rpc",
            tenant="015195",
            actor_token=rpc_token,
        )
    )
    with Connection(both.amqp_uri) as conn:
        conn.Producer().publish(
            forged,
            exchange=Exchange("producer.events", type="topic", durable=True),
            routing_key="recorded",
            serializer="json",
        )
    wait_for(lambda: queue_depth(both.amqp_uri, HANDLER_QUEUE + ".dlq") == 1, message="parked")
    with Connection(both.amqp_uri) as conn:
        parked = conn.default_channel.basic_get(HANDLER_QUEUE + ".dlq", no_ack=True)
    assert "not meant for event" in parked.headers["x-abitare-error"]
    assert copies(both) == []


def test_events_committed_while_broker_is_down_are_published_after_restart(
    private_rabbit, tmp_path
):
    from abitare_chassis.testing.services import ServiceHarness

    harness = ServiceHarness(private_rabbit.create_vhost("restart"))
    try:
        harness.start(ConsumerService, f"sqlite:///{tmp_path / 'c.db'}")
        harness.start(ProducerService, f"sqlite:///{tmp_path / 'p.db'}")
        producer_db = harness.db("producer")
        private_rabbit.stop_app()
        # The broker is away: the use case still commits, its events wait in the outbox.
        for i in range(20):
            with producer_db.transaction() as tx:
                tx.session.execute(insert(thing).values(value=f"v{i}", comune="015195"))
                tx.emit(
                    "recorded",
                    {"value": f"v{i}"},
                    actor=Actor("system:test", "system"),
                    subject=f"v{i}",
                    tenant="015195",
                )
        assert sent_and_pending(harness) == (0, 20)
        db = producer_db
        # Routable events waiting for the broker are pending, not unheard; past the threshold
        # the metric calls them stuck.
        now = utcnow()
        assert counts(outbox_metrics(db.engine, db.outbox, now)) == (20, 0, 0)
        assert counts(outbox_metrics(db.engine, db.outbox, now + STUCK_AFTER)) == (20, 20, 0)
        private_rabbit.start_app()
        wait_for(lambda: sent_and_pending(harness) == (20, 0), timeout=60, message="outbox drained")
        wait_for(lambda: len(copies(harness)) == 20, timeout=60, message="all copies")
        assert copies(harness) == [f"v{i}" for i in range(20)]
        assert counts(outbox_metrics(db.engine, db.outbox)) == (0, 0, 0)
    finally:
        harness.stop()


def planner_statistics(db) -> dict[str, int] | None:
    """``{table: rows}`` as SQLite's planner statistics record them; None: never gathered."""
    from sqlalchemy import text

    with db.engine.connect() as conn:
        if not conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name='sqlite_stat1'")):
            return None
        rows = text("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
        return dict(conn.execute(rows).all())


def test_on_sqlite_the_planner_has_statistics_after_start_and_as_tables_grow(
    monkeypatch, service_runner, tmp_path
):
    monkeypatch.setenv("ABITARE_STATISTICS_INTERVAL_SECONDS", "0.2")
    service_runner.start(ProducerService, f"sqlite:///{tmp_path / 'producer.db'}")
    db = service_runner.db("producer")
    assert wait_for(lambda: planner_statistics(db) is not None, message="sqlite_stat1 at start")
    with service_runner.rpc() as proxy:
        for n in range(5):
            proxy.producer.record(token(service="producer"), f"v{n}")
    # analysed once it has rows (with 1 to 5 of them: the schedule runs while they are written;
    # the doubling rule is tested in test_database)
    assert wait_for(lambda: 1 <= (planner_statistics(db).get("thing") or 0) <= 5, message="thing")
    assert wait_for(lambda: planner_statistics(db).get("outbox_message"), message="outbox")
