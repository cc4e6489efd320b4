"""Fixtures of the housing_stock tests: referral events fed straight into the broker, as intake would."""
from __future__ import annotations

import copy
import uuid

import pytest
from abitare_chassis.testing.broker import Broker as ChassisBroker
from abitare_chassis.testing.broker import event_envelope


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
    return event_envelope("intake", "referral_received", data, subject=data["referral_id"],
                          tenant=data["comune_istat"], signed=signed)


class Broker(ChassisBroker):
    def publish(self, envelope: dict, routing_key: str = "referral_received"):
        super().publish(envelope, "intake", routing_key)


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
