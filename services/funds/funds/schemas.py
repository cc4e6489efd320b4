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


# -- garanzia: the landlord guarantee fund (RPC inputs) ---------------------------------------
from abitare_chassis.schemas import Schema as _CodedSchema  # noqa: E402

from .domain.guarantee import REQUIRED_DOCUMENTS as _GUARANTEE_DOCUMENTS  # noqa: E402

_ID = validate.Length(min=1, max=36)
_MONEY = {"required": True, "strict": True, "validate": validate.Range(min=0, max=10**11)}
_KEY = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))


class GuaranteeCaseQuery(_CodedSchema):
    referral_id = fields.String(required=True, validate=_ID)
    purpose = purpose_field()


class GuaranteeEnrolment(_CodedSchema):
    landlord_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    dwelling_address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    monthly_rent_cents = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=10**9)
    )
    start_date = fields.Date(required=True)
    duration_months = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=240)
    )
    attestazione = fields.Boolean(required=True)
    gross_annual_income_cents = fields.Integer(**_MONEY)
    idempotency_key = _KEY


class GuaranteeClaimIn(_CodedSchema):
    arrears_from = fields.Date(required=True)
    dwelling_recovered_on = fields.Date(load_default=None, allow_none=True)
    filed_on = fields.Date(load_default=None, allow_none=True)
    unpaid_rent_cents = fields.Integer(**_MONEY)
    legal_costs_cents = fields.Integer(**_MONEY)
    recovered_cents = fields.Integer(**_MONEY)
    deposit_kept_cents = fields.Integer(**_MONEY)
    documents = fields.List(
        fields.String(validate=validate.OneOf(_GUARANTEE_DOCUMENTS)),
        load_default=list,
        validate=validate.Length(max=len(_GUARANTEE_DOCUMENTS)),
    )
    idempotency_key = _KEY


class GuaranteeRefusal(_CodedSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class GuaranteePlanIn(_CodedSchema):
    months = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=240))
    first_due_on = fields.Date(required=True)


class GuaranteeInstalmentMark(_CodedSchema):
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=240))
    status = fields.String(required=True, validate=validate.OneOf(["paid", "missed"]))
    on = fields.Date(load_default=None, allow_none=True)


class GuaranteeDay(_CodedSchema):
    on = fields.Date(load_default=None, allow_none=True)
