"""A partner's webhook receiver for the tests: a thread HTTP server on 127.0.0.1 that verifies
every request with the independent ``standardwebhooks`` package (not the suite's code) and
deduplicates by ``webhook-id``, as the spec tells a consumer to.

``mode`` says how it answers: ``ok`` (204), ``error`` (503), ``gone`` (410), ``redirect`` (302 to
itself: must not be followed), ``slow`` (answers after ``slow_seconds``: past the sender's
timeout); ``delay`` slows every answer a little. ``stop()`` and ``start()`` take it down and
up on the same port."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class WebhookReceiver:
    def __init__(self, secrets: list[str] | None = None, mode: str = "ok"):
        self.secrets = list(secrets or [])
        self.mode = mode
        self.slow_seconds = 3.0
        self.delay = 0.0  # seconds each answer takes in every mode (a receiver doing some work)
        self.port = 0
        self.lock = threading.Lock()
        self.events: dict[str, dict] = {}  # webhook-id -> the CloudEvent, once
        self.received_at: dict[str, float] = {}  # webhook-id -> time.time() of its first arrival
        self.requests: Counter = Counter()  # webhook-id -> requests that reached us
        self.signatures: dict[str, list[str]] = {}  # webhook-id -> secrets that verified it
        self.rejected: list[str] = []  # requests that failed verification (must stay empty)
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/abitare"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.receive(self, body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def receive(self, handler: BaseHTTPRequestHandler, body: bytes):
        arrived = time.time()
        headers = {k.lower(): v for k, v in handler.headers.items()}
        msg_id = headers.get("webhook-id", "")
        verified = []
        for secret in list(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
                verified.append(secret)
            except WebhookVerificationError:
                pass
        with self.lock:
            self.requests[msg_id] += 1
            if not verified or headers.get("content-type", "").split(";")[0] != (
                "application/cloudevents+json"
            ):
                self.rejected.append(msg_id)
                status = 400
            else:
                self.signatures[msg_id] = verified
                status = {"ok": 204, "error": 503, "gone": 410, "redirect": 302}.get(self.mode, 204)
                if self.mode == "ok":
                    event = json.loads(body)
                    assert event["id"] == msg_id
                    self.events.setdefault(msg_id, event)  # dedup by id
                    self.received_at.setdefault(msg_id, arrived)
        time.sleep(self.slow_seconds if self.mode == "slow" else self.delay)
        handler.send_response(status)
        if status == 302:
            handler.send_header("location", self.url)
        handler.send_header("content-length", "0")
        handler.end_headers()
