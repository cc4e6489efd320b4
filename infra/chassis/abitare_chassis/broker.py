"""``abitare-broker``: the broker side of the system.

- ``abitare-broker declare``  declare exchanges, queues and bindings from a definitions file
  (``--definitions infra/rabbitmq/definitions.json`` or ``ABITARE_BROKER_DEFINITIONS``),
  idempotent, so that events published before a consumer first starts are kept, not discarded.
- ``abitare-broker wait``     wait until the broker answers (used by ``make run``/``make test``).
- ``abitare-broker dlq``      list dead-lettered messages per queue (of the same definitions).
- ``abitare-broker replay QUEUE``  move the messages of ``QUEUE.dlq`` back to ``QUEUE``.
- ``abitare-broker users --env-file var/broker-users.env``  create the broker user of every
  service and of the gateway (the definitions' ``users``, each with its own permissions in the
  vhost) through the management API with admin credentials (``ABITARE_BROKER_ADMIN``, default
  ``guest:guest``; ``ABITARE_BROKER_MANAGEMENT_URL``, default ``http://localhost:15672``), and
  write ``<SERVICE>_AMQP_URI=...`` lines to the env file (mode 600; passwords already in it are
  kept). Exit code 2 when the management API does not answer: then everything keeps AMQP_URI.
  ``--partner-env-file var/partner-users.env`` also creates ``partner-<code>`` for every
  ``partner.<code>`` queue (it may read that queue, nothing else) and writes
  ``PARTNER_<CODE>_AMQP_URI=...`` lines there, one per partner, mode 600.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
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


class ManagementUnavailable(RuntimeError):
    """The management API did not answer, or refused the admin credentials."""


def _management(url: str, admin: str, method: str, path: str, body: dict | None = None):
    request = urllib.request.Request(
        url.rstrip("/") + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(admin.encode()).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return json.loads(raw) if raw else None
    except (urllib.error.URLError, OSError) as exc:
        raise ManagementUnavailable(f"management API at {url}: {exc}") from None


def user_uri(amqp_uri: str, user: str, password: str, vhost: str) -> str:
    """``amqp_uri`` with ``user:password`` and ``vhost`` in place of its own."""
    parts = urllib.parse.urlsplit(amqp_uri)
    host = parts.hostname or "localhost"
    netloc = f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    path = "/" if vhost == "/" else "/" + urllib.parse.quote(vhost, safe="")
    return urllib.parse.urlunsplit((parts.scheme or "amqp", netloc, path, "", ""))


def read_env_file(path: Path | str) -> dict[str, str]:
    found = {}
    path = Path(path)
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                name, value = line.split("=", 1)
                found[name.strip()] = value.strip()
    return found


PARTNER_QUEUE = re.compile(r"^partner\.([a-z0-9]+)$")


def partner_users(definitions: dict) -> list[dict]:
    """The user ``partner-<code>`` of every ``partner.<code>`` queue of the definitions: it may
    read (consume, get, acknowledge) that queue and nothing else; no configure (no declaring,
    binding or deleting anything), no write (no publishing, not even to the default exchange)."""
    return [
        {
            "name": f"partner-{found.group(1)}",
            "configure": "^$",
            "write": "^$",
            "read": f"^{re.escape(queue['name'])}$",
        }
        for queue in definitions["queues"]
        if (found := PARTNER_QUEUE.match(queue["name"]))
    ]


def create_users(
    management_url: str,
    admin: str,
    vhost: str = "/",
    amqp_uri: str | None = None,
    definitions: dict | None = None,
    known: dict[str, str] | None = None,
    partners: bool = False,
) -> dict[str, str]:
    """Create (or update) every user of the definitions with its permissions in ``vhost``;
    return ``{"<SERVICE>_AMQP_URI": uri}``. ``partners``: the users of :func:`partner_users`
    instead, ``{"PARTNER_<CODE>_AMQP_URI": uri}``. ``known``: URIs of an earlier run, whose
    passwords are kept (the processes already connected with them keep working)."""
    definitions = definitions or load_definitions()
    amqp_uri = amqp_uri or config.amqp_uri()
    known = known or {}
    uris = {}
    quoted_vhost = urllib.parse.quote(vhost, safe="")
    users = partner_users(definitions) if partners else definitions.get("users", [])
    for user in users:
        variable = f"{config.env_name(user['name'])}_AMQP_URI"
        earlier = urllib.parse.urlsplit(known.get(variable, ""))
        password = (
            urllib.parse.unquote(earlier.password)
            if earlier.password and earlier.username == user["name"]
            else secrets.token_urlsafe(24)
        )
        name = urllib.parse.quote(user["name"], safe="")
        _management(
            management_url, admin, "PUT", f"/api/users/{name}", {"password": password, "tags": ""}
        )
        _management(
            management_url,
            admin,
            "PUT",
            f"/api/permissions/{quoted_vhost}/{name}",
            {key: user[key] for key in ("configure", "write", "read")},
        )
        uris[variable] = user_uri(amqp_uri, user["name"], password, vhost)
    return uris


def write_env_file(
    path: Path | str, uris: dict[str, str], whose: str = "each service's own broker user"
) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(
        f"# written by `abitare-broker users`: {whose}\n"
        + "".join(f"{name}={uri}\n" for name, uri in sorted(uris.items()))
    )


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
    for name in ("declare", "dlq", "users"):
        sub.add_parser(name).add_argument(
            "--definitions", help=f"definitions JSON (default: ${DEFINITIONS_ENV})"
        )
    u = sub.choices["users"]
    u.add_argument("--env-file", required=True, help="where to write <SERVICE>_AMQP_URI lines")
    u.add_argument(
        "--partner-env-file",
        help="also create partner-<code> for every partner.<code> queue and write "
        "PARTNER_<CODE>_AMQP_URI lines here (give each partner its own line only)",
    )
    u.add_argument("--vhost", default="/")
    u.add_argument(
        "--management-url",
        default=os.environ.get("ABITARE_BROKER_MANAGEMENT_URL", "http://localhost:15672"),
    )
    w = sub.add_parser("wait")
    w.add_argument("--timeout", type=float, default=30)
    r = sub.add_parser("replay")
    r.add_argument("queue")
    args = parser.parse_args(argv)
    definitions = None
    if args.command in ("declare", "dlq", "users"):
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
    elif args.command == "users":
        admin = os.environ.get("ABITARE_BROKER_ADMIN", "guest:guest")
        files = [(args.env_file, False, "each service's own broker user")]
        if args.partner_env_file:
            files.append((args.partner_env_file, True, "each partner's own broker user"))
        for env_file, partners, whose in files:
            try:
                uris = create_users(
                    args.management_url,
                    admin,
                    args.vhost,
                    definitions=definitions,
                    known=read_env_file(env_file),
                    partners=partners,
                )
            except ManagementUnavailable as exc:
                print(f"broker users not created ({exc}): every process keeps AMQP_URI's user")
                sys.exit(2)
            write_env_file(env_file, uris, whose)
            print(f"broker users: {', '.join(sorted(uris))} written to {env_file}")
    elif args.command == "replay":
        print(f"replayed {replay(args.queue)} messages to {args.queue}")


if __name__ == "__main__":
    main()
