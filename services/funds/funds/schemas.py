"""marshmallow at the edge of the funds service: RPC inputs, and what it reads from
``intake.referral_received.v2`` (only the fields it needs, unknown fields ignored: consumers read
tolerantly, DESIGN.md §5)."""

from __future__ import annotations

from datetime import UTC, date

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from abitare_chassis.audit import purpose_field
from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import Schema as CodedSchema
from abitare_chassis.schemas import load

from .domain import arrears_relief as _arrears
from .domain.guarantee import REQUIRED_DOCUMENTS as _GUARANTEE_DOCUMENTS
from .domain.isee import CADASTRAL_CATEGORIES, CERTIFIED_TYPES, DISABILITIES, RELATIONS
from .domain.parameters import ISEE_REGIMES, ORDINARY
from .errors import ActionRequestInvalid, ReferralEventInvalid

MAX_DB_CENTS = 2_147_483_647  # funds keeps amounts in 32-bit INTEGER columns: € 21.474.836,47
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


# -- affitto: Fondo Affitto di Ambito ----------------------------------------------------------
CASE_ID = validate.Length(min=1, max=36)
MONEY = {"strict": True, "validate": validate.Range(min=0, max=MAX_DB_CENTS)}  # integer cents


class WindowInput(Schema):
    regulation_id = fields.String(required=True, validate=CASE_ID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    budget_cents = fields.Integer(required=True, **MONEY)


class ApplicationInput(Schema):
    """A household's application (or the completion of a project's draft)."""

    referral_id = fields.String(required=True, validate=CASE_ID)
    comune_istat = fields.String(required=True, validate=ISTAT)
    window_id = fields.String(required=True, validate=CASE_ID)
    application_id = fields.String(load_default=None, allow_none=True, validate=CASE_ID)
    idempotency_key = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=100)
    )
    household_size = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1, max=30)
    )
    casa_grade = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1, max=4)
    )
    isee_cents = fields.Integer(**CENTS)
    isee_kind = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(("certificato", "stimato"))
    )
    isee_protocol = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=60)
    )
    monthly_rent_cents = fields.Integer(**CENTS)
    monthly_net_income_cents = fields.Integer(**CENTS)
    resident = fields.Boolean(load_default=None, allow_none=True)
    lease_registered = fields.Boolean(load_default=None, allow_none=True)
    lease_start = fields.Date(load_default=None, allow_none=True)
    tenure = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(("libero", "concordato", "sap", "sat", "riscatto")),
    )
    eviction_procedure = fields.Boolean(load_default=None, allow_none=True)
    owns_adequate_dwelling = fields.Boolean(load_default=None, allow_none=True)
    documents = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        load_default=list,
        validate=validate.Length(max=30),
    )


class PaymentInput(Schema):
    amount_cents = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_DB_CENTS)
    )
    paid_on = fields.Date(required=True)
    paid_to = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(("proprietario", "inquilino"))
    )
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    idempotency_key = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=100)
    )


class CaseQuery(Schema):
    referral_id = fields.String(required=True, validate=CASE_ID)
    purpose = purpose_field()


class ActionRequestSchema(_Tolerant):
    """``intake.action_requested.v1``, read tolerantly: what a draft application needs."""

    referral_id = fields.UUID(required=True)
    comune_istat = fields.String(required=True, validate=ISTAT)
    action_id = fields.UUID(required=True)
    action_type = fields.String(required=True)


def read_action_request(event) -> dict | None:
    """The draft application an ``intake.action_requested.v1`` asks for, or None when another
    service fulfils the action; ``ActionRequestInvalid`` (parked) when it cannot be read."""
    try:
        data = load(ActionRequestSchema(), event.data if isinstance(event.data, dict) else {})
    except InvalidInput as exc:
        raise ActionRequestInvalid(exc.errors) from None
    if data["action_type"] != "fund_application":
        return None
    if event.tenant is not None and event.tenant != data["comune_istat"]:
        raise ActionRequestInvalid(
            {"comune_istat": [{"code": "tenant_mismatch", "tenant": event.tenant}]}
        )
    return {
        "referral_id": str(data["referral_id"]),
        "comune_istat": data["comune_istat"],
        "action_id": str(data["action_id"]),
    }


# -- ledger: RPC inputs of the budget ledger (amounts, keys and reasons are checked by the rules
# and use cases, which refuse with coded errors: see usecases/ledger.py) -----------------------


class LedgerQuery(CodedSchema):
    year = fields.Integer(strict=True, allow_none=True, load_default=None)
    fund = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))


class LedgerLineQuery(CodedSchema):
    line_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


def _ledger_text(size: int, required: bool = True):
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=size))
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(max=size))


class LedgerMovementIn(CodedSchema):
    """A commitment, payment, correction or move: the fields the movement's kind needs."""

    line_id = _ledger_text(36)
    amount_cents = fields.Raw(required=True)  # whole cents: the rule says why not
    reason = fields.String(required=True, validate=validate.Length(max=2000))
    idempotency_key = _ledger_text(100)
    source_kind = _ledger_text(40, required=False)
    source_id = _ledger_text(36, required=False)
    commitment_id = _ledger_text(36, required=False)  # pay
    movement_id = _ledger_text(36, required=False)  # correct
    to_line_id = _ledger_text(36, required=False)  # move


class LedgerLineIn(CodedSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,79}$"))
    name = _ledger_text(300)
    fund = _ledger_text(40)
    action = _ledger_text(200, required=False)
    year = fields.Integer(required=True, strict=True)
    source = _ledger_text(40)
    source_act = _ledger_text(300, required=False)
    comune_istat = fields.String(required=True, validate=ISTAT)
    programmed_cents = fields.Raw(required=True)
    allocated_cents = fields.Raw(load_default=0)
    reason = fields.String(required=True, validate=validate.Length(max=2000))
    idempotency_key = _ledger_text(100)


# -- isee: the ISEE aid's RPC inputs ------------------------------------------------------------
# Field checks only; what is impossible *together* is the domain's (funds.domain.isee.check_dsu
# and funds.usecases.isee.check_certified). Amounts: integer cents, >= 0, up to 100 million euro.
MAX_CENTS = MAX_DB_CENTS
PROTOCOL = validate.Regexp(r"^INPS-ISEE-[0-9]{4}-[0-9A-Z]{5,20}-[0-9]{2}$", error="format")


def _cents(default=0, **kw):
    return fields.Integer(
        strict=True, load_default=default, validate=validate.Range(min=0, max=MAX_CENTS), **kw
    )


class DsuMemberIn(CodedSchema):
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    minor = fields.Boolean(load_default=False)
    under_3 = fields.Boolean(load_default=False)
    worked_6_months = fields.Boolean(load_default=False)
    disability = fields.String(load_default="nessuna", validate=validate.OneOf(DISABILITIES))
    employment_income_cents = _cents()
    pension_income_cents = _cents()
    other_income_cents = _cents()
    exempt_income_cents = _cents()
    maintenance_received_cents = _cents()
    foreign_income_cents = _cents()
    maintenance_paid_cents = _cents()


class DsuRentIn(CodedSchema):
    registered = fields.Boolean(load_default=False)
    annual_rent_cents = _cents(None, allow_none=True)


class DsuFinancialIn(CodedSchema):
    deposits_balance_cents = _cents()
    deposits_average_cents = _cents()
    other_financial_cents = _cents()
    state_bonds_cents = _cents()


class DsuPropertyIn(CodedSchema):
    main_home = fields.Boolean(load_default=False)
    imu_value_cents = _cents(None, allow_none=True)
    rendita_cents = _cents(None, allow_none=True)
    category = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(CADASTRAL_CATEGORIES)
    )
    mortgage_cents = _cents()


class DsuIn(CodedSchema):
    """The DSU figures of a nucleo, as :func:`funds.domain.isee.estimate_isee` reads them."""

    members = fields.List(
        fields.Nested(DsuMemberIn), required=True, validate=validate.Length(min=1, max=20)
    )
    rent = fields.Nested(DsuRentIn, load_default=dict)
    financial = fields.Nested(DsuFinancialIn, load_default=dict)
    properties = fields.List(
        fields.Nested(DsuPropertyIn), load_default=list, validate=validate.Length(max=20)
    )
    home_in_capoluogo = fields.Boolean(load_default=False)


class IseeEstimateIn(CodedSchema):
    dsu = fields.Nested(DsuIn, required=True)
    # the day whose parameters apply (None: today in Milan); the DPCM 159 ISEE starts in 2015
    computed_on = fields.Date(
        load_default=None, allow_none=True, validate=validate.Range(min=date(2015, 1, 1))
    )
    regime = fields.String(load_default=ORDINARY, validate=validate.OneOf(ISEE_REGIMES))


class CertifiedIseeIn(CodedSchema):
    protocol = fields.String(required=True, validate=PROTOCOL)
    kind = fields.String(load_default="ordinario", validate=validate.OneOf(CERTIFIED_TYPES))
    regime = fields.String(load_default=ORDINARY, validate=validate.OneOf(ISEE_REGIMES))
    isee_cents = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=0, max=MAX_CENTS)
    )
    ise_cents = _cents(None, allow_none=True)
    isr_cents = _cents(None, allow_none=True)
    isp_cents = _cents(None, allow_none=True)
    scale = fields.Decimal(
        load_default=None,
        allow_none=True,
        places=2,
        as_string=True,
        validate=validate.Range(min=1, max=20),
    )
    dsu_date = fields.Date(required=True)
    valid_until = fields.Date(required=True)


class IseeQuery(Schema):
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    on = fields.Date(load_default=None, allow_none=True)
    purpose = purpose_field()


# -- morosità incolpevole: RPC inputs (coded errors, unknown fields refused) ------------------
_NOTE = {"allow_none": True, "validate": validate.Length(max=2000)}
_MAYBE_CENTS = {"strict": True, "allow_none": True, "validate": validate.Range(min=0)}
_ASKED_CENTS = {"strict": True, "load_default": 0, "validate": validate.Range(min=0)}
_MONTHS = {"strict": True, "load_default": 0, "validate": validate.Range(min=0, max=120)}


class ArrearsStageInput(CodedSchema):
    stage = fields.String(required=True, validate=validate.OneOf(_arrears.STAGES))
    on = fields.Date(required=True)
    due_on = fields.Date(allow_none=True, load_default=None)
    hardship = fields.Boolean(load_default=False)
    note = fields.String(load_default=None, **_NOTE)


class ArrearsFactsInput(CodedSchema):
    """The facts of the access criteria; a field left out keeps what the file has."""

    cause = fields.String(allow_none=True, validate=validate.OneOf(tuple(_arrears.CAUSES)))
    cause_note = fields.String(**_NOTE)
    income_loss_on = fields.Date(allow_none=True)
    ise_cents = fields.Integer(**_MAYBE_CENTS)
    isee_cents = fields.Integer(**_MAYBE_CENTS)
    monthly_rent_cents = fields.Integer(**_MAYBE_CENTS)
    monthly_net_income_cents = fields.Integer(**_MAYBE_CENTS)
    lease_registered = fields.Boolean(allow_none=True)
    lease_start = fields.Date(allow_none=True)
    cadastral_category = fields.String(allow_none=True, validate=validate.Length(max=4))
    resident_since = fields.Date(allow_none=True)
    citizenship = fields.String(allow_none=True, validate=validate.OneOf(_arrears.CITIZENSHIPS))
    residence_permit_valid = fields.Boolean(allow_none=True)
    owns_adequate_dwelling_in_province = fields.Boolean(allow_none=True)
    member_over_70 = fields.Boolean(allow_none=True)
    member_minor = fields.Boolean(allow_none=True)
    member_invalidity_74 = fields.Boolean(allow_none=True)
    social_care_plan = fields.Boolean(allow_none=True)


class ArrearsCriteriaInput(ArrearsFactsInput):
    on = fields.Date(load_default=None)  # the day of the check; today by default


class ArrearsOpenInput(ArrearsStageInput):
    cause = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(tuple(_arrears.CAUSES))
    )
    cause_note = fields.String(load_default=None, **_NOTE)
    income_loss_on = fields.Date(allow_none=True, load_default=None)
    facts = fields.Nested(ArrearsFactsInput, load_default=dict)


class ArrearsContributionInput(CodedSchema):
    on = fields.Date(load_default=None)
    arrears_cents = fields.Integer(**_ASKED_CENTS)
    lease_end = fields.Date(allow_none=True, load_default=None)
    landlord_renounces_eviction = fields.Boolean(load_default=False)
    deferral_months = fields.Integer(**_MONTHS)
    monthly_rent_cents = fields.Integer(**_ASKED_CENTS)
    landlord_defers_eviction = fields.Boolean(load_default=False)
    deposit_cents = fields.Integer(**_ASKED_CENTS)
    new_lease_months = fields.Integer(**_MONTHS)
    new_monthly_rent_cents = fields.Integer(**_ASKED_CENTS)
    new_lease_concordato = fields.Boolean(load_default=False)


class EvictionsDueQuery(CodedSchema):
    until = fields.Date(required=True)
    purpose = purpose_field()


# -- garanzia: the landlord guarantee fund (RPC inputs) ---------------------------------------


_ID = validate.Length(min=1, max=36)
_MONEY = {"required": True, "strict": True, "validate": validate.Range(min=0, max=MAX_DB_CENTS)}
_KEY = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))


class GuaranteeCaseQuery(CodedSchema):
    referral_id = fields.String(required=True, validate=_ID)
    purpose = purpose_field()


class GuaranteeEnrolment(CodedSchema):
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


class GuaranteeClaimIn(CodedSchema):
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


class GuaranteeRefusal(CodedSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class GuaranteePlanIn(CodedSchema):
    months = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=240))
    first_due_on = fields.Date(required=True)


class GuaranteeInstalmentMark(CodedSchema):
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=240))
    status = fields.String(required=True, validate=validate.OneOf(["paid", "missed"]))
    on = fields.Date(load_default=None, allow_none=True)


class GuaranteeDay(CodedSchema):
    on = fields.Date(load_default=None, allow_none=True)
