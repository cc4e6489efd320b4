"""Settings of the gateway: environment variables with embedded defaults that work on one machine.

| setting               | environment variable       | default                                  |
|-----------------------|----------------------------|------------------------------------------|
| GATEWAY_DATABASE_URL  | GATEWAY_DATABASE_URL       | sqlite file ``var/gateway.db``           |
| AMQP_URI              | AMQP_URI                   | :func:`abitare_chassis.config.amqp_uri`  |
| SECRET_KEY            | GATEWAY_SECRET_KEY         | required (development: a public key)     |
| PREVIOUS_SECRET_KEYS  | GATEWAY_PREVIOUS_SECRET_KEYS | none: comma separated, still verify    |
| ACTOR_SECRET_KEY      | ABITARE_SECRET_KEY         | :func:`abitare_chassis.config.secret_key`|
| RPC_TIMEOUT           | RPC_TIMEOUT                | 5 seconds                                |
| RPC_POOL_SIZE         | GATEWAY_RPC_POOL_SIZE      | 32 proxies                               |
| HEALTH_TIMEOUT        | GATEWAY_HEALTH_TIMEOUT     | 2 seconds                                |
| HEALTH_CACHE_SECONDS  | GATEWAY_HEALTH_CACHE_SECONDS | 5 seconds (``/readyz``)                |
| TOKEN_MAX_AGE         | GATEWAY_TOKEN_MAX_AGE      | 3600 seconds                             |
| DEVELOPMENT           | ABITARE_DEVELOPMENT        | off: production (``make run``, tests: on) |
| PERMANENT_SESSION_LIFETIME | GATEWAY_SESSION_IDLE_MINUTES | 480: ends when unused so long |
| SESSION_ABSOLUTE_LIFETIME | GATEWAY_SESSION_MAX_HOURS | 12: ends so long after login     |
| ARGON2_CONCURRENCY    | GATEWAY_ARGON2_CONCURRENCY | 4 hashes at once (64 MiB each)           |
| ARGON2_WAIT_SECONDS   | GATEWAY_ARGON2_WAIT_SECONDS | 10: then 503, Retry-After               |
| LOGIN_ACCOUNT_FREE_ATTEMPTS | GATEWAY_LOGIN_ACCOUNT_ATTEMPTS | 5 failures, then backoff     |
| LOGIN_ADDRESS_FREE_ATTEMPTS | GATEWAY_LOGIN_ADDRESS_ATTEMPTS | 20 failures, then backoff    |
| LOGIN_BACKOFF_SECONDS | GATEWAY_LOGIN_BACKOFF_SECONDS | 30, doubling per failure ...          |
| LOGIN_BACKOFF_MAX_SECONDS | GATEWAY_LOGIN_BACKOFF_MAX_SECONDS | ... up to 900                 |
| LOGIN_FORGET_AFTER_SECONDS | GATEWAY_LOGIN_FORGET_AFTER_SECONDS | 3600: older ones forgotten |
| TRUSTED_PROXIES       | GATEWAY_TRUSTED_PROXIES    | 0: proxies setting X-Forwarded-For/-Proto |

Outside development (the default) the session cookie is ``Secure`` and every response carries
``Strict-Transport-Security``: serve the gateway over HTTPS (behind a proxy: set
``GATEWAY_TRUSTED_PROXIES`` so the throttle sees the client's address, not the proxy's).

Two keys, never the same one: ``SECRET_KEY`` (``GATEWAY_SECRET_KEY``) signs what only the gateway
reads, the API clients' bearer tokens; ``ACTOR_SECRET_KEY`` (``ABITARE_SECRET_KEY``, read through
the chassis like every service does) signs the actor of every RPC call, for the callee only
(audience ``rpc:<service>``). Outside development both must be set, or the gateway does not
start. Rotation: the new key in ``GATEWAY_SECRET_KEY``, the old one in
``GATEWAY_PREVIOUS_SECRET_KEYS`` until the tokens it signed have expired (``TOKEN_MAX_AGE``); the
actor key rotates like the services' (``docs/architecture.md``).
"""

from __future__ import annotations

import os
from datetime import timedelta

from abitare_chassis import config as chassis_config

from .identity import utcnow

# Public, for one machine only: used when ABITARE_DEVELOPMENT is on and GATEWAY_SECRET_KEY unset.
DEVELOPMENT_SECRET_KEY = "abitare-gateway-development-key-do-not-use-in-production"


def secret_key() -> str:
    key = os.environ.get("GATEWAY_SECRET_KEY", "").strip()
    if key:
        return key
    if chassis_config.development():
        return DEVELOPMENT_SECRET_KEY
    raise chassis_config.MissingSecretKey("GATEWAY_SECRET_KEY")


def previous_secret_keys() -> list[str]:
    return [
        k.strip()
        for k in os.environ.get("GATEWAY_PREVIOUS_SECRET_KEYS", "").split(",")
        if k.strip()
    ]


def default_database_url() -> str:
    return f"sqlite:///{chassis_config.var_dir() / 'gateway.db'}"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def load(overrides: dict | None = None) -> dict:
    """The gateway settings; ``overrides`` (the tests' ``test_config``) win over the environment."""
    env = os.environ
    overrides = overrides or {}
    development = bool(overrides.get("DEVELOPMENT", chassis_config.development()))
    settings = {
        "AMQP_URI": chassis_config.amqp_uri("gateway"),
        "SECRET_KEY": overrides.get("SECRET_KEY") or secret_key(),
        "PREVIOUS_SECRET_KEYS": previous_secret_keys(),
        "ACTOR_SECRET_KEY": overrides.get("ACTOR_SECRET_KEY") or chassis_config.secret_key(),
        "RPC_TIMEOUT": float(env.get("RPC_TIMEOUT", "5")),
        "RPC_POOL_SIZE": int(env.get("GATEWAY_RPC_POOL_SIZE", "32")),
        "HEALTH_TIMEOUT": float(env.get("GATEWAY_HEALTH_TIMEOUT", "2")),
        "HEALTH_CACHE_SECONDS": float(env.get("GATEWAY_HEALTH_CACHE_SECONDS", "5")),
        "TOKEN_MAX_AGE": int(env.get("GATEWAY_TOKEN_MAX_AGE", "3600")),
        # argon2 parameters: "default" (RFC 9106 low-memory profile) or "cheapest" (tests only)
        "ARGON2_PROFILE": env.get("GATEWAY_ARGON2_PROFILE", "default"),
        "ARGON2_CONCURRENCY": _int("GATEWAY_ARGON2_CONCURRENCY", 4),
        "ARGON2_WAIT_SECONDS": float(env.get("GATEWAY_ARGON2_WAIT_SECONDS", "10")),
        "RPC_CLIENT": None,  # tests inject a fake here
        "CLOCK": utcnow,  # tests move it: sessions, tokens' use, the throttle
        "DEVELOPMENT": development,
        "HSTS_MAX_AGE": 31536000,
        "TRUSTED_PROXIES": _int("GATEWAY_TRUSTED_PROXIES", 0),
        # sign-in throttling (see abitare_gateway.throttle)
        "LOGIN_ACCOUNT_FREE_ATTEMPTS": _int("GATEWAY_LOGIN_ACCOUNT_ATTEMPTS", 5),
        "LOGIN_ADDRESS_FREE_ATTEMPTS": _int("GATEWAY_LOGIN_ADDRESS_ATTEMPTS", 20),
        "LOGIN_BACKOFF_SECONDS": _int("GATEWAY_LOGIN_BACKOFF_SECONDS", 30),
        "LOGIN_BACKOFF_MAX_SECONDS": _int("GATEWAY_LOGIN_BACKOFF_MAX_SECONDS", 900),
        "LOGIN_FORGET_AFTER_SECONDS": _int("GATEWAY_LOGIN_FORGET_AFTER_SECONDS", 3600),
        # sessions (server-side, see abitare_gateway.sessions)
        "SESSION_COOKIE_NAME": "abitare_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=_int("GATEWAY_SESSION_IDLE_MINUTES", 480)),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=_int("GATEWAY_SESSION_MAX_HOURS", 12)),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # flask-smorest / OpenAPI
        "API_TITLE": "Abitare API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
        "API_SPEC_OPTIONS": {
            "security": [{"bearerAuth": []}],
            "info": {
                "description": (
                    "REST API of the Agenzia per l'abitare for the comuni's systems. "
                    "Obtain a token with `POST /api/v1/auth/token` (client credentials), then send "
                    "`Authorization: Bearer <token>`. Errors are RFC 9457 problem+json."
                )
            },
        },
    }
    settings.update(overrides)
    if settings["SECRET_KEY"] == settings["ACTOR_SECRET_KEY"]:
        raise chassis_config.MissingSecretKey(
            "GATEWAY_SECRET_KEY",
            (
                "GATEWAY_SECRET_KEY and ABITARE_SECRET_KEY are the same key: "
                "the gateway's tokens and "
                "the services' actor contexts need a key each"
            ),
        )
    if not settings.get("GATEWAY_DATABASE_URL"):
        settings["GATEWAY_DATABASE_URL"] = env.get("GATEWAY_DATABASE_URL") or default_database_url()
    return settings
