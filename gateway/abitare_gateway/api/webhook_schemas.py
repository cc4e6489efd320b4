"""The HTTP shapes of a partner's webhooks (``/api/v1/partners/{code}/webhooks``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .schemas import MAX_PAGE

OUTCOMES = ["delivered", "failed", "redirect", "gone"]


class WebhookIn(Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={
            "description": "HTTPS URL (HTTP only on the development hosts allowed by "
            "WEBHOOK_ALLOWED_HOSTS); private, loopback, link-local, multicast, reserved and "
            "unspecified addresses are refused (422 webhook_url_invalid)",
            "example": "https://partner.example.org/hooks/abitare",
        },
    )


class WebhookOut(Schema):
    id = fields.UUID()
    partner_code = fields.String()
    url = fields.String()
    enabled = fields.Boolean()
    disabled_reason = fields.String(
        allow_none=True,
        validate=validate.OneOf(["gone", "failures"]),
        metadata={"description": "gone: it answered 410; failures: a run of failed attempts"},
    )
    disabled_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    consecutive_failures = fields.Integer()
    pending = fields.Integer(metadata={"description": "Messages waiting to be delivered"})
    secret_rotated_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    previous_secret_until = fields.String(
        allow_none=True,
        metadata={"format": "date-time", "description": "Until then the previous secret signs too"},
    )
    created_at = fields.String(metadata={"format": "date-time"})
    created_by = fields.String()


class WebhookSecretOut(WebhookOut):
    secret = fields.String(
        metadata={
            "description": "whsec_<base64>: shown this once. Verify each request as Standard "
            "Webhooks says (HMAC-SHA256 over '{webhook-id}.{webhook-timestamp}.{body}')."
        }
    )


class AttemptOut(Schema):
    event_id = fields.String(metadata={"description": "The CloudEvent id, = webhook-id"})
    endpoint_id = fields.UUID()
    url = fields.String()
    attempt = fields.Integer()
    at = fields.String(metadata={"format": "date-time"})
    latency_ms = fields.Integer()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    status_code = fields.Integer(allow_none=True)
    error_class = fields.String(
        allow_none=True, metadata={"description": "timeout, connection_refused, url_refused, ..."}
    )
    excerpt = fields.String(allow_none=True, metadata={"description": "Start of the response"})


class AttemptPageOut(Schema):
    endpoint = fields.Nested(WebhookOut)
    items = fields.List(fields.Nested(AttemptOut))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class AttemptPageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ReplayIn(Schema):
    from_ = fields.AwareDateTime(data_key="from", metadata={"description": "Queued from"})
    to = fields.AwareDateTime(metadata={"description": "Queued until"})
    event_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        validate=validate.Length(min=1, max=1000),
    )


class ReplayOut(Schema):
    endpoint_id = fields.UUID()
    replayed = fields.Integer(metadata={"description": "Messages sent again (same event ids)"})
