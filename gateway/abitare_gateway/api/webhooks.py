"""``/api/v1/partners/{code}/webhooks``: a partner's webhook endpoints, their delivery log and
replays (coordinators; partners answers 403 to every other role)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import webhooks
from ..auth import api_actor
from ..errors import Problem
from .referrals import jsonable
from .webhook_schemas import (
    AttemptPageArgs,
    AttemptPageOut,
    ReplayIn,
    ReplayOut,
    WebhookIn,
    WebhookOut,
    WebhookSecretOut,
)

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/partners",
    description="Partners' webhook endpoints (Standard Webhooks), delivery log and replay",
)
COORDINATORS = "Only coordinators manage webhooks"
PARTNER_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def _code(value: str) -> str:
    """A path that cannot name a partner names none: 404, as for an unknown partner."""
    if not PARTNER_CODE.match(value):
        raise Problem(404, "No such partner.")
    return value


def _endpoint(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Problem(404, "No such webhook endpoint.") from None


@blp.before_request
def authenticate():
    api_actor()


@blp.route("/<code>/webhooks")
class Webhooks(MethodView):
    @blp.response(200, WebhookOut(many=True))
    @blp.alt_response(403, description=COORDINATORS)
    def get(self, code):
        """List a partner's webhook endpoints"""
        return webhooks.list_webhooks(api_actor(), _code(code))

    @blp.arguments(WebhookIn)
    @blp.response(201, WebhookSecretOut)
    @blp.alt_response(403, description=COORDINATORS)
    @blp.alt_response(409, description="Already registered at this URL (webhook_endpoint_exists)")
    @blp.alt_response(422, description="A URL that is not allowed (webhook_url_invalid)")
    def post(self, body, code):
        """Register a webhook endpoint: the answer shows its secret, this once

        Every copy the partner gets on its queue is also POSTed there as a CloudEvent
        (`application/cloudevents+json`) with the headers `webhook-id` (the CloudEvent id, the
        same on every retry and replay), `webhook-timestamp` and `webhook-signature`. Retried
        with exponential backoff and jitter for more than 24 hours; a 410 disables the endpoint.
        """
        created = webhooks.register_webhook(api_actor(), _code(code), body["url"])
        location = f"{blp.url_prefix}/{quote(code, safe='')}/webhooks/{created['id']}"
        return created, 201, {"Location": location}


@blp.route("/<code>/webhooks/<endpoint_id>/rotate-secret")
class RotateSecret(MethodView):
    @blp.response(200, WebhookSecretOut)
    @blp.alt_response(403, description=COORDINATORS)
    @blp.alt_response(404, description="No such endpoint for this partner")
    def post(self, code, endpoint_id):
        """Rotate the secret: the new one is shown this once; for 24 hours both sign"""
        return webhooks.rotate_secret(api_actor(), _code(code), _endpoint(endpoint_id))


@blp.route("/<code>/webhooks/<endpoint_id>/enable")
class Enable(MethodView):
    @blp.response(200, WebhookOut)
    @blp.alt_response(403, description=COORDINATORS)
    @blp.alt_response(404, description="No such endpoint for this partner")
    def post(self, code, endpoint_id):
        """Enable a disabled endpoint again: its waiting messages are sent at once"""
        return webhooks.enable_webhook(api_actor(), _code(code), _endpoint(endpoint_id))


@blp.route("/<code>/webhooks/<endpoint_id>/deliveries")
class Deliveries(MethodView):
    @blp.arguments(AttemptPageArgs, location="query")
    @blp.response(200, AttemptPageOut)
    @blp.alt_response(403, description=COORDINATORS)
    @blp.alt_response(404, description="No such endpoint for this partner")
    def get(self, args, code, endpoint_id):
        """The delivery log: every attempt, newest first"""
        return webhooks.deliveries(
            api_actor(),
            _code(code),
            _endpoint(endpoint_id),
            args["page"],
            args["page_size"],
        )


@blp.route("/<code>/webhooks/<endpoint_id>/replay")
class Replay(MethodView):
    @blp.arguments(ReplayIn)
    @blp.response(200, ReplayOut)
    @blp.alt_response(403, description=COORDINATORS)
    @blp.alt_response(404, description="No such endpoint for this partner")
    @blp.alt_response(422, description="Neither a window (from, to) nor event ids")
    def post(self, body, code, endpoint_id):
        """Send again what was queued in a window (`from`, `to`) or the chosen `event_ids`

        New attempts, the same event ids: the partner deduplicates by `webhook-id`.
        """
        return webhooks.replay(
            api_actor(),
            _code(code),
            _endpoint(endpoint_id),
            {"from" if k == "from_" else k: v for k, v in jsonable(body).items()},
        )
