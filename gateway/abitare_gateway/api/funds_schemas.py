"""The HTTP shapes of a household's ISEE aid (the funds service owns every rule: the field and
consistency checks, the estimate with its dated parameters, which ISEE applies). Money in
integer cents."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_DB_CENTS = 2_147_483_647  # funds keeps amounts in 32-bit INTEGER columns: € 21.474.836,47
CENTS = {"strict": True, "validate": validate.Range(min=0, max=MAX_DB_CENTS)}
RELATIONS = ("genitore", "figlio", "altro")
DISABILITIES = ("nessuna", "media", "grave", "non_autosufficienza")
CERTIFIED_TYPES = (
    "ordinario",
    "corrente",
    "minorenni",
    "universitario",
    "sociosanitario",
    "sociosanitario_residenziale",
)
REGIMES = ("ordinario", "misure_famiglia_2026")


def _cents(description: str | None = None, **kw):
    return fields.Integer(
        **CENTS, metadata={"description": description} if description else {}, **kw
    )


def _optional_cents(description: str | None = None):
    return _cents(description, load_default=None, allow_none=True)


class DsuMemberIn(Schema):
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    minor = fields.Boolean(load_default=False)
    under_3 = fields.Boolean(load_default=False, metadata={"description": "A child under 3."})
    worked_6_months = fields.Boolean(
        load_default=False, metadata={"description": "A parent who worked at least 6 months."}
    )
    disability = fields.String(load_default="nessuna", validate=validate.OneOf(DISABILITIES))
    employment_income_cents = _cents("Yearly employment income.", load_default=0)
    pension_income_cents = _cents(load_default=0)
    other_income_cents = _cents(load_default=0)
    exempt_income_cents = _cents(load_default=0)
    maintenance_received_cents = _cents(load_default=0)
    foreign_income_cents = _cents(load_default=0)
    maintenance_paid_cents = _cents(load_default=0)


class DsuRentIn(Schema):
    registered = fields.Boolean(load_default=False, metadata={"description": "A registered lease."})
    annual_rent_cents = _optional_cents()


class DsuFinancialIn(Schema):
    deposits_balance_cents = _cents("Deposits at 31 December.", load_default=0)
    deposits_average_cents = _cents("Deposits' average yearly balance.", load_default=0)
    other_financial_cents = _cents(load_default=0)
    state_bonds_cents = _cents(load_default=0)


class DsuPropertyIn(Schema):
    main_home = fields.Boolean(load_default=False)
    imu_value_cents = _optional_cents("The IMU value; else give rendita and category.")
    rendita_cents = _optional_cents()
    category = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^[ABCD]/[0-9]{1,2}$")
    )
    mortgage_cents = _cents(load_default=0)


class DsuIn(Schema):
    members = fields.List(
        fields.Nested(DsuMemberIn), required=True, validate=validate.Length(min=1, max=20)
    )
    rent = fields.Nested(DsuRentIn, load_default=dict)
    financial = fields.Nested(DsuFinancialIn, load_default=dict)
    properties = fields.List(
        fields.Nested(DsuPropertyIn), load_default=list, validate=validate.Length(max=20)
    )
    home_in_capoluogo = fields.Boolean(load_default=False)


class IseeEstimateIn(Schema):
    dsu = fields.Nested(DsuIn, required=True)
    computed_on = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "The day whose parameters apply; today (Milan) if absent."},
    )
    regime = fields.String(load_default="ordinario", validate=validate.OneOf(REGIMES))


class CertifiedIseeIn(Schema):
    protocol = fields.String(
        required=True,
        validate=validate.Regexp(r"^INPS-ISEE-[0-9]{4}-[0-9A-Z]{5,20}-[0-9]{2}$"),
        metadata={"description": "The DSU protocol number, INPS-ISEE-2026-00012345A-00."},
    )
    kind = fields.String(load_default="ordinario", validate=validate.OneOf(CERTIFIED_TYPES))
    regime = fields.String(load_default="ordinario", validate=validate.OneOf(REGIMES))
    isee_cents = _cents(required=True)
    ise_cents = _optional_cents()
    isr_cents = _optional_cents()
    isp_cents = _optional_cents()
    scale = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[0-9]{1,2}([.][0-9]{1,2})?$"),
        metadata={"description": "The scala di equivalenza, e.g. 2.66."},
    )
    dsu_date = fields.Date(required=True, metadata={"description": "Valid from this day."})
    valid_until = fields.Date(required=True, metadata={"description": "Inclusive."})


class IseeListArgs(Schema):
    on = fields.Date(
        load_default=None, metadata={"description": "The day to choose the ISEE for; today."}
    )


class ParameterOut(Schema):
    name = fields.String()
    value = fields.String()
    denominator = fields.Integer()
    valid_from = fields.String(metadata={"format": "date"})
    valid_to = fields.String(allow_none=True, metadata={"format": "date"})
    regime = fields.String()
    source = fields.String()
    to_verify = fields.Boolean(metadata={"description": 'Shown as "da verificare".'})


class _IseeRecordOut(Schema):
    id = fields.String()
    source = fields.String(validate=validate.OneOf(("certificato", "stimato")))
    label = fields.String()
    regime = fields.String()
    isee_cents = fields.Integer()
    ise_cents = fields.Integer(allow_none=True)
    isr_cents = fields.Integer(allow_none=True)
    isp_cents = fields.Integer(allow_none=True)
    scale = fields.String(allow_none=True)
    pseudonymised_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class CertifiedIseeOut(_IseeRecordOut):
    protocol = fields.String(allow_none=True)
    kind = fields.String(validate=validate.OneOf(CERTIFIED_TYPES))
    dsu_date = fields.String(metadata={"format": "date"})
    valid_until = fields.String(metadata={"format": "date"})
    valid = fields.Boolean(metadata={"description": "Valid on the day asked (today)."})
    recorded_at = fields.String(metadata={"format": "date-time"})
    recorded_by = fields.String()


class IseeEstimateOut(_IseeRecordOut):
    computed_on = fields.String(metadata={"format": "date"})
    to_verify = fields.Boolean(metadata={"description": "A parameter used is to be verified."})
    dsu = fields.Dict(allow_none=True, metadata={"description": "The DSU figures entered."})
    result = fields.Dict(
        allow_none=True,
        metadata={"description": "ISR with each deduction, ISP, scala with its maggiorazioni."},
    )
    parameters = fields.List(fields.Nested(ParameterOut))
    created_at = fields.String(metadata={"format": "date-time"})
    created_by = fields.String()


class ApplicableIseeOut(Schema):
    kind = fields.String(validate=validate.OneOf(("certificato", "stimato")))
    label = fields.String(metadata={"description": "ISEE certificato or ISEE stimato."})
    isee_cents = fields.Integer()
    record = fields.Dict()


class IseeListOut(Schema):
    referral_id = fields.String()
    on = fields.String(metadata={"format": "date"})
    applicable = fields.Nested(ApplicableIseeOut, allow_none=True)
    certified = fields.List(fields.Nested(CertifiedIseeOut))
    estimates = fields.List(fields.Nested(IseeEstimateOut))
