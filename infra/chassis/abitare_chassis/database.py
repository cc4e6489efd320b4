"""The unit of work a service uses: one SQLAlchemy session per transaction, outbox rows written in
the same transaction as the state change, and the inbox row that makes an event handler
idempotent.

Plain SQLAlchemy, no nameko: the nameko provider (:mod:`provider`) hands each worker a
:class:`Db` bound to its inbox key ``"<service>.<entrypoint method>"``; scripts and tests build
one directly and pass ``handler=`` when they handle events.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .actor import EVENT_AUDIENCE, Actor, sign_actor
from .envelope import new_envelope, sign_envelope
from .faults import failpoint
from .tables import add_chassis_tables


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class AlreadyHandled(Exception):
    """``db.transaction(causation=event)`` found ``event`` in the inbox of this handler: the
    body is skipped. The chassis ``event_handler`` acknowledges the message as handled."""

    def __init__(self, handler: str, event_id: str):
        self.handler, self.event_id = handler, event_id
        super().__init__(f"{handler} already handled event {event_id}")


class Transaction:
    """What a use case writes through: ``session`` for its own rows, ``emit`` for its events."""

    def __init__(self, db: Db, session: Session, causation=None):
        self.db = db
        self.session = session
        self.causation = causation  # the CloudEvent being handled, if any
        self.emitted: list[dict] = []

    def emit(
        self,
        event: str,
        data: dict | None = None,
        *,
        actor: Actor | None = None,
        subject: str | None = None,
        tenant: str | None = None,
        exchange: str | None = None,
        routing_key: str | None = None,
        envelope: dict | None = None,
    ) -> dict:
        """Record ``<service>.<event>.v1`` in the outbox of this transaction. ``exchange`` and
        ``routing_key`` default to nameko's ``<service>.events`` / ``<event>``. A ready, signed
        ``envelope`` (a copy for a partner, say) is stored as it is."""
        if envelope is None:
            if actor is None:
                raise ValueError("an event needs the actor it is emitted for")
            envelope = new_envelope(
                service=self.db.service_name,
                event=event,
                data=data,
                subject=subject,
                tenant=tenant,
                actor_token=sign_actor(actor, EVENT_AUDIENCE),
                correlationid=getattr(self.causation, "correlationid", None),
                causationid=getattr(self.causation, "id", None),
            )
            envelope = sign_envelope(envelope)
        self.session.execute(
            insert(self.db.outbox).values(
                event_id=envelope["id"],
                exchange=exchange or f"{self.db.service_name}.events",
                routing_key=routing_key or event,
                body=envelope,
                created_at=_now(),
                attempts=0,
            )
        )
        self.emitted.append(envelope)
        return envelope


class Db:
    """A service's database: engine, session factory, outbox/inbox tables. ``handler`` is the
    inbox key of the event handler using it (``"funds.handle_intake_referral_received"``); the
    nameko provider sets it per worker (:meth:`for_handler`)."""

    def __init__(
        self,
        service_name: str,
        url: str,
        metadata,
        engine: Engine | None = None,
        handler: str | None = None,
    ):
        self.service_name = service_name
        self.handler = handler
        self.url = url
        self.metadata = metadata
        self.outbox, self.inbox = add_chassis_tables(metadata)
        self.engine = engine or make_engine(url)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        # SQLite allows one writer; inside one process we queue writers instead of letting
        # SQLite's busy-wait block the whole eventlet hub. (threading is green under nameko.)
        self.write_lock = threading.RLock() if is_sqlite(self.engine) else None
        # callbacks run after a transaction that emitted events commits
        self.on_commit: list[Callable[[], object]] = []

    def for_handler(self, handler: str) -> Db:
        """The same database (engine, sessions, lock, callbacks shared) bound to ``handler``."""
        bound = copy.copy(self)
        bound.handler = handler
        return bound

    @contextlib.contextmanager
    def transaction(self, causation=None):
        """One transaction. With ``causation`` (the CloudEvent being handled) it is idempotent:
        the inbox row ``(event id, handler)`` is written in this transaction, and an event this
        handler already applied raises :class:`AlreadyHandled` before the body runs. Two
        concurrent deliveries cannot both commit (unique constraint)."""
        if causation is not None and not self.handler:
            raise ValueError(
                "a transaction caused by an event needs the handler's inbox key: "
                'build the Db with handler="<service>.<method>"'
            )
        lock = self.write_lock or contextlib.nullcontext()
        with lock:
            session = self.sessions()
            tx = Transaction(self, session, causation)
            try:
                if causation is not None:
                    self._record_in_inbox(session, causation.id)
                yield tx
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        if tx.emitted:
            failpoint("after_commit")
            for callback in self.on_commit:
                callback()

    def _record_in_inbox(self, session: Session, event_id: str) -> None:
        inbox = self.inbox
        seen = session.execute(
            select(inbox.c.id).where(inbox.c.event_id == event_id, inbox.c.handler == self.handler)
        ).first()
        if seen:
            raise AlreadyHandled(str(self.handler), event_id)
        session.execute(
            insert(inbox).values(event_id=event_id, handler=self.handler, processed_at=_now())
        )

    @contextlib.contextmanager
    def session(self):
        """A read-only session (nothing is committed). Closing it ends its transaction and
        detaches what was loaded, which stays readable after the block."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()

    def refresh_statistics(self) -> list[str]:
        """SQLite only: ANALYZE the tables whose planner statistics are missing or stale, and
        return their names. Without statistics SQLite guesses between indexes, and at 100,000
        cases it guesses wrong (the worklist took 1.0-1.7 s instead of ~0.3 s). A table is stale
        when it has rows and ``sqlite_stat1`` has none for it, or its row count has doubled or
        halved since it was analysed. PostgreSQL's autovacuum keeps its own statistics: nothing
        is done there. The provider calls this at start and every
        ``config.statistics_interval()`` seconds (docs/service-template.md, "Statistics").

        Not ``PRAGMA optimize`` alone: before SQLite 3.46 (3.40 here) it only looks at tables the
        same connection has queried, so a fresh connection after a start does nothing."""
        if not is_sqlite(self.engine):
            return []
        with self.write_lock or contextlib.nullcontext(), self.engine.begin() as conn:
            tables = conn.scalars(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ).all()
            has_stats = conn.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            )
            if not has_stats:
                conn.execute(text("ANALYZE"))
                return list(tables)
            recorded: dict[str, int] = dict(
                conn.execute(
                    text("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
                ).all()
            )
            stale = []
            for table in tables:
                rows = conn.scalar(text(f'SELECT count(*) FROM "{table}"'))
                was = recorded.get(table)
                if rows and (was is None or rows >= 2 * was or 2 * rows <= was):
                    conn.execute(text(f'ANALYZE "{table}"'))
                    stale.append(table)
            return stale

    def create_all(self):
        """Tests and throwaway databases only; real databases are migrated with Alembic."""
        self.metadata.create_all(self.engine)

    def dispose(self):
        self.engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)
