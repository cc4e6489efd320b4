"""marshmallow at the edge of the partners service: RPC inputs, and the keys it reads from the
referral event (everything else passes to the convention's filter untouched)."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, post_load, validate

from abitare_chassis.audit import purpose_field
from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import Schema as CodedSchema
from abitare_chassis.schemas import load

from .domain.conventions import CHANNELS, KINDS, STATUSES
from .domain.editing import REASON_REQUIRED
from .errors import ConventionInvalid, ReferralEventInvalid


# -- RPC inputs -------------------------------------------------------------------------------
class PartnerQuery(Schema):
    partner_code = fields.String(required=True, validate=validate.Length(min=1, max=20))

    @post_load
    def normalise(self, data, **_kwargs):
        data["partner_code"] = data["partner_code"].strip().upper()
        return data


class SubscribeInput(PartnerQuery):
    event_type = fields.String(required=True, validate=validate.Length(min=1, max=200))


class DeliveriesQuery(Schema):
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    purpose = purpose_field()


class ConventionQuery(PartnerQuery):
    convention_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    expected_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


def _text(max_length: int):
    return fields.String(validate=validate.Length(min=1, max=max_length))


# a grant: {"fields": [dotted paths], "purpose": "why"} ("fields" cannot be a class attribute)
GrantInput = CodedSchema.from_dict(
    {
        "fields": fields.List(
            fields.String(validate=validate.Length(min=1, max=200)),
            required=True,
            validate=validate.Length(min=1),
        ),
        "purpose": fields.String(required=True, validate=validate.Length(min=1, max=300)),
    },
    name="GrantInput",
)


class ConventionChanges(CodedSchema):
    """The columns an edit changes (``domain.editing.EDITABLE``), each optional; the rules that
    need the catalogues are ``domain.editing.rule_errors``."""

    kind = fields.String(validate=validate.OneOf(sorted(KINDS)))
    title = _text(300)
    reference = _text(300)
    services = fields.List(fields.String(validate=validate.Length(min=1, max=60)))
    comuni = fields.List(
        fields.String(validate=validate.Regexp(r"^[0-9]{6}$", error="istat_format"))
    )
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    grants = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.Nested(GrantInput),
    )
    response_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=365))
    channels = fields.List(
        fields.String(validate=validate.OneOf(sorted(CHANNELS))), validate=validate.Length(min=1)
    )


class StatusChange(CodedSchema):
    status = fields.String(required=True, validate=validate.OneOf(sorted(STATUSES)))
    reason = fields.String(required=True, validate=validate.Length(max=300))


def read_changes(changes) -> dict:
    """The edit's columns, or ``ConventionInvalid`` with coded field errors."""
    try:
        return load(ConventionChanges(), changes if isinstance(changes, dict) else None)
    except InvalidInput as exc:
        raise ConventionInvalid(exc.errors) from None


def read_status_change(status, reason) -> dict:
    """``{"status", "reason"}`` of a suspension (``sospesa``) or resumption (``attiva``), the
    reason stripped; ``ConventionInvalid`` when it is empty."""
    try:
        change = load(StatusChange(), {"status": status, "reason": reason})
    except InvalidInput as exc:
        raise ConventionInvalid(exc.errors) from None
    change["reason"] = change["reason"].strip()
    if not change["reason"]:
        raise ConventionInvalid({"reason": [{"code": REASON_REQUIRED}]})
    return change


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
