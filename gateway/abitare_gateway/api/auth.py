"""``POST /api/v1/auth/token``: client credentials -> bearer token."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import basic_credentials, identity, issue_token, now, throttled_check
from ..errors import Problem
from .schemas import TokenOut, TokenRequest

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/api/v1/auth",
    description="Access tokens for the comuni's systems (OAuth 2 client credentials)",
)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@blp.route("/token", endpoint="token")
class Token(MethodView):
    @blp.doc(
        security=[{"basicAuth": []}, {}],
        summary="Obtain an access token",
        description="Send `client_id` and `client_secret` with HTTP Basic authentication "
        "or in the body (JSON or form). The token is valid for `expires_in` "
        "seconds; send it as `Authorization: Bearer <token>`.",
    )
    @blp.arguments(TokenRequest, location="json_or_form")
    @blp.response(200, TokenOut)
    @blp.alt_response(401, description="Wrong client_id or client_secret")
    @blp.alt_response(
        429,
        description="Too many failed attempts for this client or from this "
        "address: retry after `Retry-After` seconds",
    )
    def post(self, body):
        credentials = basic_credentials() or (body.get("client_id"), body.get("client_secret"))
        client_id, secret = credentials
        client = (
            throttled_check(
                "client",
                client_id,
                lambda: identity().authenticate_client(client_id, secret, now()),
            )
            if client_id and secret
            else None
        )
        if client is None:
            raise Problem(
                401,
                "Unknown client or wrong secret.",
                headers={"WWW-Authenticate": 'Basic realm="abitare"', **NO_STORE},
            )
        return issue_token(client), NO_STORE
