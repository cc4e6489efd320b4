"""marshmallow at the edge of the partners service: RPC inputs, and the keys it reads from the
referral event (everything else passes to the convention's filter untouched)."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, post_load, validate

from abitare_chassis.audit import purpose_field
from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import load

from .errors import ReferralEventInvalid


# -- RPC inputs -------------------------------------------------------------------------------
class PartnerQuery(Schema):
    partner_code = fields.String(required=True, validate=validate.Length(min=1, max=20))

    @post_load
    def normalise(self, data, **_kwargs):
        data["partner_code"] = data["partner_code"].strip().upper()
        return data


class SubscribeInput(PartnerQuery):
    event_type = fields.String(required=True, validate=validate.Length(min=1, max=200))


class WebhookInput(PartnerQuery):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class WebhookQuery(PartnerQuery):
    endpoint_id = fields.UUID(required=True)

    @post_load
    def as_text(self, data, **_kwargs):
        data["endpoint_id"] = str(data["endpoint_id"])
        return data


class WebhookLogQuery(WebhookQuery):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ReplayInput(WebhookQuery):
    from_ = fields.AwareDateTime(data_key="from", load_default=None)
    to = fields.AwareDateTime(load_default=None)
    event_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        load_default=None,
        validate=validate.Length(max=1000),
    )


class DeliveriesQuery(Schema):
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    purpose = purpose_field()


# -- the consumed event ----------------------------------------------------------------------
class ReferralKeysSchema(Schema):
    """The keys a delivery is filed under."""

    class Meta:
        unknown = INCLUDE

    referral_id = fields.UUID(required=True)
    comune_istat = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))


def read_referral_keys(event) -> dict:
    """``{"referral_id", "comune_istat"}`` of a verified referral event."""
    try:
        data = load(ReferralKeysSchema(), event.data if isinstance(event.data, dict) else {})
    except InvalidInput as exc:
        raise ReferralEventInvalid(exc.errors) from None
    if event.tenant is not None and event.tenant != data["comune_istat"]:
        raise ReferralEventInvalid(
            {"comune_istat": [{"code": "tenant_mismatch", "tenant": event.tenant}]}
        )
    return {"referral_id": str(data["referral_id"]), "comune_istat": data["comune_istat"]}
