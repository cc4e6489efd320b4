"""The ``Database`` dependency provider: the service's :class:`~abitare_chassis.database.Db`
for each worker, and the outbox relay that runs beside the workers and publishes committed events.
"""

from __future__ import annotations

import logging
import threading
import time

import eventlet
from nameko.extensions import DependencyProvider

from . import config
from .database import Db
from .outbox import OutboxRelay

log = logging.getLogger(__name__)


def inbox_key(service_name: str, method_name: str) -> str:
    """The inbox key of an entrypoint: ``funds.handle_intake_referral_received``."""
    return f"{service_name}.{method_name}"


class Database(DependencyProvider):
    """Injects the service's :class:`Db`, bound for each worker to the inbox key
    ``"<service name>.<entrypoint method>"``, and runs its outbox relay while the service runs.
    Construction only stores ``metadata``; the work happens in :meth:`setup` (nameko's rule)."""

    IDLE_POLL_SECONDS = 1.0
    METRICS_INTERVAL_SECONDS = 60.0

    db: Db | None = None
    relay: OutboxRelay | None = None
    _wake: threading.Event | None = None
    _running = False
    _relay_thread = None
    _last_counts = None

    def __init__(self, metadata):
        self.metadata = metadata

    def setup(self):
        service_name = self.container.service_name
        url = self.container.config.get("DATABASE_URL") or config.database_url(service_name)
        self._wake = threading.Event()
        self.db = Db(service_name, url, self.metadata)
        self.db.on_commit.append(self._wake.set)
        self.relay = OutboxRelay(
            self.db.engine,
            self.db.outbox,
            self.container.config["AMQP_URI"],
            write_lock=self.db.write_lock,
        )

    def start(self):
        self._running = True
        self._relay_thread = self.container.spawn_managed_thread(
            self._relay_loop, identifier="outbox_relay"
        )

    def stop(self):
        self._stop_relay()
        if self._relay_thread is not None:
            self._relay_thread.wait()
        if self.db is not None:
            self.db.dispose()

    def kill(self):
        self._stop_relay()

    def _stop_relay(self):
        self._running = False
        if self._wake is not None:
            self._wake.set()

    def get_dependency(self, worker_ctx):
        return self.db.for_handler(
            inbox_key(self.container.service_name, worker_ctx.entrypoint.method_name)
        )

    def _relay_loop(self):
        backoff = 0.5
        next_report = next_statistics = time.monotonic()
        while self._running:
            if time.monotonic() >= next_statistics:  # at start, then on a cheap schedule
                next_statistics = time.monotonic() + config.statistics_interval()
                self._refresh_statistics()
            self._wake.clear()
            failed = False
            try:
                self.relay.relay_once()
                backoff = 0.5
            except Exception as exc:  # broker away, DB hiccup: wait and try again, lose nothing
                log.warning("outbox relay waiting %.1fs: %s", backoff, exc)
                failed, wait = True, backoff
                backoff = min(backoff * 2, 15)
            if time.monotonic() >= next_report:  # also while the broker is away
                next_report = time.monotonic() + self.METRICS_INTERVAL_SECONDS
                try:
                    self._report_metrics()
                except Exception as exc:
                    log.warning("outbox metrics unavailable: %s", exc)
            if failed:
                eventlet.sleep(wait)
            else:
                self._wake.wait(self.IDLE_POLL_SECONDS)

    def _refresh_statistics(self):
        started = time.monotonic()
        try:
            analysed = self.db.refresh_statistics()
        except Exception as exc:  # a busy database: the next round tries again
            log.warning("planner statistics of %s not refreshed: %s", self.db.service_name, exc)
            return
        if analysed:
            log.info(
                "planner statistics of %s refreshed in %.2f s: %s",
                self.db.service_name,
                time.monotonic() - started,
                ", ".join(analysed),
            )

    def _report_metrics(self):
        """A stuck event stands out (a warning every interval); otherwise one line when the
        counts change. Unheard events are normal: nobody subscribed to them yet."""
        metrics = self.relay.metrics()
        counts = (metrics.pending, metrics.stuck, metrics.unheard)
        if metrics.stuck:
            log.warning(
                "outbox of %s: %s -- events stuck: look at last_error of the oldest pending rows",
                self.container.service_name,
                metrics,
            )
        elif counts != self._last_counts:
            log.info("outbox of %s: %s", self.container.service_name, metrics)
        self._last_counts = counts
