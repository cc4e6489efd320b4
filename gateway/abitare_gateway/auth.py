"""Authentication and tenancy: every request becomes an :class:`~abitare_chassis.actor.Actor`.

- API clients (the comuni's systems) exchange ``client_id`` + ``client_secret`` for a bearer token
  (itsdangerous-signed, expiring) and act as ``municipal_client`` over their comuni.
- A partner's system (an API client with a ``partner_code``) gets its token the same way, with
  the same lifetime, and acts as ``partner_client`` with ``sub`` = ``partner:<CODE>``: the
  partners service reads the partner from it (``partners.domain.permissions.partner_of``) and
  scopes everything by it. Its comuni are every comune of the agency it was created over (the
  creating coordinator's, the CLI's ``--comuni``): an outer bound, not its scope. It reaches
  ``/api/v1/partner/...`` only; every other route answers 404 as if it did not exist, and the
  partner routes refuse every other actor with 403 (:func:`partner_actor`).
- Operators sign in to the web UI; their server-side session names them. The API accepts that
  session too (JSON bodies only, SameSite=Lax cookie: a cross-site page cannot forge such a call).
- Both carry the account's credentials version: a token or session issued before a deactivation,
  a secret rotation or a password change is refused on its next request.
- Every sign-in passes the throttle (:mod:`abitare_gateway.throttle`) before a password is
  hashed.

The actor is signed per call by the RPC client and verified by every service.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import TypeVar
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from abitare_chassis.actor import COORDINATOR, MUNICIPAL_CLIENT, PARTNER_CLIENT, SYSTEM, Actor

from .errors import Problem
from .i18n import _
from .identity import ApiClient, HasherBusy, IdentityStore, Operator
from .sessions import LOGIN_AT_KEY, destroy, rotate
from .throttle import LoginThrottle, Throttled, account_key, address_key

TOKEN_SALT = "abitare.gateway.api-token.v2"
SESSION_OPERATOR_KEY = "operator"
SESSION_VERSION_KEY = "cv"  # the operator's credentials version at login
LAST_USE_INTERVAL = timedelta(minutes=5)  # an API client's last use is written at most this often
CSRF_SESSION_KEY = "csrf_token"
CSRF_FORM_FIELD = "csrf_token"
BEARER_CHALLENGE = 'Bearer realm="abitare"'
PARTNER_API_PREFIX = "/api/v1/partner/"  # the only routes a partner client reaches


def identity() -> IdentityStore:
    return current_app.extensions["abitare_identity"]


def throttle() -> LoginThrottle:
    return current_app.extensions["abitare_throttle"]


def now() -> datetime:
    return current_app.config["CLOCK"]()


# -- signing in -------------------------------------------------------------------------------
T = TypeVar("T")


def throttled_check(kind: str, name: str, check: Callable[[], T | None]) -> T | None:
    """Run ``check`` (which hashes a password) only if the throttle lets this attempt through
    (else :class:`~abitare_gateway.throttle.Throttled`); a success clears the account's
    failures."""
    keys = (account_key(kind, name), address_key(request.remote_addr))
    throttle().attempt(keys, now())
    result = check()
    if result is not None:
        throttle().succeeded(*keys)
    return result


def too_many_attempts(exc: Throttled) -> Problem:
    return Problem(
        429,
        code="too_many_attempts",
        details={"retry_after": exc.retry_after},
        headers={"Retry-After": str(exc.retry_after)},
    )


def hasher_busy(_exc: HasherBusy) -> Problem:
    return Problem(503, code="sign_in_busy", headers={"Retry-After": "5"})


def sign_in(operator: Operator) -> None:
    """Open a new session (a new id: no session fixation) for ``operator``."""
    session.clear()
    rotate()
    session[SESSION_OPERATOR_KEY] = operator.username
    session[SESSION_VERSION_KEY] = operator.credentials_version
    session[LOGIN_AT_KEY] = now().timestamp()
    session.permanent = True
    g.operator = operator


def credentials_renewed(operator: Operator) -> None:
    """The operator changed their password: this session goes on (under a new id) with the new
    credentials version; every other session of theirs is refused from now on."""
    rotate()
    session[SESSION_VERSION_KEY] = operator.credentials_version
    g.operator = operator


# -- actors -----------------------------------------------------------------------------------
def operator_actor(operator: Operator) -> Actor:
    return Actor(
        sub=f"operator:{operator.username}",
        role=operator.role,
        comuni=operator.comuni,
        name=operator.display_name,
    )


def client_actor(client: ApiClient) -> Actor:
    if client.partner_code:
        return Actor(
            sub=f"partner:{client.partner_code}",
            role=PARTNER_CLIENT,
            comuni=client.comuni,
            name=client.name,
        )
    return Actor(
        sub=f"client:{client.client_id}",
        role=MUNICIPAL_CLIENT,
        comuni=client.comuni,
        name=client.name,
    )


def system_actor(purpose: str = "gateway") -> Actor:
    return Actor(sub=f"system:{purpose}", role=SYSTEM, comuni=(), name="Abitare gateway")


# -- bearer tokens ----------------------------------------------------------------------------
def _token_serializer() -> URLSafeTimedSerializer:
    # signs with the current key (itsdangerous: the last), verifies with the previous ones too
    keys = [*reversed(current_app.config["PREVIOUS_SECRET_KEYS"]), current_app.config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=TOKEN_SALT)


def issue_token(client: ApiClient) -> dict:
    token = _token_serializer().dumps({"cid": client.client_id, "cv": client.credentials_version})
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": int(current_app.config["TOKEN_MAX_AGE"]),
    }


def client_from_token(token: str) -> ApiClient:
    try:
        data = _token_serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise _unauthenticated("The access token has expired.", error="invalid_token") from None
    except BadSignature:
        raise _unauthenticated("The access token is not valid.", error="invalid_token") from None
    client = identity().get_client(str(data.get("cid", ""))) if isinstance(data, dict) else None
    if client is None or data.get("cv") != client.credentials_version:
        # deactivated, rotated, or not ours
        raise _unauthenticated("The access token is not valid.", error="invalid_token")
    moment = now()
    if client.last_used_at is None or moment - client.last_used_at > LAST_USE_INTERVAL:
        identity().client_used(client.client_id, moment)
    return client


def basic_credentials() -> tuple[str, str] | None:
    """``(user, password)`` from an ``Authorization: Basic`` header, if there is one."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def _unauthenticated(detail: str, error: str | None = None) -> Problem:
    challenge = BEARER_CHALLENGE + (f', error="{error}"' if error else "")
    return Problem(401, detail, headers={"WWW-Authenticate": challenge})


# -- the actor of the current request -----------------------------------------------------------
def current_operator() -> Operator | None:
    """The operator the session names, if still active and still under the credentials the
    session was opened with; else the session is ended."""
    if "operator" not in g:
        g.operator = _session_operator()
    return g.operator


def _session_operator() -> Operator | None:
    username = session.get(SESSION_OPERATOR_KEY)
    if not username:
        return None
    operator = identity().get_operator(username)
    if operator is None or session.get(SESSION_VERSION_KEY) != operator.credentials_version:
        destroy()
        return None
    return operator


def api_actor() -> Actor:
    """The actor of an API request: bearer token first, else a signed-in operator; else 401."""
    if "actor" in g:
        return g.actor
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer":
        actor = client_actor(client_from_token(token.strip()))
        if actor.role == PARTNER_CLIENT and not request.path.startswith(PARTNER_API_PREFIX):
            raise Problem(404, "There is nothing at this address.")
        g.actor = actor
    elif (operator := current_operator()) is not None:
        if operator.must_change_password:
            raise Problem(401, code="password_change_required")
        g.actor = operator_actor(operator)
    else:
        raise _unauthenticated("Authentication required: send a bearer token.")
    return g.actor


def partner_actor() -> Actor:
    """The actor of a ``/api/v1/partner/...`` request: a partner client only, else 403."""
    actor = api_actor()
    if actor.role != PARTNER_CLIENT:
        raise Problem(403, code="partner_clients_only")
    return actor


def api_auth_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        api_actor()
        return view(*args, **kwargs)

    return wrapper


def web_actor() -> Actor:
    operator = current_operator()
    if operator is None:  # login_required runs first; this is a programming error
        raise Problem(401)
    return operator_actor(operator)


PASSWORD_CHANGE_ENDPOINTS = {"web.password", "web.logout"}


def login_required(view):
    """A signed-in operator, who has replaced a temporary password."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        operator = current_operator()
        if operator is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        if operator.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            return redirect(url_for("web.password"))
        return view(*args, **kwargs)

    return wrapper


def coordinator_required(view):
    """A coordinator's page: anyone else gets a 403 page with a way back."""

    @login_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_operator().role != COORDINATOR:
            raise Problem(
                403,
                _("La gestione di utenti e accessi è riservata al coordinamento."),
                title=_("Accesso negato"),
                localized=True,
            )
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None, default: str) -> str:
    """Only local paths: never redirect a freshly signed-in operator to another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


# -- CSRF for the web forms -------------------------------------------------------------------
def csrf_token() -> str:
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def csrf_valid() -> bool:
    expected = session.get(CSRF_SESSION_KEY)
    given = request.form.get(CSRF_FORM_FIELD) or request.headers.get("X-CSRF-Token", "")
    return bool(expected) and hmac.compare_digest(expected, given)
