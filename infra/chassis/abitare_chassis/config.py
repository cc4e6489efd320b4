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
# Development-only key: `make run` and the tests use it when ABITARE_SECRET_KEY is unset.
# A deployment must set its own; the services log a warning when they start with this one.
DEVELOPMENT_SECRET_KEY = "abitare-development-key-do-not-use-in-production"


def var_dir() -> Path:
    """``ABITARE_VAR_DIR``, else ``var/`` under the working directory (``make run`` runs from the
    repository root). Created when missing."""
    path = Path(os.environ.get("ABITARE_VAR_DIR") or "var").absolute()
    path.mkdir(parents=True, exist_ok=True)
    return path


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI


def secret_key() -> str:
    return os.environ.get("ABITARE_SECRET_KEY") or DEVELOPMENT_SECRET_KEY


def using_development_key() -> bool:
    return secret_key() == DEVELOPMENT_SECRET_KEY


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


def service_config(service_name: str) -> dict:
    """The nameko config dict of one service."""
    return {
        "AMQP_URI": amqp_uri(),
        "SERVICE_NAME": service_name,
        "DATABASE_URL": database_url(service_name),
        "max_workers": int(os.environ.get("ABITARE_MAX_WORKERS", "10")),
        "HEARTBEAT": int(os.environ.get("ABITARE_HEARTBEAT", "30")),
        "serializer": "json",
    }
