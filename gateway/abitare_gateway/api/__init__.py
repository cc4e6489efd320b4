"""``/api/v1``: the REST API for the comuni's systems (flask-smorest, OpenAPI 3).

The OpenAPI document is at ``/api/v1/openapi.json``, the interactive docs (Swagger UI, served
from this gateway's static files) at ``/api/v1/docs``.
"""

from __future__ import annotations

import http

from flask import Flask, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import BadRequest

from ..errors import PROBLEM_CONTENT_TYPE, Problem
from .schemas import ProblemOut

API_PREFIX = "/api/"
FORM_ENDPOINTS = {"auth.token"}  # OAuth2 clients send form-encoded token requests
BODY_METHODS = {"POST", "PUT", "PATCH"}


class AbitareApi(Api):
    """flask-smorest's Api with RFC 9457 problem details as the documented error shape; the
    error handlers themselves are :mod:`abitare_gateway.errors`' (for the whole app)."""

    ERROR_SCHEMA = ProblemOut

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def check_request_body():
    """415 for a body that is not JSON (or a form, for the token endpoint), 400 for bad JSON."""
    if request.method not in BODY_METHODS or not request.path.startswith(API_PREFIX):
        return
    has_body = (
        bool(request.content_length)
        or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    )
    if not has_body and not request.mimetype:
        return
    allowed = {"application/json"}
    if request.endpoint in FORM_ENDPOINTS:
        allowed.add("application/x-www-form-urlencoded")
    mimetype = request.mimetype or ""
    if mimetype not in allowed and not (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    ):
        raise Problem(
            415,
            f"Send the body as {' or '.join(sorted(allowed))}.",
            headers={"Accept-Post": ", ".join(sorted(allowed))},
        )
    if mimetype != "application/x-www-form-urlencoded" and has_body:
        try:
            request.get_json(force=True)
        except BadRequest:
            raise Problem(400, "The request body is not valid JSON.") from None


def init_app(app: Flask) -> Api:
    from . import (
        auth,
        case_funds,
        cases,
        commission,
        comuni,
        fotografia,
        funds_guarantee,
        funds_ledger,
        partner,
        partner_referrals,
        partners,
        projects,
        referrals,
        rent_fund,
        webhooks,
        worklist,
    )

    api = AbitareApi(app)
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "Token from POST /api/v1/auth/token"},
    )
    api.spec.components.security_scheme(
        "basicAuth",
        {
            "type": "http",
            "scheme": "basic",
            "description": "client_id and client_secret, for the token endpoint",
        },
    )
    app.before_request(check_request_body)
    for blueprint in (
        auth.blp,
        referrals.blp,
        comuni.blp,
        cases.blp,
        projects.blp,
        commission.blp,
        worklist.blp,
        fotografia.blp,
        partners.blp,
        partner.blp,
        partner_referrals.blp,
        partner_referrals.inbox,
        webhooks.blp,
        rent_fund.blp,
        rent_fund.cases,
        funds_ledger.blp,
        case_funds.blp,
        funds_guarantee.blp,
    ):
        api.register_blueprint(blueprint)
    return api
