"""Input schemas: clear field errors by path, unknown fields refused, normalised values."""
import json
from datetime import date

import pytest
from abitare_chassis.errors import InvalidInput

from intake.domain.household import Member
from intake.schemas import ListReferralsQuery, ReferralInput, flatten_errors, load


def errors_of(payload) -> dict:
    with pytest.raises(InvalidInput) as info:
        load(ReferralInput(), payload)
    assert json.loads(str(info.value)) == info.value.errors   # survives nameko's trip as text
    return info.value.errors


def test_valid_payload_loads(payload):
    data = load(ReferralInput(), payload)
    assert data["comune_istat"] == "015195"
    assert data["eviction_date"] == date(2026, 12, 15)
    assert data["monthly_rent_cents"] == 65000
    assert all(isinstance(m, Member) for m in data["household"])
    assert data["household"][0].birth_date == date(1980, 1, 1)


def test_optional_fields_default_to_none(payload):
    for name in ("referring_body_name", "description", "eviction_date", "contact_phone",
                 "monthly_net_income_cents", "monthly_rent_cents"):
        del payload[name]
    data = load(ReferralInput(), payload)
    assert data["eviction_date"] is None and data["monthly_rent_cents"] is None
    assert data["idempotency_key"] is None


def test_codice_fiscale_is_uppercased_and_names_trimmed(payload):
    payload["household"][0]["codice_fiscale"] = "rssmra80a01f205x"
    payload["household"][0]["first_name"] = "  Mario "
    member = load(ReferralInput(), payload)["household"][0]
    assert member.codice_fiscale == "RSSMRA80A01F205X"
    assert member.first_name == "Mario"


def test_missing_required_fields():
    errors = errors_of({})
    assert set(errors) == {"comune_istat", "referring_body", "problem_reported",
                           "housing_situation", "household"}
    assert errors["household"] == ["Missing data for required field."]


def test_unknown_fields_are_refused(payload):
    payload["ssn"] = "x"
    payload["household"][1]["nickname"] = "Lalla"
    errors = errors_of(payload)
    assert errors == {"ssn": ["Unknown field."], "household.1.nickname": ["Unknown field."]}


def test_invalid_codice_fiscale_has_its_path(payload):
    payload["household"][2]["codice_fiscale"] = "RSSLCU15M10F205A"
    assert errors_of(payload) == {"household.2.codice_fiscale": ["Wrong check character."]}


def test_numeric_codice_fiscale_is_refused(payload):
    payload["household"][0]["codice_fiscale"] = "00743110157"
    assert "household.0.codice_fiscale" in errors_of(payload)


@pytest.mark.parametrize("code, message", [
    ("058091", "Unknown ISTAT code"),
    ("15146", "6-digit"),
    ("01514A", "6-digit"),
])
def test_comune_must_be_in_the_citta_metropolitana(payload, code, message):
    payload["comune_istat"] = code
    assert message in errors_of(payload)["comune_istat"][0]


@pytest.mark.parametrize("field, value", [
    ("referring_body", "vicino_di_casa"),
    ("problem_reported", "rumore"),
    ("housing_situation", "castello"),
])
def test_codes_outside_the_vocabulary(payload, field, value):
    payload[field] = value
    assert errors_of(payload)[field][0].startswith("Must be one of")


@pytest.mark.parametrize("value", [-1, 12.5, "1000", True])
def test_money_is_whole_non_negative_cents(payload, value):
    payload["monthly_rent_cents"] = value
    assert "monthly_rent_cents" in errors_of(payload)


def test_dates_must_be_iso(payload):
    payload["eviction_date"] = "15/12/2026"
    payload["household"][0]["birth_date"] = "1980-02-30"
    assert set(errors_of(payload)) == {"eviction_date", "household.0.birth_date"}


def test_household_rules_are_reported_with_paths(payload):
    payload["household"][1]["codice_fiscale"] = payload["household"][0]["codice_fiscale"]
    payload["household"][2]["relation"] = "intestatario"
    errors = errors_of(payload)
    assert errors["household.1.codice_fiscale"] == ["Duplicate codice fiscale in the household."]
    assert "Exactly one member" in errors["household"][0]


def test_household_size_limits(payload):
    payload["household"] = []
    assert errors_of(payload) == {"household": ["Length must be between 1 and 20."]}


def test_field_and_household_errors_come_together(payload):
    payload["comune_istat"] = "999999"
    payload["household"][1]["relation"] = "intestatario"
    assert {"comune_istat", "household"} <= set(errors_of(payload))


def test_overlong_idempotency_key(payload):
    payload["idempotency_key"] = "k" * 101
    assert "idempotency_key" in errors_of(payload)


def test_not_an_object():
    assert errors_of(["not", "a", "dict"]) == {"_schema": ["Invalid input type."]}


def test_list_query_limits():
    assert load(ListReferralsQuery(), {}) == {"comune_istat": None, "page": 1, "page_size": 50}
    with pytest.raises(InvalidInput) as info:
        load(ListReferralsQuery(), {"page": 0, "page_size": 201})
    assert set(info.value.errors) == {"page", "page_size"}


def test_flatten_errors():
    assert flatten_errors({"a": {0: {"b": ["x"]}}, "c": ["y"]}) == {"a.0.b": ["x"], "c": ["y"]}
    assert flatten_errors(["top"]) == {"_schema": ["top"]}
