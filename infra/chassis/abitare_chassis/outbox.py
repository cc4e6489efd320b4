"""The transactional outbox relay (DESIGN.md §6).

Events are written to ``outbox_message`` in the same transaction as the state change that causes
them. The relay publishes pending rows in order, with publisher confirms and ``mandatory=True``,
and marks each row sent only after the broker confirmed it. While the broker is away or a message
cannot be routed yet, the row stays pending and is retried with a growing delay: never dropped.
A crash between publish and marking-sent publishes the row again; consumers' inboxes absorb that.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from kombu import Exchange
from nameko.amqp.publish import Publisher, UndeliverableMessage
from sqlalchemy import and_, or_, select, update

from .faults import failpoint

log = logging.getLogger(__name__)

BATCH_SIZE = 200
MAX_BACKOFF_SECONDS = 30
PUBLISH_TIMEOUT_SECONDS = 10
# One quick reconnect inside kombu; the relay loop owns the longer waits.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def topic_exchange(name: str) -> Exchange:
    """The exchange nameko's event handlers bind to (``<service>.events``, topic, durable)."""
    return Exchange(name, type="topic", durable=True)


class OutboxRelay:
    """Publishes pending outbox rows. ``relay_once`` is one pass; the nameko provider loops it."""

    def __init__(self, engine, outbox_table, amqp_uri: str, write_lock=None):
        self.engine = engine
        self.outbox = outbox_table
        self.write_lock = write_lock
        self.publisher = Publisher(amqp_uri, use_confirms=True, mandatory=True,
                                   retry=True, retry_policy=RETRY_POLICY)
        self._exchanges: dict[str, Exchange] = {}

    def _exchange(self, name: str) -> Exchange:
        if name not in self._exchanges:
            self._exchanges[name] = topic_exchange(name)
        return self._exchanges[name]

    def pending(self, now: datetime, limit: int = BATCH_SIZE):
        o = self.outbox
        query = (select(o.c.id, o.c.event_id, o.c.exchange, o.c.routing_key, o.c.body, o.c.attempts)
                 .where(and_(o.c.sent_at.is_(None),
                             or_(o.c.next_attempt_at.is_(None), o.c.next_attempt_at <= now)))
                 .order_by(o.c.id).limit(limit))
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
                    row.body, exchange=self._exchange(row.exchange), routing_key=row.routing_key,
                    declare=[self._exchange(row.exchange)], message_id=row.event_id,
                    timeout=PUBLISH_TIMEOUT_SECONDS,
                )
            except UndeliverableMessage:
                # No queue bound yet: keep it, try again later, let the others through.
                self._defer(row, "unroutable: no queue bound for this routing key")
                continue
            failpoint("after_publish")
            self._write(update(self.outbox).where(self.outbox.c.id == row.id)
                        .values(sent_at=utcnow(), attempts=row.attempts + 1, last_error=None))
            sent += 1
        return sent

    def _defer(self, row, error: str):
        delay = min(MAX_BACKOFF_SECONDS, 2 ** min(row.attempts, 5))
        log.warning("outbox event %s deferred %ss: %s", row.event_id, delay, error)
        self._write(update(self.outbox).where(self.outbox.c.id == row.id).values(
            attempts=row.attempts + 1, last_error=error,
            next_attempt_at=utcnow() + timedelta(seconds=delay)))

    def backlog(self) -> int:
        from sqlalchemy import func
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self.outbox)
                                .where(self.outbox.c.sent_at.is_(None))).scalar_one()
