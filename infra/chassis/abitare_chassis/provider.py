"""The ``Database`` dependency provider: the service's :class:`~abitare_chassis.database.Db`
for each worker, and the outbox relay that runs beside the workers and publishes committed events.
"""
from __future__ import annotations

import logging
import threading

import eventlet
from nameko.extensions import DependencyProvider

from . import config
from .database import Db
from .outbox import OutboxRelay
from .tables import add_chassis_tables

log = logging.getLogger(__name__)


class Database(DependencyProvider):
    """Injects the service's :class:`Db` and runs its outbox relay while the service runs."""

    IDLE_POLL_SECONDS = 1.0

    def __init__(self, metadata):
        add_chassis_tables(metadata)   # so migrations and create_all see outbox and inbox
        self.metadata = metadata
        self.db: Db | None = None
        self.relay: OutboxRelay | None = None
        self._wake = threading.Event()
        self._running = False
        self._relay_thread = None

    def setup(self):
        service_name = self.container.service_name
        url = self.container.config.get("DATABASE_URL") or config.database_url(service_name)
        self.db = Db(service_name, url, self.metadata)
        self.db.on_commit.append(self._wake.set)
        self.relay = OutboxRelay(self.db.engine, self.db.outbox,
                                 self.container.config["AMQP_URI"], write_lock=self.db.write_lock)

    def start(self):
        self._running = True
        self._relay_thread = self.container.spawn_managed_thread(self._relay_loop,
                                                                 identifier="outbox_relay")

    def stop(self):
        self._running = False
        self._wake.set()
        if self._relay_thread is not None:
            self._relay_thread.wait()
        self.db.dispose()

    def kill(self):
        self._running = False
        self._wake.set()

    def get_dependency(self, worker_ctx):
        return self.db

    def _relay_loop(self):
        backoff = 0.5
        while self._running:
            self._wake.clear()
            try:
                self.relay.relay_once()
                backoff = 0.5
            except Exception as exc:  # broker away, DB hiccup: wait and try again, lose nothing
                log.warning("outbox relay waiting %.1fs: %s", backoff, exc)
                eventlet.sleep(backoff)
                backoff = min(backoff * 2, 15)
                continue
            self._wake.wait(self.IDLE_POLL_SECONDS)
