"""The edge of every service: validate input with a marshmallow schema, answer in plain JSON.

- :class:`Schema` is the base of every input schema: its fields' errors and its validators'
  errors are *codes* with structured params (``{"code": "range", "min": 1, "max": 200}``), never
  English sentences. marshmallow's own messages are replaced field by field when the schema is
  built, so no code anywhere needs to read them.
- :func:`field_error` is how a custom validator refuses a value: ``raise
  field_error("istat_unknown")`` (a ``ValidationError`` carrying one coded error).
- :func:`load` runs a schema and turns its errors into
  :class:`~abitare_chassis.errors.InvalidInput` with coded errors by field path.
- :func:`flatten_errors` (from :mod:`abitare_chassis.errors`) is the one place nested messages
  become field paths (``household.0.codice_fiscale``); the gateway uses it too.
- :func:`jsonable` turns a use case's record (dicts, lists, dates, aware datetimes) into JSON.

Codes a :class:`Schema` can produce on its own: :data:`FIELD_CODES` and :data:`VALIDATOR_CODES`;
a validator given ``error="<code>"`` produces that code instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import marshmallow
from marshmallow import ValidationError, fields, validate

from .errors import SCHEMA, InvalidInput, flatten_errors

__all__ = [
    "Schema",
    "field_error",
    "load",
    "flatten_errors",
    "jsonable",
    "FIELD_CODES",
    "VALIDATOR_CODES",
    "schema_codes",
]

# marshmallow error key -> code, whatever the field
_KEY_CODES = {
    "required": "required",
    "null": "null",
    "validator_failed": "invalid",
    "too_large": "number_too_large",
    "special": "invalid_number",
    "invalid_utf8": "invalid_string",
    "invalid_awareness": "invalid_datetime",
    "invalid_uuid": "invalid_uuid",
    "unknown": "one_of",
}
# the "invalid"/"type"/"format" key, by field type (first match wins: subclasses first)
_TYPE_CODES = (
    (fields.Date, "invalid_date"),
    (fields.Time, "invalid_time"),
    (fields.DateTime, "invalid_datetime"),
    (fields.TimeDelta, "invalid_duration"),
    (fields.Integer, "invalid_integer"),
    (fields.Number, "invalid_number"),
    (fields.Boolean, "invalid_boolean"),
    (fields.String, "invalid_string"),
    (fields.List, "invalid_list"),
    (fields.Tuple, "invalid_list"),
    (fields.Mapping, "invalid_object"),
    (fields.Nested, "invalid_object"),
)
# validator type -> (code, the attributes carried as params)
_VALIDATORS = (
    (validate.Range, "range", ("min", "max")),
    (validate.Length, "length", ("min", "max", "equal")),
    (validate.OneOf, "one_of", ("choices",)),
    (validate.NoneOf, "none_of", ("iterable",)),
    (validate.Equal, "equal", ("comparable",)),
    (validate.Regexp, "format", ()),
)
SCHEMA_CODES = {"unknown": "unknown_field", "type": "invalid_object"}

FIELD_CODES = frozenset(
    {*_KEY_CODES.values(), *(code for _, code in _TYPE_CODES), *SCHEMA_CODES.values(), "invalid"}
)
VALIDATOR_CODES = frozenset(code for _, code, _ in _VALIDATORS) | {"invalid"}


def field_error(code: str, field: str = SCHEMA, **params) -> ValidationError:
    """A marshmallow error carrying one coded field error (params must be JSON)."""
    return ValidationError([{"code": code, **params}], field)


class Schema(marshmallow.Schema):
    """A marshmallow schema whose errors are codes (unknown fields refused, as by default)."""

    error_messages: dict = {key: {"code": code} for key, code in SCHEMA_CODES.items()}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _code_field(field_obj)


def _code_field(field_obj: fields.Field) -> None:
    type_code = next((code for cls, code in _TYPE_CODES if isinstance(field_obj, cls)), "invalid")
    field_obj.error_messages = {
        key: [
            {
                "code": _KEY_CODES.get(
                    key, type_code if key in ("invalid", "type", "format") else "invalid"
                )
            }
        ]
        for key in field_obj.error_messages
    }
    field_obj.validators = [v if isinstance(v, _Coded) else _Coded(v) for v in field_obj.validators]
    for inner in _inner_fields(field_obj):
        _code_field(inner)


def _inner_fields(field_obj: fields.Field) -> list[fields.Field]:
    if isinstance(field_obj, fields.List):
        return [field_obj.inner]
    if isinstance(field_obj, fields.Tuple):
        return list(field_obj.tuple_fields)
    if isinstance(field_obj, fields.Mapping):
        return [f for f in (field_obj.key_field, field_obj.value_field) if f is not None]
    return []


class _Coded(validate.Validator):
    """A marshmallow validator whose refusal is a code with params: the validator's ``error``
    when it was given one (``Regexp(..., error="istat_format")``), else its type's code."""

    def __init__(self, inner):
        self.inner = inner
        self.code, self.params = "invalid", {}
        for cls, code, names in _VALIDATORS:
            if isinstance(inner, cls):
                given = getattr(inner, "error", None)
                # marshmallow fills ``error`` with its default sentence when none was given
                self.code = (
                    code if given in (None, getattr(cls, "default_message", None)) else given
                )
                self.params = {
                    name: _param(getattr(inner, name))
                    for name in names
                    if getattr(inner, name, None) is not None
                }
                break

    def __call__(self, value):
        if not isinstance(self.inner, validate.Validator):
            return self.inner(value)  # a function: it raises coded errors itself
        try:
            return self.inner(value)
        except ValidationError:
            raise ValidationError([{"code": self.code, **self.params}]) from None

    def _repr_args(self) -> str:
        return repr(self.inner)


def _param(value):
    if isinstance(value, (list, tuple, set, frozenset)) or type(value).__name__ == "dict_keys":
        return [_param(v) for v in value]
    return jsonable(value)


def schema_codes(schema: marshmallow.Schema) -> set[str]:
    """Every code the validators declared on ``schema``'s fields can produce (nested too),
    besides :data:`FIELD_CODES`: for the test that each code has a text."""
    found: set[str] = set()
    pending = list(schema.fields.values())
    while pending:
        field_obj = pending.pop()
        found.update(v.code for v in field_obj.validators if isinstance(v, _Coded))
        pending.extend(_inner_fields(field_obj))
        if isinstance(field_obj, fields.Nested) and isinstance(
            field_obj.schema, marshmallow.Schema
        ):
            found |= schema_codes(field_obj.schema)
    return found


def load(schema: marshmallow.Schema, payload) -> dict:
    """``schema.load(payload)``, or :class:`InvalidInput` with coded errors by field path."""
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput(exc.messages) from None


def jsonable(value):
    """Plain JSON: dates ISO, instants as aware UTC ISO strings, containers walked."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


class CaseKeys(Schema):
    """The keys of a case event every service reads the same way (unknown fields ignored)."""

    class Meta:
        unknown = marshmallow.EXCLUDE

    referral_id = fields.UUID(required=True)
    comune_istat = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))


def read_case_keys(event) -> dict:
    """``{"referral_id", "comune_istat"}`` of a verified CloudEvent about one case, checked
    against the envelope's tenant and the signed actor's scope; else ``InvalidInput`` (parked
    at once: bad data is not retried)."""
    data = load(CaseKeys(), event.data if isinstance(event.data, dict) else {})
    comune = data["comune_istat"]
    if event.tenant is not None and event.tenant != comune:
        raise InvalidInput({"comune_istat": [{"code": "tenant_mismatch", "tenant": event.tenant}]})
    if event.actor is None or not event.actor.can_see(comune):
        raise InvalidInput({"comune_istat": [{"code": "referral_out_of_actor_scope"}]})
    return {"referral_id": str(data["referral_id"]), "comune_istat": comune}
