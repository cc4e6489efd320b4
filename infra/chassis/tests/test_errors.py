"""Typed errors carry a stable code, a kind and structured details; schemas refuse with codes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from marshmallow import fields, validate, validates_schema

from abitare_chassis.errors import (
    AbitareError,
    Conflict,
    InvalidInput,
    NotFound,
    StaleVersion,
    decode,
    encode,
    error_classes,
    flatten_errors,
)
from abitare_chassis.schemas import (
    FIELD_CODES,
    VALIDATOR_CODES,
    Schema,
    field_error,
    load,
    schema_codes,
)


class ThingNotFound(NotFound):
    code = "thing_not_found"


class ThingStale(StaleVersion):
    code = "thing_stale"


def test_str_is_the_json_of_code_kind_message_details():
    error = ThingNotFound("thing t1 not found", thing_id="t1")
    assert json.loads(str(error)) == {
        "code": "thing_not_found",
        "kind": "not_found",
        "message": "thing t1 not found",
        "details": {"thing_id": "t1"},
    }
    assert decode(str(error)) == error.to_dict()
    assert (error.message, error.details) == ("thing t1 not found", {"thing_id": "t1"})
    assert (ThingStale.kind, Conflict.kind, Conflict.code) == (
        "stale_version",
        "conflict",
        "conflict",
    )


def test_a_message_is_optional_and_decode_refuses_other_text():
    assert ThingNotFound().message
    assert decode("division by zero") is None
    assert decode(json.dumps({"code": "x"})) is None  # no kind: not ours
    assert decode(encode("x", "conflict", "m", {"a": date(2026, 1, 2)}))["details"] == {
        "a": "2026-01-02"
    }


def test_invalid_input_keeps_plain_messages_working():
    assert InvalidInput("bad").errors == {"_schema": [{"code": "invalid", "message": "bad"}]}
    error = InvalidInput({"comune_istat": ["Codice ISTAT sconosciuto"]})
    assert error.errors == {
        "comune_istat": [{"code": "invalid", "message": "Codice ISTAT sconosciuto"}]
    }
    wire = decode(str(error))
    assert (wire["code"], wire["kind"]) == ("invalid_input", "invalid")
    assert wire["details"]["fields"] == error.errors


def test_flatten_errors_nested_coded_and_plain():
    assert flatten_errors({"a": {0: {"b": [{"code": "x", "min": 1}]}}, "c": ["y"]}) == {
        "a.0.b": [{"code": "x", "min": 1}],
        "c": [{"code": "invalid", "message": "y"}],
    }
    assert flatten_errors(["top"]) == {"_schema": [{"code": "invalid", "message": "top"}]}
    assert flatten_errors({"code": ["required"]}) == {  # a field named "code"
        "code": [{"code": "invalid", "message": "required"}]
    }


class Member(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=5))


class Query(Schema):
    page_size = fields.Integer(strict=True, validate=validate.Range(min=1, max=200))
    kind = fields.String(validate=validate.OneOf(["a", "b"]))
    istat = fields.String(validate=validate.Regexp(r"^[0-9]{6}$", error="istat_format"))
    day = fields.Date()
    tags = fields.List(fields.String(validate=validate.Length(max=2)))
    members = fields.List(fields.Nested(Member))
    start = fields.Date()
    end = fields.Date()

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise field_error("date_range_order", "start", after="end")


def test_schema_errors_are_codes_with_params():
    with pytest.raises(InvalidInput) as info:
        load(
            Query(),
            {
                "page_size": 0,
                "kind": "c",
                "istat": "1",
                "day": "31/12/2026",
                "tags": ["abc"],
                "members": [{}, {"name": "toolong"}],
                "extra": 1,
            },
        )
    assert info.value.errors == {
        "page_size": [{"code": "range", "min": 1, "max": 200}],
        "kind": [{"code": "one_of", "choices": ["a", "b"]}],
        "istat": [{"code": "istat_format"}],
        "day": [{"code": "invalid_date"}],
        "tags.0": [{"code": "length", "max": 2}],
        "members.0.name": [{"code": "required"}],
        "members.1.name": [{"code": "length", "min": 1, "max": 5}],
        "extra": [{"code": "unknown_field"}],
    }
    with pytest.raises(InvalidInput) as info:
        load(Query(), {"start": "2026-02-01", "end": "2026-01-01"})
    assert info.value.errors == {"start": [{"code": "date_range_order", "after": "end"}]}


def test_schema_codes_lists_what_validators_can_produce():
    assert schema_codes(Query()) == {"range", "one_of", "istat_format", "length"}
    assert {"required", "unknown_field", "invalid_date"} <= FIELD_CODES
    assert {"range", "length", "one_of", "format"} <= VALIDATOR_CODES


def test_wrong_type_of_input():
    with pytest.raises(InvalidInput) as info:
        load(Query(), ["not", "an", "object"])
    assert info.value.errors == {"_schema": [{"code": "invalid_object"}]}


def test_error_classes_are_found_with_their_own_codes():
    assert {ThingNotFound, ThingStale, InvalidInput} <= set(error_classes())
    assert all(issubclass(cls, AbitareError) for cls in error_classes())
