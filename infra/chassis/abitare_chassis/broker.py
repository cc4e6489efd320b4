"""``abitare-broker``: the broker side of the system.

- ``abitare-broker declare``  declare exchanges, queues and bindings from a definitions file
  (``--definitions infra/rabbitmq/definitions.json`` or ``ABITARE_BROKER_DEFINITIONS``),
  idempotent, so that events published before a consumer first starts are kept, not discarded.
- ``abitare-broker wait``     wait until the broker answers (used by ``make run``/``make test``).
- ``abitare-broker dlq``      list dead-lettered messages per queue (of the same definitions).
- ``abitare-broker replay QUEUE``  move the messages of ``QUEUE.dlq`` back to ``QUEUE``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from kombu import Connection, Exchange, Queue

from . import config
from .headers import RETRIES_HEADER

DEFINITIONS_ENV = "ABITARE_BROKER_DEFINITIONS"


def definitions_path(path: Path | str | None = None) -> Path:
    """``path``, else ``$ABITARE_BROKER_DEFINITIONS``; there is no built-in default."""
    chosen = path or os.environ.get(DEFINITIONS_ENV)
    if not chosen:
        raise ValueError(
            f"which broker definitions? pass --definitions PATH or set {DEFINITIONS_ENV}"
        )
    return Path(chosen)


def load_definitions(path: Path | str | None = None) -> dict:
    return json.loads(definitions_path(path).read_text())


def declare(amqp_uri: str | None = None, definitions: dict | None = None) -> dict:
    definitions = definitions or load_definitions()
    counts = {"exchanges": 0, "queues": 0, "bindings": 0}
    with Connection(amqp_uri or config.amqp_uri()) as conn:
        channel = conn.channel()
        exchanges = {}
        for ex in definitions["exchanges"]:
            exchanges[ex["name"]] = Exchange(ex["name"], type=ex["type"], durable=True)
            exchanges[ex["name"]](channel).declare()
            counts["exchanges"] += 1
        for q in definitions["queues"]:
            Queue(q["name"], durable=True, queue_arguments=q.get("arguments") or None)(
                channel
            ).declare()
            counts["queues"] += 1
        for b in definitions["bindings"]:
            channel.queue_bind(b["destination"], exchange=b["source"], routing_key=b["routing_key"])
            counts["bindings"] += 1
        channel.close()
    return counts


def wait(amqp_uri: str | None = None, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with Connection(amqp_uri or config.amqp_uri(), connect_timeout=2) as conn:
                conn.connect()
                return True
        except Exception:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)


def dead_letter_counts(amqp_uri: str | None = None, definitions: dict | None = None) -> dict:
    definitions = definitions or load_definitions()
    counts = {}
    with Connection(amqp_uri or config.amqp_uri()) as conn:
        channel = conn.channel()
        for q in definitions["queues"]:
            if q["name"].endswith(".dlq"):
                _, messages, _ = channel.queue_declare(q["name"], passive=True)
                counts[q["name"]] = messages
        channel.close()
    return counts


def replay(queue_name: str, amqp_uri: str | None = None) -> int:
    """Move every message of ``<queue_name>.dlq`` back to ``queue_name``, retry count reset."""
    moved = 0
    with Connection(
        amqp_uri or config.amqp_uri(), transport_options={"confirm_publish": True}
    ) as conn:
        channel = conn.channel()
        producer = conn.Producer(channel)
        while True:
            message = channel.basic_get(f"{queue_name}.dlq", no_ack=False)
            if message is None:
                break
            headers = dict(message.headers or {})
            headers.pop(RETRIES_HEADER, None)
            producer.publish(
                message.body,
                exchange="",
                routing_key=queue_name,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
            )
            channel.basic_ack(message.delivery_tag)
            moved += 1
        channel.close()
    return moved


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("declare", "dlq"):
        sub.add_parser(name).add_argument(
            "--definitions", help=f"definitions JSON (default: ${DEFINITIONS_ENV})"
        )
    w = sub.add_parser("wait")
    w.add_argument("--timeout", type=float, default=30)
    r = sub.add_parser("replay")
    r.add_argument("queue")
    args = parser.parse_args(argv)
    definitions = None
    if args.command in ("declare", "dlq"):
        try:
            definitions = load_definitions(args.definitions)
        except (ValueError, OSError) as exc:
            parser.error(str(exc))
    if args.command == "declare":
        print("declared", declare(definitions=definitions))
    elif args.command == "wait":
        ok = wait(timeout=args.timeout)
        print("broker reachable" if ok else f"broker not reachable at {config.amqp_uri()}")
        sys.exit(0 if ok else 1)
    elif args.command == "dlq":
        for name, count in dead_letter_counts(definitions=definitions).items():
            print(f"{count:6d}  {name}")
    elif args.command == "replay":
        print(f"replayed {replay(args.queue)} messages to {args.queue}")


if __name__ == "__main__":
    main()
