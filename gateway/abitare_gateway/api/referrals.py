"""``/api/v1/referrals``: schede di attivazione, as intake keeps them, scoped to the caller's
comuni."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import backend, casework, overview
from ..auth import api_actor
from ..errors import Problem
from .case_schemas import CaseStatusOut
from .schemas import (
    IdempotencyHeader,
    OverviewOut,
    ReferralIn,
    ReferralListArgs,
    ReferralOut,
    ReferralPageOut,
)

blp = Blueprint(
    "referrals",
    __name__,
    url_prefix="/api/v1/referrals",
    description="Schede di attivazione (referrals) sent by the comuni",
)

REFERRAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@blp.before_request
def authenticate():
    api_actor()


def jsonable(value):
    """Dates as ISO strings, recursively: RPC payloads are JSON."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    return value


def checked_id(referral_id: str) -> str:
    if not REFERRAL_ID.match(referral_id):
        raise Problem(404, "No such referral.")
    return referral_id


@blp.route("")
class Referrals(MethodView):
    @blp.arguments(ReferralListArgs, location="query")
    @blp.response(200, ReferralPageOut)
    @blp.alt_response(403, description="grade or assigned_to asked by a comune's system")
    def get(self, args):
        """List or search the referrals of your comuni, newest first

        Every criterion given must hold; `grade` and `assigned_to` are for operators (a comune's
        system gets 403 with them).
        """
        search = {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in args.items()
            if name not in ("comune", "page", "page_size")
        }
        return backend.list_referrals(
            api_actor(),
            comune_istat=args["comune"],
            page=args["page"],
            page_size=args["page_size"],
            **search,
        )

    @blp.arguments(IdempotencyHeader, location="headers")
    @blp.arguments(ReferralIn)
    @blp.response(
        201,
        ReferralOut,
        headers={"Location": {"description": "The new referral", "schema": {"type": "string"}}},
    )
    @blp.alt_response(403, description="The comune is outside your scope")
    def post(self, headers, payload):
        """Send a scheda di attivazione

        A retry with the same `Idempotency-Key` header returns the referral created the first
        time instead of a second one.
        """
        actor = api_actor()  # intake validates the input first (422), then the scope (403)
        header_key = headers.get("idempotency_key")
        if header_key:
            body_key = payload.get("idempotency_key")
            if body_key and body_key != header_key:
                raise Problem(
                    422,
                    "The request has invalid fields.",
                    errors={"idempotency_key": ["Differs from the Idempotency-Key header."]},
                )
            payload["idempotency_key"] = header_key
        referral = backend.submit_referral(actor, jsonable(payload))
        location = f"{blp.url_prefix}/{quote(str(referral['id']), safe='')}"
        return referral, 201, {"Location": location}


@blp.route("/<referral_id>")
class Referral(MethodView):
    @blp.response(200, ReferralOut)
    @blp.alt_response(404, description="No such referral in your comuni")
    def get(self, referral_id):
        """Read one referral"""
        return backend.get_referral(api_actor(), checked_id(referral_id))


@blp.route("/<referral_id>/overview")
class ReferralOverview(MethodView):
    @blp.response(200, OverviewOut)
    @blp.alt_response(404, description="No such referral in your comuni")
    def get(self, referral_id):
        """What every service knows about one referral

        Sections: `referral` (intake), `funds_file` (funds), `housing_need` (housing_stock),
        `partner_deliveries` (partners). A service that is down or has not processed the
        referral yet gives its section `status` `non_disponibile` or `in_attesa` instead of
        failing the whole answer.
        """
        actor = api_actor()
        return overview.referral_overview(actor, checked_id(referral_id))


@blp.route("/<referral_id>/status")
class ReferralStatus(MethodView):
    @blp.response(200, CaseStatusOut)
    @blp.alt_response(404, description="No such referral among yours")
    def get(self, referral_id):
        """Where a referral stands (ricevuta, in_carico, informazioni_richieste, respinta,
        chiusa): what a comune's system may read of the case that follows its referral"""
        return casework.get_case_status(api_actor(), checked_id(referral_id))
