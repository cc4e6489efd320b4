"""The chassis ``event_handler`` entrypoint: like nameko's SERVICE_POOL handler, but the message
must be a signed CloudEvent with a valid actor; the method receives a verified
:class:`~abitare_chassis.envelope.CloudEvent`. A handler that raises is retried a bounded number
of times with a growing delay (via a ``<queue>.retry`` queue that dead-letters back), then the
message is parked in ``<queue>.dlq``; both are reached through the service's own direct exchange
``<service>.retries`` (not the default exchange, which would let a service's broker user write to
every queue); invalid data (``InvalidInput``) is parked at once; other
messages keep flowing meanwhile.

Handlers are idempotent without a hand-typed key: the worker's ``Db`` is bound to the inbox key
``"<service>.<method>"`` (:mod:`provider`), ``db.transaction(causation=event)`` records the
event and raises :class:`~abitare_chassis.database.AlreadyHandled` for a redelivery, and the
entrypoint acknowledges that as handled (one info line, no retry).
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime
from functools import partial

from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.containers import ContainerBeingKilled
from nameko.events import SERVICE_POOL, EventHandler

from . import config, logs
from .database import AlreadyHandled
from .envelope import verify_envelope
from .errors import AbitareError, ActorRejected, InvalidInput
from .headers import ERROR_HEADER, FORWARDED_AT_HEADER, ORIGIN_QUEUE_HEADER, RETRIES_HEADER
from .rpc import safely

log = logging.getLogger(__name__)


def retry_queue_name(queue_name: str) -> str:
    return f"{queue_name}.retry"


def dead_letter_queue_name(queue_name: str) -> str:
    return f"{queue_name}.dlq"


def retries_exchange_name(service_name: str) -> str:
    return f"{service_name}.retries"


def retries_exchange(service_name: str) -> Exchange:
    return Exchange(retries_exchange_name(service_name), type="direct", durable=True)


def retry_queue(queue_name: str, service_name: str) -> Queue:
    """Messages wait here for their expiration, then dead-letter back to ``queue_name``."""
    return Queue(
        retry_queue_name(queue_name),
        exchange=retries_exchange(service_name),
        routing_key=retry_queue_name(queue_name),
        durable=True,
        queue_arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue_name},
    )


def dead_letter_queue(queue_name: str, service_name: str) -> Queue:
    return Queue(
        dead_letter_queue_name(queue_name),
        exchange=retries_exchange(service_name),
        routing_key=dead_letter_queue_name(queue_name),
        durable=True,
    )


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service, event_type, expected_exceptions=AbitareError, **kwargs):
        super().__init__(
            source_service,
            event_type,
            handler_type=SERVICE_POOL,
            reliable_delivery=True,
            requeue_on_error=False,
            expected_exceptions=expected_exceptions,
            **kwargs,
        )

    def setup(self):
        super().setup()
        logs.install()  # expected errors on one line, tracebacks only for unexpected ones
        amqp_uri = self.container.config["AMQP_URI"]
        self.max_retries = config.max_retries()
        self.retry_delay_ms = config.retry_delay_ms()
        self.publisher = Publisher(amqp_uri, use_confirms=True, mandatory=True)
        service_name = self.container.service_name
        self.retries_exchange = retries_exchange(service_name)
        with Connection(amqp_uri) as conn:
            channel = conn.channel()
            for queue in (
                retry_queue(self.queue.name, service_name),
                dead_letter_queue(self.queue.name, service_name),
            ):
                queue(channel).declare()
            channel.close()

    def handle_message(self, body, message):
        try:
            event = verify_envelope(body)
        except ActorRejected as exc:
            log.warning("refused event on %s: %s", self.queue.name, exc)
            self._forward(
                message, dead_letter_queue_name(self.queue.name), {ERROR_HEADER: str(exc)}
            )
            return
        context_data = self.unpack_message_headers(message)
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(
                self, (event,), {}, context_data=context_data, handle_result=handle_result
            )
        except ContainerBeingKilled:
            safely(self.queue_consumer.requeue_message, message, "requeue")

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            safely(self.queue_consumer.ack_message, message, "acknowledge")
            return
        retries = int((message.headers or {}).get(RETRIES_HEADER, 0))
        error = f"{exc_info[0].__name__}: {exc_info[1]}"[:1000]
        permanent = issubclass(exc_info[0], InvalidInput)  # retrying cannot fix bad data
        if retries < self.max_retries and not permanent:
            delay = self.retry_delay_ms * (2**retries)
            self._forward(
                message,
                retry_queue_name(self.queue.name),
                {RETRIES_HEADER: retries + 1, ERROR_HEADER: error},
                expiration=delay,
            )
        else:
            log.error(
                "event on %s dead-lettered after %s retries: %s", self.queue.name, retries, error
            )
            self._forward(message, dead_letter_queue_name(self.queue.name), {ERROR_HEADER: error})

    def _forward(self, message, queue_name, headers, expiration=None):
        """Copy ``message`` to ``queue_name`` with extra headers, then ack it. If the copy cannot
        be confirmed, requeue the original instead: nothing is lost either way."""
        all_headers = dict(message.headers or {})
        all_headers.update(headers)
        all_headers[ORIGIN_QUEUE_HEADER] = self.queue.name
        all_headers[FORWARDED_AT_HEADER] = datetime.now(UTC).isoformat()
        try:
            self.publisher.publish(
                message.payload,
                exchange=self.retries_exchange,
                routing_key=queue_name,
                headers=all_headers,
                expiration=(expiration / 1000.0) if expiration else None,
            )
        except Exception:
            log.exception("could not forward message to %s; requeueing", queue_name)
            safely(self.queue_consumer.requeue_message, message, "requeue")
            return
        safely(self.queue_consumer.ack_message, message, "acknowledge")


def event_handler(source_service: str, event_type: str, **kwargs):
    """``@event_handler("intake", "referral_received")`` on a service method ``(self, event)``:
    a :class:`ReliableEventHandler` whose redeliveries (:class:`AlreadyHandled`) count as done."""

    def decorate(method):
        @functools.wraps(method)
        def handle(self, event):
            try:
                return method(self, event)
            except AlreadyHandled as done:
                log.info("%s: acknowledged", done)
                return None

        return ReliableEventHandler.decorator(source_service, event_type, **kwargs)(handle)

    return decorate
