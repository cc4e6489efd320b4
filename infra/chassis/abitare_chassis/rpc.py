"""The chassis ``rpc`` entrypoint: like nameko's, but the first argument (or ``actor=``) must be a
signed actor token for this service (audience ``rpc:<service name>``, at most 300 s old); the
method receives the verified :class:`~abitare_chassis.actor.Actor` in its place. A token taken from
an event (audience ``event``) or sent to another service is refused with ``ActorRejected``.
Losing the broker while answering costs one request (delivered again), not the container.
"""

from __future__ import annotations

import logging
from functools import partial

from nameko.containers import ContainerBeingKilled
from nameko.exceptions import MalformedRequest
from nameko.rpc import Rpc, RpcConsumer

from . import logs
from .actor import rpc_audience, verify_actor
from .errors import AbitareError

log = logging.getLogger(__name__)


def safely(operation, message, what: str) -> None:
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
        safely(super().requeue_message, message, "requeue")


class SecuredRpc(Rpc):
    rpc_consumer = SafeRpcConsumer()

    def __init__(self, expected_exceptions=AbitareError, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def setup(self):
        super().setup()
        logs.install()  # expected errors on one line, tracebacks only for unexpected ones

    def handle_message(self, body, message):
        try:
            args = list(body["args"])
            kwargs = dict(body["kwargs"])
        except (KeyError, TypeError):
            raise MalformedRequest("Message missing `args` or `kwargs`") from None
        token = kwargs.pop("actor") if "actor" in kwargs else (args.pop(0) if args else None)
        # ActorRejected goes back to the caller
        args.insert(0, verify_actor(token, rpc_audience(self.container.service_name)))
        self.check_signature(args, kwargs)
        context_data = self.unpack_message_headers(message)
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(
                self, args, kwargs, context_data=context_data, handle_result=handle_result
            )
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)


rpc = SecuredRpc.decorator
