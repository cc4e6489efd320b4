"""Reading queues from tests (pika, blocking: what a partner's own consumer would use)."""

from __future__ import annotations

import json

import pika


def drain(amqp_uri: str, queue: str, limit: int = 100_000) -> list[dict]:
    """Take every message currently in ``queue`` (acknowledging them) and return the bodies."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        bodies = []
        while len(bodies) < limit:
            method, _properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                break
            bodies.append(json.loads(body))
        return bodies
    finally:
        connection.close()


def depth(amqp_uri: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()
