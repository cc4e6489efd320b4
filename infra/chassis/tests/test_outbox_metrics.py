"""Outbox metrics without a broker: pending, stuck (pending past the threshold), unheard (published
to no queue) and the age of the oldest pending row, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import MetaData, insert

from abitare_chassis.database import Db
from abitare_chassis.outbox import STUCK_AFTER, OutboxMetrics, outbox_metrics

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def add(db, event_id, created_at, sent_at=None, unheard_at=None):
    with db.transaction() as tx:
        tx.session.execute(
            insert(db.outbox).values(
                event_id=event_id,
                exchange="producer.events",
                routing_key="recorded",
                body={},
                created_at=created_at,
                sent_at=sent_at,
                unheard_at=unheard_at,
                attempts=0,
            )
        )


def test_metrics_tell_pending_stuck_and_unheard_apart(db_url):
    db = Db("producer", db_url, MetaData())
    db.create_all()
    try:
        assert outbox_metrics(db.engine, db.outbox, NOW) == OutboxMetrics(0, 0, 0, None)
        add(db, "fresh", NOW - timedelta(seconds=30))
        add(db, "old", NOW - STUCK_AFTER - timedelta(minutes=1))
        add(db, "sent", NOW - timedelta(hours=2), sent_at=NOW - timedelta(hours=2))
        add(db, "unheard", NOW - timedelta(hours=1), unheard_at=NOW - timedelta(hours=1))
        metrics = outbox_metrics(db.engine, db.outbox, NOW)
        assert (metrics.pending, metrics.stuck, metrics.unheard) == (2, 1, 1)
        assert (
            metrics.oldest_pending_seconds == (STUCK_AFTER + timedelta(minutes=1)).total_seconds()
        )
        assert "stuck=1" in str(metrics)
        # the same backlog a while later: the fresh row is stuck too
        later = outbox_metrics(db.engine, db.outbox, NOW + STUCK_AFTER)
        assert (later.pending, later.stuck, later.unheard) == (2, 2, 1)
    finally:
        db.dispose()
