"""Fixtures of the funds tests: referral events fed straight into the broker, as intake would."""
from __future__ import annotations

import copy
import json
import uuid

import pytest
from kombu import Connection, Exchange

from abitare_chassis.envelope import new_envelope, sign_envelope
from abitare_chassis.testing.services import token

INTAKE_EVENTS = Exchange("intake.events", type="topic", durable=True)


def referral_data(**overrides) -> dict:
    data = {
        "referral_id": str(uuid.uuid4()),
        "comune_istat": "015195",
        "comune_name": "San Giuliano Milanese",
        "received_at": "2025-03-10T09:30:00.000Z",
        "referring_body": "servizi_sociali_comune",
        "referring_body_name": None,
        "problem_reported": "morosita_incolpevole",
        "housing_situation": "affitto_privato",
        "eviction_date": None,
        "household": {
            "size": 2, "minors": 1, "over_65": 0,
            "members": [
                {"codice_fiscale": "RSSMRA80A41F205X", "first_name": "Maria",
                 "last_name": "Rossi", "birth_date": "1980-01-01", "relation": "intestatario"},
                {"codice_fiscale": "RSSLCU15C10F205Y", "first_name": "Luca",
                 "last_name": "Rossi", "birth_date": "2015-03-10", "relation": "figlio"},
            ],
        },
        "economics": {"monthly_net_income_cents": 180000, "monthly_rent_cents": 45000},
    }
    for key, value in overrides.items():
        data[key] = value
    return data


def referral_envelope(data: dict, signed: bool = True) -> dict:
    envelope = new_envelope(service="intake", event="referral_received", data=data,
                            subject=data["referral_id"], tenant=data["comune_istat"],
                            actor_token=token("system", [data["comune_istat"]], sub="service:intake"))
    return sign_envelope(envelope) if signed else envelope


class Broker:
    """Publish to and peek into the test's vhost."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri

    def publish(self, envelope: dict, routing_key: str = "referral_received"):
        with Connection(self.amqp_uri) as conn:
            producer = conn.Producer(serializer="json")
            producer.publish(envelope, exchange=INTAKE_EVENTS, routing_key=routing_key,
                             declare=[INTAKE_EVENTS], delivery_mode=2)

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


@pytest.fixture
def broker(service_runner):
    return Broker(service_runner.amqp_uri)


@pytest.fixture
def make_referral():
    return referral_data


@pytest.fixture
def make_envelope():
    def build(data=None, signed=True):
        return referral_envelope(copy.deepcopy(data) if data else referral_data(), signed=signed)
    return build
