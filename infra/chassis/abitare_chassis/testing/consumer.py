"""Consumer-side test support: feed a service the events it listens to, built from the example
payload published next to the event's schema (``<contracts>/examples/<type>.json``), so that
every consumer tests against the same, schema-checked sample of the contract.

The contracts directory is configuration: ``ABITARE_CONTRACTS_DIR`` (the repository's root
``conftest.py`` sets it to ``infra/contracts``) or an explicit ``contracts_dir=``."""

from __future__ import annotations

import copy
import json
import os
import uuid
from pathlib import Path

from .broker import Broker, event_envelope

CONTRACTS_ENV = "ABITARE_CONTRACTS_DIR"


def contracts_dir(path: Path | str | None = None) -> Path:
    """``path``, else ``$ABITARE_CONTRACTS_DIR``: the directory holding ``events/`` (JSON Schemas)
    and ``examples/`` (one published example payload per event type)."""
    chosen = path or os.environ.get(CONTRACTS_ENV)
    if not chosen:
        raise LookupError(
            f"where are the event contracts? set {CONTRACTS_ENV} or pass contracts_dir"
        )
    return Path(chosen)


def contract_example(event_type: str, contracts: Path | str | None = None) -> dict:
    path = contracts_dir(contracts) / "examples" / f"{event_type}.json"
    return json.loads(path.read_text())


class EventFeed:
    """Events of one type (``intake.referral_received.v1``): fresh sample data with a new id in
    ``id_field`` each time, signed envelopes as the producer would emit them, and a broker that
    publishes them on the producer's exchange."""

    def __init__(
        self, event_type: str, id_field: str, tenant_field: str, contracts: Path | str | None = None
    ):
        self.service, self.event, _major = event_type.split(".")
        self.example = contract_example(event_type, contracts)
        self.id_field, self.tenant_field = id_field, tenant_field

    def data(self, **overrides) -> dict:
        data = copy.deepcopy(self.example)
        data[self.id_field] = str(uuid.uuid4())
        data.update(overrides)
        return data

    def envelope(self, data: dict | None = None, signed: bool = True) -> dict:
        data = copy.deepcopy(data) if data else self.data()
        return event_envelope(
            self.service,
            self.event,
            data,
            subject=data[self.id_field],
            tenant=data[self.tenant_field],
            signed=signed,
        )

    def broker(self, amqp_uri: str) -> FeedBroker:
        return FeedBroker(amqp_uri, self)


class FeedBroker(Broker):
    def __init__(self, amqp_uri: str, feed: EventFeed):
        super().__init__(amqp_uri)
        self.feed = feed

    def publish(self, envelope: dict, routing_key: str | None = None):
        super().publish(envelope, self.feed.service, routing_key or self.feed.event)
