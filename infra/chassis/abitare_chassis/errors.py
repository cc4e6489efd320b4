"""Typed errors. Services raise them; nameko carries the class name to the caller, and the
gateway maps names to HTTP statuses in one table (``abitare_gateway.errors``).

Naming convention the gateway relies on: ``*NotFound`` -> 404, ``*Invalid``/``InvalidInput`` -> 422,
``*Forbidden`` -> 403, ``*Conflict`` -> 409, ``ActorRejected`` -> 401.
"""
from __future__ import annotations

import json


class AbitareError(Exception):
    """Base class of every error a service raises on purpose."""


class ActorRejected(AbitareError):
    """The actor context is missing, unsigned, forged or expired."""


class NotFound(AbitareError):
    """The thing does not exist, or the actor may not know it exists (same answer on purpose)."""


class Forbidden(AbitareError):
    """The actor is known and may see the thing, but may not do this."""


class Conflict(AbitareError):
    """The request clashes with the current state (a stale version, a duplicate)."""


class InvalidInput(AbitareError):
    """Bad input. ``errors`` maps field paths to lists of messages; ``str()`` is JSON so the
    field errors survive the trip through nameko's error serialisation."""

    def __init__(self, errors: dict | str):
        if isinstance(errors, str):
            errors = {"_schema": [errors]}
        self.errors = errors
        super().__init__(json.dumps(errors, ensure_ascii=False, sort_keys=True))
