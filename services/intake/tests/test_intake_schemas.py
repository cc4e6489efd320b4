"""Input schemas: clear field errors by path, unknown fields refused, normalised values."""

from datetime import date

import pytest

from abitare_chassis.errors import InvalidInput, decode
from abitare_chassis.schemas import load
from intake.domain.household import Member
from intake.schemas.referrals import ListReferralsQuery, ReferralInput


def errors_of(payload) -> dict:
    with pytest.raises(InvalidInput) as info:
        load(ReferralInput(), payload)
    wire = decode(str(info.value))  # survives nameko's trip as text
    assert (wire["code"], wire["kind"]) == ("invalid_input", "invalid")
    assert wire["details"]["fields"] == info.value.errors
    assert all(
        error["code"] != "invalid" for errors in info.value.errors.values() for error in errors
    )  # every error of intake's schemas is coded
    return info.value.errors


def test_valid_payload_loads(payload):
    data = load(ReferralInput(), payload)
    assert data["comune_istat"] == "015195"
    assert data["eviction_date"] == date(2026, 12, 15)
    assert data["monthly_rent_cents"] == 65000
    assert all(isinstance(m, Member) for m in data["household"])
    assert data["household"][0].birth_date == date(1980, 1, 1)


def test_optional_fields_default_to_none(payload):
    for name in (
        "referring_body_name",
        "description",
        "eviction_date",
        "contact_phone",
        "monthly_net_income_cents",
        "monthly_rent_cents",
    ):
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
    assert set(errors) == {
        "comune_istat",
        "referring_body",
        "problem_reported",
        "housing_situation",
        "household",
    }
    assert errors["household"] == [{"code": "required"}]


def test_unknown_fields_are_refused(payload):
    payload["ssn"] = "x"
    payload["household"][1]["nickname"] = "Lalla"
    errors = errors_of(payload)
    assert errors == {
        "ssn": [{"code": "unknown_field"}],
        "household.1.nickname": [{"code": "unknown_field"}],
    }


def test_invalid_codice_fiscale_has_its_path(payload):
    payload["household"][2]["codice_fiscale"] = "RSSLCU15M10F205A"
    assert errors_of(payload) == {
        "household.2.codice_fiscale": [{"code": "codice_fiscale_checksum"}]
    }


def test_numeric_codice_fiscale_is_refused(payload):
    payload["household"][0]["codice_fiscale"] = "00743110157"
    assert errors_of(payload)["household.0.codice_fiscale"] == [{"code": "codice_fiscale_numeric"}]


@pytest.mark.parametrize(
    "code, message",
    [
        ("058091", "istat_unknown"),
        ("15146", "istat_format"),
        ("01514A", "istat_format"),
    ],
)
def test_comune_must_be_in_the_citta_metropolitana(payload, code, message):
    payload["comune_istat"] = code
    assert errors_of(payload)["comune_istat"] == [{"code": message}]


@pytest.mark.parametrize(
    "field, value",
    [
        ("referring_body", "vicino_di_casa"),
        ("problem_reported", "rumore"),
        ("housing_situation", "castello"),
    ],
)
def test_codes_outside_the_vocabulary(payload, field, value):
    payload[field] = value
    error = errors_of(payload)[field][0]
    assert error["code"] == "one_of" and "vicino_di_casa" not in error["choices"]
    assert len(error["choices"]) > 1


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
    assert errors["household.1.codice_fiscale"] == [{"code": "codice_fiscale_duplicate"}]
    assert errors["household"] == [
        {"code": "household_head_count", "relation": "intestatario", "found": 2}
    ]


def test_household_size_limits(payload):
    payload["household"] = []
    assert errors_of(payload) == {"household": [{"code": "length", "min": 1, "max": 20}]}


def test_field_and_household_errors_come_together(payload):
    payload["comune_istat"] = "999999"
    payload["household"][1]["relation"] = "intestatario"
    assert {"comune_istat", "household"} <= set(errors_of(payload))


def test_overlong_idempotency_key(payload):
    payload["idempotency_key"] = "k" * 101
    assert "idempotency_key" in errors_of(payload)


def test_not_an_object():
    assert errors_of(["not", "a", "dict"]) == {"_schema": [{"code": "invalid_object"}]}


def test_list_query_limits():
    criteria = ("last_name", "first_name", "codice_fiscale", "status", "grade", "assigned_to")
    assert load(ListReferralsQuery(), {}) == {
        "comune_istat": None,
        "page": 1,
        "page_size": 50,
        **dict.fromkeys(criteria + ("received_from", "received_to")),
    }
    with pytest.raises(InvalidInput) as info:
        load(ListReferralsQuery(), {"page": 0, "page_size": 201})
    assert info.value.errors == {
        "page": [{"code": "range", "min": 1, "max": 100_000}],
        "page_size": [{"code": "range", "min": 1, "max": 200}],
    }


def test_phone_and_dates_are_coded(payload):
    payload["contact_phone"] = "call me"
    payload["eviction_date"] = "soon"
    payload["received_at"] = "2999-01-01T00:00:00+00:00"
    assert errors_of(payload) == {
        "contact_phone": [{"code": "phone_format"}],
        "eviction_date": [{"code": "invalid_date"}],
        "received_at": [{"code": "not_in_future"}],
    }


def test_blank_optional_text_counts_as_absent(payload):
    """Found by schemathesis: a blank optional text with a length or format rule (description,
    contact_phone, ...) crashed the validator on the None it becomes (a 502 at the gateway)."""
    for name in ("referring_body_name", "description", "contact_phone", "idempotency_key"):
        payload[name] = "   "
    data = load(ReferralInput(), payload)
    assert all(
        data[name] is None
        for name in ("referring_body_name", "description", "contact_phone", "idempotency_key")
    )


def test_a_page_past_the_last_possible_one_is_invalid_input():
    """Found by schemathesis: page=9999999999999999999 overflowed the database (a 502)."""
    with pytest.raises(InvalidInput) as info:
        load(ListReferralsQuery(), {"page": 10**19})
    assert "page" in info.value.errors


def test_an_amount_past_any_household_is_invalid_input(payload):
    """Found by schemathesis: monthly_rent_cents=2.9e22 overflowed the database (a 502)."""
    payload["monthly_rent_cents"] = 29032430979397871206400
    assert errors_of(payload)["monthly_rent_cents"][0]["code"] == "range"
