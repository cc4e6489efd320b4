"""The webhook dispatcher: a dependency provider with its own greenthreads, beside the workers.

A managed loop wakes when a transaction commits (``Db.on_commit``) or every
``WEBHOOK_POLL_SECONDS``, takes the due messages (``usecases.webhooks.claim_due``: leased, at
most ``WEBHOOK_PER_ENDPOINT`` in flight per endpoint) and POSTs each in a green pool of
``WEBHOOK_CONCURRENCY``: a slow or dead endpoint holds at most its own slots, never another
partner's. Each attempt checks the URL again (``domain.webhooks.check_url``) and connects to the
address that check accepted (no second lookup: DNS rebinding), with ``WEBHOOK_TIMEOUT_SECONDS``
per socket operation, and never follows a redirect (``http.client`` does not).

Settings (the nameko config, else the environment variable of the same name):
``WEBHOOK_ALLOWED_HOSTS`` (names or IPs, a list or comma-separated: HTTP and private
addresses allowed there only; dev and tests set 127.0.0.1 and localhost),
``WEBHOOK_DISABLE_AFTER_FAILURES``, ``WEBHOOK_RETRY_SCALE`` (tests shrink the schedule),
``WEBHOOK_TIMEOUT_SECONDS``, ``WEBHOOK_LEASE_SECONDS``, ``WEBHOOK_CONCURRENCY``,
``WEBHOOK_PER_ENDPOINT``, ``WEBHOOK_POLL_SECONDS``.
"""

from __future__ import annotations

import http.client
import logging
import os
import random
import socket
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta

import eventlet
from nameko.extensions import DependencyProvider

from abitare_chassis.provider import Database

from ..domain import webhooks as rules
from ..errors import WebhookUrlInvalid
from ..usecases import webhooks
from ..usecases.webhooks import AttemptResult, Job, WebhookSettings

log = logging.getLogger(__name__)
USER_AGENT = "Abitare-Webhooks/1"


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 first), for :func:`rules.check_url`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = list(dict.fromkeys(info[4][0] for info in infos))
    return sorted(found, key=lambda a: ":" in a)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address`` (the checked one) while asking for ``host``."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS; the certificate is checked against ``host`` (SNI too)."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(job: Job, allowed_hosts, timeout: float, resolver=resolve, now=None) -> AttemptResult:
    """One attempt: POST ``job.body`` signed with every current secret; the outcome, never an
    exception."""
    started = time.monotonic()

    def result(**kwargs) -> AttemptResult:
        return AttemptResult(latency_ms=int((time.monotonic() - started) * 1000), **kwargs)

    try:
        target = rules.check_url(job.url, allowed_hosts, resolver)
    except WebhookUrlInvalid:
        return result(error_class="url_refused")
    timestamp = int((now or datetime.now(UTC)).timestamp())
    body = job.body.encode()
    headers = {
        "content-type": "application/cloudevents+json; charset=utf-8",
        "user-agent": USER_AGENT,
        "webhook-id": job.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": rules.signature_header(
            job.signing_secrets, job.event_id, timestamp, body
        ),
    }
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = kind(target.host, target.port, target.address, timeout)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        return result(status_code=response.status, excerpt=rules.excerpt(response.read(4096)))
    except TimeoutError:  # socket.timeout too
        return result(error_class="timeout")
    except ConnectionRefusedError:
        return result(error_class="connection_refused")
    except ConnectionResetError:
        return result(error_class="connection_reset")
    except ssl.SSLError:
        return result(error_class="tls_error")
    except http.client.HTTPException:
        return result(error_class="protocol_error")
    except OSError:
        return result(error_class="connection_error")
    finally:
        conn.close()


def _hosts(value) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(h.strip() for h in value or () if h.strip())


class WebhookDispatcher(DependencyProvider):
    """Sends the due webhook messages; injects the :class:`WebhookSettings` and the resolver
    the use cases need to register an endpoint."""

    BATCH = 50
    clock = staticmethod(lambda: datetime.now(UTC))  # tests may replace it
    jitter = staticmethod(random.random)

    def setup(self):
        def setting(name, default):
            return self.container.config.get(name, os.environ.get(name, default))

        self.settings = WebhookSettings(
            allowed_hosts=_hosts(setting("WEBHOOK_ALLOWED_HOSTS", "")),
            disable_after_failures=int(
                setting("WEBHOOK_DISABLE_AFTER_FAILURES", rules.DISABLE_AFTER_FAILURES)
            ),
            retry_scale=float(setting("WEBHOOK_RETRY_SCALE", 1.0)),
        )
        self.timeout = float(setting("WEBHOOK_TIMEOUT_SECONDS", rules.REQUEST_TIMEOUT_SECONDS))
        self.poll = float(setting("WEBHOOK_POLL_SECONDS", 1.0))
        # how long a taken message is not taken again: past an attempt's longest, or it may be
        # sent twice (same id); after a crash, when it is sent again
        self.lease = timedelta(
            seconds=float(setting("WEBHOOK_LEASE_SECONDS", self.timeout * 4 + 30))
        )
        self.per_endpoint = int(setting("WEBHOOK_PER_ENDPOINT", 2))
        self.pool = eventlet.GreenPool(int(setting("WEBHOOK_CONCURRENCY", 20)))
        self.busy: dict[str, int] = {}
        self.wake = threading.Event()
        self.running = False

    def start(self):
        self.db = next(d.db for d in self.container.dependencies if isinstance(d, Database))
        self.db.on_commit.append(self.wake.set)
        self.running = True
        self.thread = self.container.spawn_managed_thread(self._loop, identifier="webhooks")

    def stop(self):
        self.running = False
        self.wake.set()
        self.pool.waitall()

    def kill(self):
        self.running = False
        self.wake.set()

    def get_dependency(self, worker_ctx):
        return self

    def _loop(self):
        while self.running:
            self.wake.clear()
            try:
                self._dispatch_due()
            except Exception as exc:  # DB away: try again at the next poll, lose nothing
                log.warning("webhook dispatcher waiting: %s", exc)
            self.wake.wait(self.poll)

    def _dispatch_due(self):
        free = min(self.pool.free(), self.BATCH)
        if free <= 0:
            return
        jobs = webhooks.claim_due(
            self.db, self.clock(), free, self.lease, self.busy, self.per_endpoint
        )
        for job in jobs:
            self.busy[job.endpoint_id] = self.busy.get(job.endpoint_id, 0) + 1
            self.pool.spawn_n(self._send, job)

    def _send(self, job: Job):
        try:
            result = post(job, self.settings.allowed_hosts, self.timeout, now=self.clock())
            webhooks.record_attempt(
                self.db, job, result, self.clock(), self.jitter(), self.settings
            )
        except Exception:  # the lease expires and the message is taken again
            log.exception("webhook attempt of %s not recorded", job.event_id)
        finally:
            self.busy[job.endpoint_id] -= 1
            self.wake.set()
