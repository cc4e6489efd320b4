"""The data of intake.referral_received.v1 and .v2 matches its JSON Schema in infra/contracts."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest

from abitare_chassis.actor import Actor
from abitare_chassis.envelope import verify_envelope
from intake.adapters import events

CONTRACTS = Path(__file__).resolve().parents[3] / "infra" / "contracts"


@pytest.fixture
def validator():
    schema = json.loads((CONTRACTS / "events" / "intake.referral_received.v1.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def record(**changes):
    data = {
        "id": "0b6f1f0e-3c38-4a54-9a5c-8f7e1b1d2a11",
        "comune_istat": "015195",
        "comune_name": "San Giuliano Milanese",
        "received_at": datetime(2025, 5, 2, 9, 30, tzinfo=UTC),
        "status": "ricevuta",
        "referring_body": "forze_ordine",
        "referring_body_name": None,
        "problem_reported": "assenza_dimora",
        "housing_situation": "altro",
        "description": "riservato",
        "eviction_date": None,
        "monthly_net_income_cents": None,
        "monthly_rent_cents": 0,
        "contact_phone": "02 555",
        "household": [
            {
                "codice_fiscale": "RSSMRA80A01F205X",
                "first_name": "Mario",
                "last_name": "Rossi",
                "birth_date": date(1980, 1, 1),
                "relation": "intestatario",
            }
        ],
        "household_size": 1,
        "minors": 0,
        "over_65": 0,
        "submitted_by": "operator:x",
    }
    data.update(changes)
    return data


def test_event_data_is_valid(validator):
    data = events.referral_received(record())
    validator.validate(data)
    assert json.loads(json.dumps(data)) == data  # plain JSON, storable in the outbox
    assert data["household"]["members"][0]["birth_date"] == "1980-01-01"
    assert data["economics"] == {"monthly_net_income_cents": None, "monthly_rent_cents": 0}


def test_event_data_keeps_free_text_private():
    data = events.referral_received(record())
    assert "riservato" not in json.dumps(data) and "02 555" not in json.dumps(data)


def test_event_data_with_eviction_date(validator):
    data = events.referral_received(record(eviction_date=date(2026, 1, 31)))
    validator.validate(data)
    assert data["eviction_date"] == "2026-01-31"


def test_v2_data_is_valid_and_carries_no_person():
    schema = json.loads((CONTRACTS / "events" / "intake.referral_received.v2.json").read_text())
    data = events.referral_received_v2(record(eviction_date=date(2026, 1, 31)))
    checker = jsonschema.FormatChecker()
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(data)
    assert data["household"] == {"size": 1, "minors": 0, "over_65": 0}
    assert data["eviction_date"] == "2026-01-31"
    text = json.dumps(data)
    for personal in ("RSSMRA80A01F205X", "Mario", "Rossi", "1980-01-01", "riservato", "02 555"):
        assert personal not in text


def test_v2_envelope_is_signed_with_its_own_type():
    actor = Actor(sub="operator:x", role="agency_operator", comuni=("015195",))
    event = verify_envelope(events.referral_received_v2_envelope(record(), actor))
    assert event.type == "intake.referral_received.v2" and event.source == "/abitare/intake"
    assert (event.subject, event.tenant) == (record()["id"], "015195")
    assert event.actor.sub == "operator:x"
