"""The Abitare gateway: REST API ``/api/v1`` for the comuni's systems, the operators' web UI in
Italian, authentication and tenancy. It holds no business rules: it authenticates, scopes,
checks the HTTP shape, calls the services over nameko RPC and composes their answers.

Modules: :mod:`config` settings, :mod:`rpc` pooled RPC client, :mod:`errors` problem+json,
:mod:`identity` operators and API clients, :mod:`sessions` server-side web sessions,
:mod:`throttle` sign-in throttling, :mod:`accounts` who may manage which account,
:mod:`auth` actors/tokens/CSRF, :mod:`backend` the calls to the services, :mod:`overview` the
four-service view of a referral, :mod:`api` and :mod:`web` the two faces, :mod:`cli` the command.
"""

from __future__ import annotations

import atexit
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, g, request

from . import config

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the gateway. ``test_config`` overrides settings; ``{"RPC_CLIENT": fake}`` replaces
    the nameko client (the tests' doubles: ``gateway/tests/gateway_doubles``)."""
    app = Flask(__name__)
    app.config.from_mapping(config.load(test_config))

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    init_identity(app)
    init_rpc(app)

    from . import api, auth, errors, health, i18n, web
    from .identity import HasherBusy
    from .throttle import Throttled

    i18n.init_app(app)
    errors.init_app(app)
    app.register_error_handler(Throttled, lambda exc: errors.respond(auth.too_many_attempts(exc)))
    app.register_error_handler(HasherBusy, lambda exc: errors.respond(auth.hasher_busy(exc)))
    api.init_app(app)
    web.init_app(app)
    app.register_blueprint(health.bp)

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = (
            incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        )

    @app.after_request
    def add_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not app.config["DEVELOPMENT"]:
            response.headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={int(app.config['HSTS_MAX_AGE'])}; includeSubDomains",
            )
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if (
            request.path.startswith("/api/")
            or request.path in ("/healthz", "/readyz")
            or response.mimetype == "text/html"
        ):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def init_identity(app: Flask) -> None:
    from datetime import timedelta

    from abitare_chassis.database import make_engine

    from .identity import IdentityStore, password_hasher
    from .sessions import DbSessionInterface
    from .throttle import LoginThrottle, Policy

    config = app.config
    engine = make_engine(config["GATEWAY_DATABASE_URL"])
    store = IdentityStore(
        engine,
        password_hasher(config["ARGON2_PROFILE"]),
        concurrency=config["ARGON2_CONCURRENCY"],
        wait_seconds=config["ARGON2_WAIT_SECONDS"],
    )
    store.create_tables()

    def policy(free_attempts: int) -> Policy:
        return Policy(
            free_attempts=free_attempts,
            base_delay=timedelta(seconds=config["LOGIN_BACKOFF_SECONDS"]),
            max_delay=timedelta(seconds=config["LOGIN_BACKOFF_MAX_SECONDS"]),
            forget_after=timedelta(seconds=config["LOGIN_FORGET_AFTER_SECONDS"]),
        )

    app.extensions["abitare_identity"] = store
    app.extensions["abitare_throttle"] = LoginThrottle(
        engine,
        account=policy(config["LOGIN_ACCOUNT_FREE_ATTEMPTS"]),
        address=policy(config["LOGIN_ADDRESS_FREE_ATTEMPTS"]),
    )
    app.session_interface = DbSessionInterface(engine)


def init_rpc(app: Flask) -> None:
    from .backend import TtlCache
    from .rpc import NamekoRpcClient

    client = app.config.get("RPC_CLIENT")
    if client is None:
        client = NamekoRpcClient(
            app.config["AMQP_URI"],
            app.config["ACTOR_SECRET_KEY"],
            timeout=float(app.config["RPC_TIMEOUT"]),
            pool_size=int(app.config["RPC_POOL_SIZE"]),
        )
        atexit.register(client.close)
    app.extensions["abitare_rpc"] = client
    app.extensions["abitare_cache"] = TtlCache()
    # for the overview's and the health check's parallel calls
    app.extensions["abitare_executor"] = ThreadPoolExecutor(
        max_workers=16, thread_name_prefix="abitare-rpc"
    )
