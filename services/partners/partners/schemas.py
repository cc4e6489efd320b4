"""Input read at the edges of the partners service (RPC arguments, the referral event)."""
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from .exceptions import ReferralEventInvalid, SubscriptionInvalid


class SubscribeSchema(Schema):
    partner_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    event_type = fields.String(required=True, validate=validate.Length(min=1, max=200))


def read_subscription(partner_code, event_type) -> dict:
    try:
        data = SubscribeSchema().load({"partner_code": partner_code, "event_type": event_type})
    except ValidationError as exc:
        raise SubscriptionInvalid(exc.messages) from None
    data["partner_code"] = data["partner_code"].strip().upper()
    return data


class ReferralKeysSchema(Schema):
    """The keys a delivery is filed under; everything else passes to the filter untouched."""
    class Meta:
        unknown = INCLUDE

    referral_id = fields.UUID(required=True)
    comune_istat = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))


def read_referral_keys(event) -> dict:
    """``{"referral_id", "comune_istat"}`` of a verified referral event."""
    try:
        data = ReferralKeysSchema().load(event.data if isinstance(event.data, dict) else {})
    except ValidationError as exc:
        raise ReferralEventInvalid(exc.messages) from None
    if event.tenant is not None and event.tenant != data["comune_istat"]:
        raise ReferralEventInvalid({"comune_istat": ["differs from the event tenant"]})
    return {"referral_id": str(data["referral_id"]), "comune_istat": data["comune_istat"]}
