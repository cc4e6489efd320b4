"""Configuration from the environment, with embedded defaults that work on one machine.

Every setting has one environment variable. Nothing else reads ``os.environ`` for these. The
chassis reads no file of the repository it was developed in: paths it needs (broker definitions,
contract examples) come from these settings or from explicit arguments.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
# Development-only key, public: used only when ABITARE_DEVELOPMENT is on (`make run`, the tests)
# and ABITARE_SECRET_KEY is unset. Without development mode a missing key stops the start.
DEVELOPMENT_SECRET_KEY = "abitare-development-key-do-not-use-in-production"
# How long an event's actor stays valid: long enough for a broker outage, short enough that a
# token read from an old queue is worth little (finding 7 of issue 7).
DEFAULT_EVENT_ACTOR_MAX_AGE_SECONDS = 7 * 24 * 3600


class MissingSecretKey(RuntimeError):
    """No ``ABITARE_SECRET_KEY`` and no development mode: refuse to sign or verify anything."""

    def __init__(self, variable: str = "ABITARE_SECRET_KEY", message: str | None = None):
        super().__init__(
            message
            or (
                f"{variable} is not set: set it (a long random string), "
                "or set ABITARE_DEVELOPMENT=1 "
                "to use the public development key on one machine"
            )
        )


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def development() -> bool:
    """``ABITARE_DEVELOPMENT=1``: one machine, plain http, public development keys allowed. The one
    switch for the services and the gateway (``make run`` and the tests set it)."""
    return _flag("ABITARE_DEVELOPMENT")


def _keys(variable: str) -> list[str]:
    return [key.strip() for key in os.environ.get(variable, "").split(",") if key.strip()]


def var_dir() -> Path:
    """``ABITARE_VAR_DIR``, else ``var/`` under the working directory (``make run`` runs from the
    repository root). Created when missing."""
    path = Path(os.environ.get("ABITARE_VAR_DIR") or "var").absolute()
    path.mkdir(parents=True, exist_ok=True)
    return path


def amqp_uri(service_name: str | None = None) -> str:
    """``<SERVICE>_AMQP_URI`` (the service's own broker user, see ``abitare-broker users``), else
    ``AMQP_URI``, else guest on localhost."""
    own = os.environ.get(f"{env_name(service_name)}_AMQP_URI") if service_name else None
    return own or os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI


def secret_key() -> str:
    """The key that signs actor tokens and event envelopes: ``ABITARE_SECRET_KEY``; in
    development mode the public development key when unset; else :class:`MissingSecretKey`."""
    key = os.environ.get("ABITARE_SECRET_KEY", "").strip()
    if key:
        return key
    if development():
        return DEVELOPMENT_SECRET_KEY
    raise MissingSecretKey()


def verification_keys() -> list[str]:
    """The keys a signature is checked against: the signing key first, then
    ``ABITARE_PREVIOUS_SECRET_KEYS`` (comma separated), still accepted during a rotation."""
    current = secret_key()
    return [current] + [key for key in _keys("ABITARE_PREVIOUS_SECRET_KEYS") if key != current]


def using_development_key() -> bool:
    return secret_key() == DEVELOPMENT_SECRET_KEY


def event_actor_max_age() -> int:
    """``ABITARE_EVENT_ACTOR_MAX_AGE_SECONDS`` (default 7 days): an event whose actor was signed
    longer ago than this is refused (parked in the queue's ``.dlq``)."""
    return int(
        os.environ.get(
            "ABITARE_EVENT_ACTOR_MAX_AGE_SECONDS", str(DEFAULT_EVENT_ACTOR_MAX_AGE_SECONDS)
        )
    )


def env_name(service_name: str) -> str:
    return service_name.upper().replace("-", "_")


def database_url(service_name: str) -> str:
    """``<SERVICE>_DATABASE_URL`` if set (e.g. ``postgresql+pg8000://postgres@127.0.0.1/abitare_funds``),
    else one SQLite file per service under ``var/``."""
    explicit = os.environ.get(f"{env_name(service_name)}_DATABASE_URL")
    if explicit:
        return explicit
    return f"sqlite:///{var_dir() / (service_name.replace('-', '_') + '.db')}"


def retry_delay_ms() -> int:
    """Delay before a failed event is handed to its handler again."""
    return int(os.environ.get("ABITARE_RETRY_DELAY_MS", "2000"))


def max_retries() -> int:
    """How many times a failing handler is retried before the event is dead-lettered."""
    return int(os.environ.get("ABITARE_MAX_RETRIES", "3"))


def statistics_interval() -> float:
    """``ABITARE_STATISTICS_INTERVAL_SECONDS`` (default one hour): how often a service on SQLite
    looks for tables whose planner statistics are stale (:meth:`Db.refresh_statistics`)."""
    return float(os.environ.get("ABITARE_STATISTICS_INTERVAL_SECONDS", "3600"))


def service_config(service_name: str) -> dict:
    """The nameko config dict of one service."""
    return {
        "AMQP_URI": amqp_uri(service_name),
        "SERVICE_NAME": service_name,
        "DATABASE_URL": database_url(service_name),
        "max_workers": int(os.environ.get("ABITARE_MAX_WORKERS", "10")),
        "HEARTBEAT": int(os.environ.get("ABITARE_HEARTBEAT", "30")),
        "serializer": "json",
    }
