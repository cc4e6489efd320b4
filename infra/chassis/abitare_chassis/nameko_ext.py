"""nameko entrypoints and providers of the chassis.

- ``rpc``: like nameko's, but the first argument (or ``actor=``) must be a signed actor token;
  the method receives the verified :class:`~abitare_chassis.actor.Actor` in its place.
- ``event_handler``: like nameko's SERVICE_POOL handler, but the message must be a signed
  CloudEvent with a valid actor; the method receives a verified
  :class:`~abitare_chassis.envelope.CloudEvent`. A handler that raises is retried a bounded
  number of times with a growing delay (via a ``<queue>.retry`` queue that dead-letters back),
  then the message is parked in ``<queue>.dlq``; other messages keep flowing meanwhile.
- ``Database``: the service's :class:`~abitare_chassis.database.Db`, plus the outbox relay
  that runs beside the workers and publishes committed events.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from functools import partial

import eventlet
from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.containers import ContainerBeingKilled
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import MalformedRequest
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc, RpcConsumer

from . import config
from .actor import verify_actor
from .database import Db
from .envelope import verify_envelope
from .errors import AbitareError, ActorRejected, InvalidInput
from .outbox import OutboxRelay
from .tables import add_chassis_tables

log = logging.getLogger(__name__)

RETRIES_HEADER = "x-abitare-retries"
ERROR_HEADER = "x-abitare-error"
DEFAULT_EXCHANGE = Exchange("")


def _safely(operation, message, what: str) -> None:
    """Ack or requeue ``message``; if the connection just died, let it go: the broker gives every
    unacknowledged message of a dead connection to the next consumer, so nothing is lost, and the
    container lives on (nameko would otherwise let the error kill it)."""
    try:
        operation(message)
    except Exception as exc:
        log.warning("could not %s a message (%s); the broker will deliver it again", what, exc)


class SafeRpcConsumer(RpcConsumer):
    """nameko's RPC consumer, except that losing the broker while answering costs one request
    (delivered again after the reconnection; use cases are idempotent) instead of the container."""

    def handle_result(self, message, result, exc_info):
        try:
            return super().handle_result(message, result, exc_info)
        except Exception as exc:
            log.warning("could not answer an RPC request (%s); it will be delivered again", exc)
            self.requeue_message(message)
            return result, exc_info

    def requeue_message(self, message):
        _safely(super().requeue_message, message, "requeue")


class SecuredRpc(Rpc):
    rpc_consumer = SafeRpcConsumer()

    def __init__(self, expected_exceptions=AbitareError, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_message(self, body, message):
        try:
            args = list(body["args"])
            kwargs = dict(body["kwargs"])
        except (KeyError, TypeError):
            raise MalformedRequest("Message missing `args` or `kwargs`")
        token = kwargs.pop("actor") if "actor" in kwargs else (args.pop(0) if args else None)
        args.insert(0, verify_actor(token))   # ActorRejected goes back to the caller
        self.check_signature(args, kwargs)
        context_data = self.unpack_message_headers(message)
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=handle_result)
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)


rpc = SecuredRpc.decorator


def retry_queue_name(queue_name: str) -> str:
    return f"{queue_name}.retry"


def dead_letter_queue_name(queue_name: str) -> str:
    return f"{queue_name}.dlq"


def retry_queue(queue_name: str) -> Queue:
    """Messages wait here for their expiration, then dead-letter back to ``queue_name``."""
    return Queue(retry_queue_name(queue_name), exchange=DEFAULT_EXCHANGE,
                 routing_key=retry_queue_name(queue_name), durable=True,
                 queue_arguments={"x-dead-letter-exchange": "",
                                  "x-dead-letter-routing-key": queue_name})


def dead_letter_queue(queue_name: str) -> Queue:
    return Queue(dead_letter_queue_name(queue_name), exchange=DEFAULT_EXCHANGE,
                 routing_key=dead_letter_queue_name(queue_name), durable=True)


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service, event_type, expected_exceptions=AbitareError, **kwargs):
        super().__init__(source_service, event_type, handler_type=SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=False,
                         expected_exceptions=expected_exceptions, **kwargs)

    def setup(self):
        super().setup()
        amqp_uri = self.container.config["AMQP_URI"]
        self.max_retries = config.max_retries()
        self.retry_delay_ms = config.retry_delay_ms()
        self.publisher = Publisher(amqp_uri, use_confirms=True, mandatory=True)
        with Connection(amqp_uri) as conn:
            channel = conn.channel()
            for queue in (retry_queue(self.queue.name), dead_letter_queue(self.queue.name)):
                queue(channel).declare()
            channel.close()

    def handle_message(self, body, message):
        try:
            event = verify_envelope(body)
        except ActorRejected as exc:
            log.warning("refused event on %s: %s", self.queue.name, exc)
            self._forward(message, dead_letter_queue_name(self.queue.name), {ERROR_HEADER: str(exc)})
            return
        context_data = self.unpack_message_headers(message)
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(self, (event,), {}, context_data=context_data,
                                        handle_result=handle_result)
        except ContainerBeingKilled:
            _safely(self.queue_consumer.requeue_message, message, "requeue")

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            _safely(self.queue_consumer.ack_message, message, "acknowledge")
            return
        retries = int((message.headers or {}).get(RETRIES_HEADER, 0))
        error = f"{exc_info[0].__name__}: {exc_info[1]}"[:1000]
        permanent = issubclass(exc_info[0], InvalidInput)   # retrying cannot fix bad data
        if retries < self.max_retries and not permanent:
            delay = self.retry_delay_ms * (2 ** retries)
            self._forward(message, retry_queue_name(self.queue.name),
                          {RETRIES_HEADER: retries + 1, ERROR_HEADER: error}, expiration=delay)
        else:
            log.error("event on %s dead-lettered after %s retries: %s",
                      self.queue.name, retries, error)
            self._forward(message, dead_letter_queue_name(self.queue.name), {ERROR_HEADER: error})

    def _forward(self, message, queue_name, headers, expiration=None):
        """Copy ``message`` to ``queue_name`` with extra headers, then ack it. If the copy cannot
        be confirmed, requeue the original instead: nothing is lost either way."""
        all_headers = dict(message.headers or {})
        all_headers.update(headers)
        all_headers["x-abitare-origin-queue"] = self.queue.name
        all_headers["x-abitare-forwarded-at"] = datetime.now(timezone.utc).isoformat()
        try:
            self.publisher.publish(message.payload, exchange=DEFAULT_EXCHANGE,
                                   routing_key=queue_name, headers=all_headers,
                                   expiration=(expiration / 1000.0) if expiration else None)
        except Exception:
            log.exception("could not forward message to %s; requeueing", queue_name)
            _safely(self.queue_consumer.requeue_message, message, "requeue")
            return
        _safely(self.queue_consumer.ack_message, message, "acknowledge")


event_handler = ReliableEventHandler.decorator


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
