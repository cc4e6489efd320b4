"""marshmallow at the edge of the funds service: RPC inputs, and what it reads from
``intake.referral_received.v2`` (only the fields it needs, unknown fields ignored: consumers read
tolerantly, DESIGN.md §5)."""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from abitare_chassis.audit import purpose_field
from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import load

from .errors import ReferralEventInvalid

ISTAT = validate.Regexp(r"^[0-9]{6}$")
CENTS = {
    "strict": True,
    "allow_none": True,
    "load_default": None,
    "validate": validate.Range(min=0),
}


# -- RPC inputs -------------------------------------------------------------------------------
class FundsFileQuery(Schema):
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    purpose = purpose_field()


# -- the consumed event ----------------------------------------------------------------------
class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class HouseholdSchema(_Tolerant):
    size = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1)
    )


class EconomicsSchema(_Tolerant):
    monthly_net_income_cents = fields.Integer(**CENTS)
    monthly_rent_cents = fields.Integer(**CENTS)


class ReferralReceivedSchema(_Tolerant):
    referral_id = fields.UUID(required=True)
    comune_istat = fields.String(required=True, validate=ISTAT)
    received_at = fields.Raw(load_default=None)  # read leniently below
    household = fields.Nested(HouseholdSchema, load_default=dict)
    economics = fields.Nested(EconomicsSchema, load_default=dict)


def read_referral(event) -> dict:
    """The referral facts of a verified CloudEvent, or :class:`ReferralEventInvalid`."""
    try:
        data = load(ReferralReceivedSchema(), event.data if isinstance(event.data, dict) else {})
    except InvalidInput as exc:
        raise ReferralEventInvalid(exc.errors) from None
    if event.tenant is not None and event.tenant != data["comune_istat"]:
        raise ReferralEventInvalid(
            {"comune_istat": [{"code": "tenant_mismatch", "tenant": event.tenant}]}
        )
    data["referral_id"] = str(data["referral_id"])
    data["received_at"] = _moment(data["received_at"]) or _moment(event.time)
    return data


def _moment(value):
    """An ISO date-time as an aware datetime (naive taken as UTC); None if absent or unreadable:
    the referral date only picks the rules in force, so a bad one must not lose the file."""
    try:
        return fields.AwareDateTime(default_timezone=UTC).deserialize(value)
    except ValidationError:
        return None
