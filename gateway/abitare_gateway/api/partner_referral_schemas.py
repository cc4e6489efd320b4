"""The HTTP shapes of consents and partner referrals (the partners service owns every rule:
which partner, service and comune a convention allows, what a consent covers, the states)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

SERVICE = validate.Regexp(r"^[a-z_]{2,60}$")
PARTNER = validate.Regexp(r"^[A-Za-z0-9_-]{2,20}$")
CATEGORIES = ("anagrafica", "contatti", "dati_economici")
STATES = ("inviato", "accettato", "rifiutato", "in_corso", "concluso", "ritirato", "non_inviato")


class ConsentIn(Schema):
    partner_code = fields.String(required=True, validate=PARTNER)
    service = fields.String(required=True, validate=SERVICE)
    categories = fields.List(
        fields.String(validate=validate.OneOf(CATEGORIES)),
        required=True,
        validate=validate.Length(min=1, max=3),
        metadata={"description": "The data the household agrees to share with that partner."},
    )
    given_by = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The member who gave it, name as given."},
    )
    given_on = fields.Date(required=True)
    valid_until = fields.Date(required=True, metadata={"description": "Inclusive."})


class ConsentWithdrawalIn(Schema):
    withdrawn_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    withdrawn_on = fields.Date(required=True)


class ConsentOut(Schema):
    id = fields.String()
    partner_code = fields.String()
    service = fields.String()
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)))
    given_by = fields.String()
    given_on = fields.String(metadata={"format": "date"})
    valid_until = fields.String(metadata={"format": "date"})
    recorded_at = fields.String(metadata={"format": "date-time"})
    recorded_by = fields.String()
    withdrawn_on = fields.String(allow_none=True, metadata={"format": "date"})
    withdrawn_by = fields.String(allow_none=True)
    valid_today = fields.Boolean()
    lapse = fields.String(allow_none=True)


class PartnerReferralIn(Schema):
    partner_code = fields.String(required=True, validate=PARTNER)
    service = fields.String(required=True, validate=SERVICE)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class WithdrawalIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class StepOut(Schema):
    at = fields.String(metadata={"format": "date-time"})
    state = fields.String(validate=validate.OneOf(STATES))
    update = fields.String()
    outcome = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class AgencyStepOut(StepOut):
    by = fields.String()
    outcome_label = fields.String(allow_none=True)


class PartnerReferralOut(Schema):
    id = fields.String()
    partner_code = fields.String(allow_none=True)
    service = fields.String()
    service_label = fields.String()
    action_id = fields.String(allow_none=True)
    convention_code = fields.String(allow_none=True)
    convention_version = fields.Integer(allow_none=True)
    consent_id = fields.String(allow_none=True)
    fields_ = fields.List(
        fields.String(),
        data_key="fields",
        attribute="fields",
        metadata={"description": "What the partner received (convention grant ∩ consent)."},
    )
    state = fields.String(validate=validate.OneOf(STATES))
    state_label = fields.String()
    refusal = fields.Dict(allow_none=True, metadata={"description": "non_inviato: why"})
    outcome = fields.String(allow_none=True)
    outcome_label = fields.String(allow_none=True)
    sent_at = fields.String(metadata={"format": "date-time"})
    respond_by = fields.String(allow_none=True, metadata={"format": "date"})
    overdue = fields.Boolean()
    steps = fields.List(fields.Nested(AgencyStepOut))


class PartnerUpdateIn(Schema):
    update = fields.String(
        required=True,
        validate=validate.OneOf(("accept", "decline", "outcome")),
        metadata={"description": "decline needs a reason; outcome needs an outcome code."},
    )
    outcome = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[a-z_]{2,60}$"),
        metadata={"description": "One of the referral's outcomes_allowed."},
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class PartnerViewOut(Schema):
    id = fields.String()
    household_ref = fields.String(metadata={"description": "The household, for this partner."})
    service = fields.String()
    state = fields.String(validate=validate.OneOf(STATES))
    outcome = fields.String(allow_none=True)
    respond_by = fields.String(allow_none=True, metadata={"format": "date"})
    sent_at = fields.String(metadata={"format": "date-time"})
    data = fields.Dict(metadata={"description": "What the convention allows, nothing more."})
    outcomes_allowed = fields.List(fields.String())
    steps = fields.List(fields.Nested(StepOut))
