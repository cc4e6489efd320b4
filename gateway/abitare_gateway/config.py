"""Settings of the gateway: environment variables with embedded defaults that work on one machine.

| setting               | environment variable       | default                                  |
|-----------------------|----------------------------|------------------------------------------|
| GATEWAY_DATABASE_URL  | GATEWAY_DATABASE_URL       | sqlite file ``var/gateway.db``           |
| AMQP_URI              | AMQP_URI                   | :func:`abitare_chassis.config.amqp_uri`  |
| SECRET_KEY            | ABITARE_SECRET_KEY         | :func:`abitare_chassis.config.secret_key`|
| RPC_TIMEOUT           | RPC_TIMEOUT                | 5 seconds                                |
| RPC_POOL_SIZE         | GATEWAY_RPC_POOL_SIZE      | 32 proxies                               |
| HEALTH_TIMEOUT        | GATEWAY_HEALTH_TIMEOUT     | 2 seconds                                |
| HEALTH_CACHE_SECONDS  | GATEWAY_HEALTH_CACHE_SECONDS | 5 seconds (``/readyz``)                |
| TOKEN_MAX_AGE         | GATEWAY_TOKEN_MAX_AGE      | 3600 seconds                             |
| SESSION_COOKIE_SECURE | GATEWAY_SECURE_COOKIES     | off (set ``1`` behind HTTPS)             |

``SECRET_KEY`` is the key the services verify actor tokens with, so the gateway reads it through
the chassis like every service does.
"""
from __future__ import annotations

import os
from datetime import timedelta

from abitare_chassis import config as chassis_config


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def default_database_url() -> str:
    return f"sqlite:///{chassis_config.var_dir() / 'gateway.db'}"


def load(overrides: dict | None = None) -> dict:
    """The gateway settings; ``overrides`` (the tests' ``test_config``) win over the environment."""
    env = os.environ
    settings = {
        "AMQP_URI": chassis_config.amqp_uri(),
        "SECRET_KEY": chassis_config.secret_key(),
        "RPC_TIMEOUT": float(env.get("RPC_TIMEOUT", "5")),
        "RPC_POOL_SIZE": int(env.get("GATEWAY_RPC_POOL_SIZE", "32")),
        "HEALTH_TIMEOUT": float(env.get("GATEWAY_HEALTH_TIMEOUT", "2")),
        "HEALTH_CACHE_SECONDS": float(env.get("GATEWAY_HEALTH_CACHE_SECONDS", "5")),
        "TOKEN_MAX_AGE": int(env.get("GATEWAY_TOKEN_MAX_AGE", "3600")),
        # argon2 parameters: "default" (RFC 9106 low-memory profile) or "cheapest" (tests only)
        "ARGON2_PROFILE": env.get("GATEWAY_ARGON2_PROFILE", "default"),
        "RPC_CLIENT": None,            # tests inject a fake here
        # sessions (server-side, see abitare_gateway.sessions)
        "SESSION_COOKIE_NAME": "abitare_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("GATEWAY_SECURE_COOKIES"),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
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
            "info": {"description": (
                "REST API of the Agenzia per l'abitare for the comuni's systems. "
                "Obtain a token with `POST /api/v1/auth/token` (client credentials), then send "
                "`Authorization: Bearer <token>`. Errors are RFC 9457 problem+json.")},
        },
    }
    settings.update(overrides or {})
    if not settings.get("GATEWAY_DATABASE_URL"):
        settings["GATEWAY_DATABASE_URL"] = env.get("GATEWAY_DATABASE_URL") or default_database_url()
    return settings
