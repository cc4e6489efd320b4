"""The transactional outbox relay (DESIGN.md §6).

Events are written to ``outbox_message`` in the same transaction as the state change that causes
them. The relay publishes pending rows in order, with publisher confirms and ``mandatory=True``,
and marks each row sent only after the broker confirmed it. While the broker is away the rows
stay pending and the relay backs off: never dropped. A crash between publish and marking-sent
publishes the row again; consumers' inboxes absorb that.

What an unroutable event means (``docs/architecture.md``): the subscribers of an event are the
queues bound to it, declared up front (``infra/rabbitmq/definitions.json``, partner queues when a
partner subscribes). A confirmed publish that no queue receives means *nobody listens yet*: the
row is marked **unheard** (``unheard_at``), not retried and not an error. A row still pending
after :data:`STUCK_AFTER` is **stuck**: that is the backlog to look at (:func:`outbox_metrics`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kombu import Exchange
from nameko.amqp.publish import Publisher, UndeliverableMessage
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from .faults import failpoint

log = logging.getLogger(__name__)

BATCH_SIZE = 200
PUBLISH_TIMEOUT_SECONDS = 10
STUCK_AFTER = timedelta(minutes=5)  # a pending row older than this is stuck
# One quick reconnect inside kombu; the relay loop owns the longer waits.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}


def utcnow() -> datetime:
    return datetime.now(UTC)


def topic_exchange(name: str) -> Exchange:
    """The exchange nameko's event handlers bind to (``<service>.events``, topic, durable)."""
    return Exchange(name, type="topic", durable=True)


@dataclass(frozen=True)
class OutboxMetrics:
    """``pending``: not yet published (``stuck`` included); ``stuck``: pending for longer than
    the threshold; ``unheard``: published to nobody (no queue bound); ``oldest_pending_seconds``:
    age of the oldest pending row, ``None`` when nothing is pending."""

    pending: int
    stuck: int
    unheard: int
    oldest_pending_seconds: float | None

    def __str__(self) -> str:
        oldest = (
            "-" if self.oldest_pending_seconds is None else f"{self.oldest_pending_seconds:.0f}s"
        )
        return (
            f"pending={self.pending} stuck={self.stuck} unheard={self.unheard} "
            f"oldest_pending={oldest}"
        )


def outbox_metrics(
    engine, outbox_table, now: datetime | None = None, stuck_after: timedelta = STUCK_AFTER
) -> OutboxMetrics:
    """The outbox at ``now`` (default: the current time), in one read."""
    now = now or utcnow()
    o = outbox_table
    pending = and_(o.c.sent_at.is_(None), o.c.unheard_at.is_(None))
    with engine.connect() as conn:
        count, oldest = conn.execute(
            select(func.count(), func.min(o.c.created_at)).where(pending)
        ).one()
        stuck = conn.execute(
            select(func.count()).where(pending, o.c.created_at <= now - stuck_after)
        ).scalar_one()
        unheard = conn.execute(select(func.count()).where(o.c.unheard_at.is_not(None))).scalar_one()
    age = None if oldest is None else max(0.0, (now - oldest).total_seconds())
    return OutboxMetrics(pending=count, stuck=stuck, unheard=unheard, oldest_pending_seconds=age)


def forget_published(session: Session, outbox_table, subject: str) -> int:
    """Delete the rows of ``subject`` (a referral id) already published or unheard, in
    ``session``'s transaction; returns how many. Pseudonymisation calls it: a published event's
    body is a copy of personal data kept for nothing (GDPR art. 5(1)(e)). Pending rows stay:
    they still have to go out."""
    o = outbox_table
    done = or_(o.c.sent_at.is_not(None), o.c.unheard_at.is_not(None))
    rows = session.execute(
        delete(o).where(done, o.c.body["subject"].as_string() == subject).returning(o.c.id)
    )
    return len(rows.all())


class OutboxRelay:
    """Publishes pending outbox rows. ``relay_once`` is one pass; the nameko provider loops it."""

    def __init__(self, engine, outbox_table, amqp_uri: str, write_lock=None):
        self.engine = engine
        self.outbox = outbox_table
        self.write_lock = write_lock
        self.publisher = Publisher(
            amqp_uri, use_confirms=True, mandatory=True, retry=True, retry_policy=RETRY_POLICY
        )
        self._exchanges: dict[str, Exchange] = {}

    def _exchange(self, name: str) -> Exchange:
        if name not in self._exchanges:
            self._exchanges[name] = topic_exchange(name)
        return self._exchanges[name]

    def pending(self, now: datetime, limit: int = BATCH_SIZE):
        o = self.outbox
        query = (
            select(o.c.id, o.c.event_id, o.c.exchange, o.c.routing_key, o.c.body, o.c.attempts)
            .where(
                and_(
                    o.c.sent_at.is_(None),
                    o.c.unheard_at.is_(None),
                    or_(o.c.next_attempt_at.is_(None), o.c.next_attempt_at <= now),
                )
            )
            .order_by(o.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).all()

    def _write(self, statement):
        if self.write_lock is not None:
            with self.write_lock:
                return self._execute(statement)
        return self._execute(statement)

    def _execute(self, statement):
        with self.engine.begin() as conn:
            return conn.execute(statement)

    def relay_once(self) -> int:
        """Publish what is due. Returns how many rows were confirmed. Raises on broker errors
        (connection refused, timeouts) so the caller can back off; rows stay pending."""
        sent = 0
        for row in self.pending(utcnow()):
            try:
                self.publisher.publish(
                    row.body,
                    exchange=self._exchange(row.exchange),
                    routing_key=row.routing_key,
                    declare=[self._exchange(row.exchange)],
                    message_id=row.event_id,
                    timeout=PUBLISH_TIMEOUT_SECONDS,
                )
            except UndeliverableMessage:
                self._mark_unheard(row)
                continue
            failpoint("after_publish")
            self._write(
                update(self.outbox)
                .where(self.outbox.c.id == row.id)
                .values(sent_at=utcnow(), attempts=row.attempts + 1, last_error=None)
            )
            sent += 1
        return sent

    def _mark_unheard(self, row):
        """No queue is bound to this routing key: nobody listens yet. Not retried, not an error."""
        log.info(
            "outbox event %s unheard: no queue bound to %s/%s",
            row.event_id,
            row.exchange,
            row.routing_key,
        )
        self._write(
            update(self.outbox)
            .where(self.outbox.c.id == row.id)
            .values(
                unheard_at=utcnow(),
                attempts=row.attempts + 1,
                last_error=f"unheard: no queue bound to {row.exchange}/{row.routing_key}",
            )
        )

    def metrics(self, now: datetime | None = None) -> OutboxMetrics:
        return outbox_metrics(self.engine, self.outbox, now)
