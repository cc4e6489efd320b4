"""Authentication and tenancy: every request becomes an :class:`~abitare_chassis.actor.Actor`.

- API clients (the comuni's systems) exchange ``client_id`` + ``client_secret`` for a bearer token
  (itsdangerous-signed, expiring) and act as ``municipal_client`` over their comuni.
- Operators sign in to the web UI; their server-side session names them. The API accepts that
  session too (JSON bodies only, SameSite=Lax cookie: a cross-site page cannot forge such a call).

The actor is signed per call by the RPC client and verified by every service.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from abitare_chassis.actor import MUNICIPAL_CLIENT, SYSTEM, Actor

from .errors import Problem
from .identity import ApiClient, IdentityStore, Operator

TOKEN_SALT = "abitare.gateway.api-token.v1"
SESSION_OPERATOR_KEY = "operator"
CSRF_SESSION_KEY = "csrf_token"
CSRF_FORM_FIELD = "csrf_token"
BEARER_CHALLENGE = 'Bearer realm="abitare"'


def identity() -> IdentityStore:
    return current_app.extensions["abitare_identity"]


# -- actors -----------------------------------------------------------------------------------
def operator_actor(operator: Operator) -> Actor:
    return Actor(sub=f"operator:{operator.username}", role=operator.role,
                 comuni=operator.comuni, name=operator.display_name)


def client_actor(client: ApiClient) -> Actor:
    return Actor(sub=f"client:{client.client_id}", role=MUNICIPAL_CLIENT, comuni=client.comuni,
                 name=client.name)


def system_actor(purpose: str = "gateway") -> Actor:
    return Actor(sub=f"system:{purpose}", role=SYSTEM, comuni=(), name="Abitare gateway")


# -- bearer tokens ----------------------------------------------------------------------------
def _token_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(client: ApiClient) -> dict:
    token = _token_serializer().dumps({"cid": client.client_id, "fp": client.secret_fingerprint})
    return {"access_token": token, "token_type": "Bearer",
            "expires_in": int(current_app.config["TOKEN_MAX_AGE"])}


def client_from_token(token: str) -> ApiClient:
    try:
        data = _token_serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise _unauthenticated("The access token has expired.", error="invalid_token") from None
    except BadSignature:
        raise _unauthenticated("The access token is not valid.", error="invalid_token") from None
    client = identity().get_client(data.get("cid", "")) if isinstance(data, dict) else None
    if client is None or not hmac.compare_digest(client.secret_fingerprint, data.get("fp", "")):
        raise _unauthenticated("The access token is not valid.", error="invalid_token")
    return client


def basic_credentials() -> tuple[str, str] | None:
    """``(user, password)`` from an ``Authorization: Basic`` header, if there is one."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
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
    if "operator" not in g:
        username = session.get(SESSION_OPERATOR_KEY)
        g.operator = identity().get_operator(username) if username else None
    return g.operator


def api_actor() -> Actor:
    """The actor of an API request: bearer token first, else a signed-in operator; else 401."""
    if "actor" in g:
        return g.actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer":
        g.actor = client_actor(client_from_token(token.strip()))
    elif (operator := current_operator()) is not None:
        g.actor = operator_actor(operator)
    else:
        raise _unauthenticated("Authentication required: send a bearer token.")
    return g.actor


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


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_operator() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


def safe_next(target: str | None, default: str) -> str:
    """Only local paths: never redirect a freshly signed-in operator to another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
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
