"""Typed errors with stable codes. Services raise them; nameko carries them to the caller.

Every class has a ``code`` (stable, snake_case, unique per class: ``referral_not_found``) and a
``kind`` (``not_found``, ``forbidden``, ``conflict``, ``stale_version``, ``invalid``,
``actor_rejected``) from which the gateway derives the HTTP status. ``details`` are structured
(JSON): the field, the limit, the allowed values. The ``message`` is English, for logs only:
nobody matches on it. ``str(exc)`` is the JSON of ``{code, kind, message, details}`` (see
:func:`encode`), which is what survives nameko's ``RemoteError``; :func:`decode` reads it back.

Field errors (``InvalidInput``) are codes too: ``{"page_size": [{"code": "range", "min": 1,
"max": 200}]}``. The gateway turns codes into Italian and English text in one table.
"""

from __future__ import annotations

import json
from typing import ClassVar

SCHEMA = "_schema"  # the path of an error about the whole input, not one field
GENERIC_FIELD_CODE = "invalid"


class AbitareError(Exception):
    """Base class of every error a service raises on purpose."""

    code: ClassVar[str] = "error"
    kind: ClassVar[str] = "error"

    def __init__(self, message: str | None = None, **details):
        self.message = message or (type(self).__doc__ or self.code).strip().splitlines()[0]
        self.details = details
        super().__init__(self.message)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "message": self.message,
            "details": self.details,
        }

    def __str__(self) -> str:
        return encode(self.code, self.kind, self.message, self.details)


class ActorRejected(AbitareError):
    """The actor context is missing, unsigned, forged or expired."""

    kind = code = "actor_rejected"


class NotFound(AbitareError):
    """The thing does not exist, or the actor may not know it exists (same answer on purpose)."""

    kind = code = "not_found"


class Forbidden(AbitareError):
    """The actor is known and may see the thing, but may not do this."""

    kind = code = "forbidden"


class Conflict(AbitareError):
    """The request clashes with the current state (a duplicate, a closed case)."""

    kind = code = "conflict"


class StaleVersion(Conflict):
    """The caller's version of the thing is not the current one: reload and retry."""

    kind = code = "stale_version"


class InvalidInput(AbitareError):
    """Bad input: ``fields`` maps a field path to a list of coded errors.

    ``InvalidInput({"page_size": [{"code": "range", "min": 1, "max": 200}]})``. Nested
    marshmallow-style messages are flattened to paths (``household.0.codice_fiscale``); a plain
    string (``InvalidInput("message")`` or ``{"path": ["message"]}``) becomes
    ``{"code": "invalid", "message": ...}``. The errors are ``.errors`` and
    ``details["fields"]``.
    """

    kind = "invalid"
    code = "invalid_input"

    def __init__(
        self, fields: dict | list | str | None = None, message: str | None = None, **details
    ):
        if isinstance(fields, str):
            message = message or fields
            fields = {SCHEMA: [fields]}
        self.errors = flatten_errors(fields or {})
        super().__init__(message or _summary(self.errors), fields=self.errors, **details)


def flatten_errors(messages, prefix: str = "") -> dict[str, list[dict]]:
    """Nested field errors as ``{"household.0.codice_fiscale": [{"code": ...}, ...]}``.

    Leaves are coded errors (dicts with a ``code``); a string leaf is an uncoded message and
    becomes ``{"code": "invalid", "message": <it>}``."""
    if not isinstance(messages, dict):
        messages = {SCHEMA: messages}
    flat: dict[str, list[dict]] = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if is_coded(value) or isinstance(value, str):
            flat.setdefault(path, []).append(_coded(value))
        elif isinstance(value, dict):
            for sub_path, errors in flatten_errors(value, path).items():
                flat.setdefault(sub_path, []).extend(errors)
        elif isinstance(value, (list, tuple)) and all(
            is_coded(v) or isinstance(v, str) for v in value
        ):
            flat.setdefault(path, []).extend(_coded(item) for item in value)
        elif isinstance(value, (list, tuple)):
            for sub_path, errors in flatten_errors(dict(enumerate(value)), path).items():
                flat.setdefault(sub_path, []).extend(errors)
        else:
            flat.setdefault(path, []).append(_coded(str(value)))
    return flat


def is_coded(value) -> bool:
    """A coded field error: ``{"code": "range", "min": 1, ...}``."""
    return isinstance(value, dict) and isinstance(value.get("code"), str)


def _coded(value) -> dict:
    return dict(value) if is_coded(value) else {"code": GENERIC_FIELD_CODE, "message": value}


def _summary(errors: dict[str, list[dict]]) -> str:
    parts = [f"{path}: {', '.join(e['code'] for e in items)}" for path, items in errors.items()]
    return "invalid input: " + "; ".join(parts) if parts else "invalid input"


# -- the wire format --------------------------------------------------------------------------
def encode(code: str, kind: str, message: str = "", details: dict | None = None) -> str:
    """The text an error travels as: JSON of ``{code, kind, message, details}``."""
    return json.dumps(
        {"code": code, "kind": kind, "message": message, "details": details or {}},
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )


def decode(text) -> dict | None:
    """``{code, kind, message, details}`` from :func:`encode`'s text, ``None`` if ``text`` is
    not such (an unexpected exception's message)."""
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("code"), str)
        and isinstance(data.get("kind"), str)
    ):
        return None
    details = data.get("details")
    return {
        "code": data["code"],
        "kind": data["kind"],
        "message": str(data.get("message") or ""),
        "details": details if isinstance(details, dict) else {},
    }


def error_classes(root: type[AbitareError] = AbitareError) -> list[type[AbitareError]]:
    """Every subclass of ``root`` defined so far (imported modules only)."""
    found, pending = [], list(root.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
