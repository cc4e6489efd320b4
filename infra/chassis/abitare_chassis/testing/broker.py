"""Feed events into a test's vhost and look into its queues, as a producer or a partner would."""

from __future__ import annotations

import json

from kombu import Connection, Exchange

from ..envelope import new_envelope, sign_envelope
from .services import event_token


def event_envelope(
    service: str, event: str, data: dict, *, subject: str, tenant: str, signed: bool = True
) -> dict:
    """A CloudEvent as ``service`` would emit it (signed by the system actor of ``tenant``)."""
    envelope = new_envelope(
        service=service,
        event=event,
        data=data,
        subject=subject,
        tenant=tenant,
        actor_token=event_token("system", [tenant], sub=f"service:{service}"),
    )
    return sign_envelope(envelope) if signed else envelope


class Broker:
    """Publish to and peek into the test's vhost."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri

    def publish(self, envelope: dict, source_service: str, routing_key: str):
        exchange = Exchange(f"{source_service}.events", type="topic", durable=True)
        with Connection(self.amqp_uri) as conn:
            producer = conn.Producer(serializer="json")
            producer.publish(
                envelope,
                exchange=exchange,
                routing_key=routing_key,
                declare=[exchange],
                delivery_mode=2,
            )

    def get_all(self, queue: str) -> list:
        """Take every message waiting in ``queue``: (headers, decoded body) pairs."""
        taken = []
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                taken.append((dict(message.headers or {}), json.loads(message.body)))
            channel.close()
        return taken

    def delete_queue(self, queue: str):
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            channel.queue_delete(queue)
            channel.close()

    def depth(self, queue: str) -> int:
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            _, messages, _ = channel.queue_declare(queue, passive=True)
            channel.close()
        return messages
