"""marshmallow at the edge of the partners service: RPC inputs, and the keys it reads from the
referral event (everything else passes to the convention's filter untouched)."""

from __future__ import annotations

from marshmallow import (
    INCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from abitare_chassis.audit import purpose_field
from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import Schema as CodedSchema
from abitare_chassis.schemas import load

from .domain import lending
from .domain.conventions import CHANNELS, KINDS, STATUSES
from .domain.editing import REASON_REQUIRED
from .errors import ActionRequestInvalid, ConventionInvalid, ReferralEventInvalid


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


REFERENCE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # the partner's own ids


def _positive(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1), **kwargs)


class LenderStatusInput(Schema):
    """A lending partner's report (the gateway's ``LenderStatusIn``, checked again here); the
    rules of the loan are ``domain.lending``'s."""

    status_id = fields.String(required=True, validate=REFERENCE)
    loan_ref = fields.String(required=True, validate=REFERENCE)
    partner_referral_id = fields.String(required=True, validate=REFERENCE)
    product = fields.String(required=True, validate=validate.OneOf(lending.PRODUCTS))
    status = fields.String(required=True, validate=validate.OneOf(lending.STATUSES))
    occurred_on = fields.Date(required=True)
    amount_cents = _positive(load_default=None)
    instalments = _positive(load_default=None)
    instalment_cents = _positive(load_default=None)
    first_due_on = fields.Date(load_default=None)
    instalment_number = _positive(load_default=None)
    allowances = _positive(load_default=None)

    @validates_schema
    def what_the_status_needs(self, data, **_kwargs):
        needs = {
            lending.APPROVED: ("amount_cents", "instalments", "instalment_cents", "first_due_on"),
            lending.RESCHEDULED: ("instalments", "instalment_cents", "first_due_on"),
            lending.INSTALMENT_PAID: ("instalment_number",),
            lending.INSTALMENT_MISSED: ("instalment_number",),
        }.get(data.get("status"), ())
        missing = {name: [{"code": "required"}] for name in needs if data.get(name) is None}
        if missing:
            raise ValidationError(missing)


class LoanQuery(Schema):
    loan_ref = fields.String(required=True, validate=REFERENCE)


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


# -- consents and partner referrals --------------------------------------------------------
CASE_ID = validate.Length(min=1, max=36)
ISTAT = validate.Regexp(r"^[0-9]{6}$")


class CaseQuery(Schema):
    referral_id = fields.String(required=True, validate=CASE_ID)
    purpose = purpose_field()


class ConsentInput(PartnerQuery):
    referral_id = fields.String(required=True, validate=CASE_ID)
    comune_istat = fields.String(required=True, validate=ISTAT)
    service = fields.String(required=True, validate=validate.Length(min=1, max=60))
    categories = fields.List(fields.String(validate=validate.Length(max=30)), required=True)
    given_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    given_on = fields.Date(required=True)
    valid_until = fields.Date(required=True)


class ConsentWithdrawal(Schema):
    referral_id = fields.String(required=True, validate=CASE_ID)  # the case in the URL
    consent_id = fields.String(required=True, validate=CASE_ID)
    withdrawn_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    withdrawn_on = fields.Date(required=True)


class HouseholdInput(Schema):
    class Meta:
        unknown = INCLUDE  # the counts and, when the caller has them, the members

    size = fields.Integer(validate=validate.Range(min=1, max=50))
    minors = fields.Integer(validate=validate.Range(min=0, max=50))
    over_65 = fields.Integer(validate=validate.Range(min=0, max=50))
    members = fields.List(fields.Dict())


class PartnerReferralInput(PartnerQuery):
    """A referral from the case: the household's data the caller (the gateway, which read the
    case) offers; only what the convention and the consent allow is sent."""

    referral_id = fields.String(required=True, validate=CASE_ID)
    comune_istat = fields.String(required=True, validate=ISTAT)
    comune_name = fields.String(load_default=None, allow_none=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=60))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    household = fields.Nested(HouseholdInput, load_default=dict)
    contact = fields.Dict(load_default=dict)
    economics = fields.Dict(load_default=dict)


class ReferralWithdrawal(Schema):
    referral_id = fields.String(required=True, validate=CASE_ID)  # the case in the URL
    partner_referral_id = fields.String(required=True, validate=CASE_ID)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class PartnerUpdateInput(Schema):
    update = fields.String(required=True, validate=validate.OneOf(("accept", "decline", "outcome")))
    outcome = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ActionRequestSchema(Schema):
    """``intake.action_requested.v1``, read tolerantly: what a partner referral needs."""

    class Meta:
        unknown = INCLUDE

    referral_id = fields.UUID(required=True)
    comune_istat = fields.String(required=True, validate=ISTAT)
    action_id = fields.UUID(required=True)
    action_type = fields.String(required=True)
    partner_code = fields.String(load_default=None, allow_none=True)
    partner_service = fields.String(load_default=None, allow_none=True)
    household = fields.Dict(load_default=dict)


def read_action_request(event) -> dict | None:
    """The partner referral an ``intake.action_requested.v1`` asks for, or None when the action
    is not a partner referral (another service fulfils it)."""
    try:
        data = load(ActionRequestSchema(), event.data if isinstance(event.data, dict) else {})
    except InvalidInput as exc:
        raise ActionRequestInvalid(exc.errors) from None
    if data["action_type"] != "partner_referral":
        return None
    if event.tenant is not None and event.tenant != data["comune_istat"]:
        raise ActionRequestInvalid(
            {"comune_istat": [{"code": "tenant_mismatch", "tenant": event.tenant}]}
        )
    if event.actor is None or not event.actor.can_see(data["comune_istat"]):
        raise ActionRequestInvalid({"comune_istat": [{"code": "referral_out_of_actor_scope"}]})
    if not data["partner_code"]:
        raise ActionRequestInvalid({"partner_code": [{"code": "partner_required"}]})
    return {
        "referral_id": str(data["referral_id"]),
        "comune_istat": data["comune_istat"],
        "action_id": str(data["action_id"]),
        "partner_code": data["partner_code"].strip().upper(),
        "service": data["partner_service"],
        "household": {
            k: data["household"][k] for k in ("size", "minors", "over_65") if k in data["household"]
        },
    }
