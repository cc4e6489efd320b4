"""The edge of every service: validate input with a marshmallow schema, answer in plain JSON.

- :func:`load` runs a schema and turns marshmallow's errors into
  :class:`~abitare_chassis.errors.InvalidInput` with errors by field path.
- :func:`flatten_errors` is the one place nested marshmallow messages become field paths
  (``household.0.codice_fiscale``); the gateway uses it for its own HTTP-shape errors too.
- :func:`jsonable` turns a use case's record (dicts, lists, dates, aware datetimes) into JSON.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from marshmallow import Schema, ValidationError

from .errors import InvalidInput


def load(schema: Schema, payload) -> dict:
    """``schema.load(payload)``, or :class:`InvalidInput` with messages by field path."""
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput(flatten_errors(exc.messages)) from None


def flatten_errors(messages, prefix: str = "") -> dict[str, list]:
    """marshmallow's nested messages as ``{"household.0.codice_fiscale": [...]}``."""
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    flat: dict[str, list] = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_errors(value, path))
        elif isinstance(value, list) and not all(isinstance(item, str) for item in value):
            flat.update(flatten_errors(dict(enumerate(value)), path))
        else:
            flat.setdefault(path, []).extend([value] if isinstance(value, str) else list(value))
    return flat


def jsonable(value):
    """Plain JSON: dates ISO, instants as aware UTC ISO strings, containers walked."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
