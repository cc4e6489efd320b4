"""Schemas of the Fondo Affitto API (``api/rent_fund.py``): money in integer cents."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_DB_CENTS = 2_147_483_647  # funds keeps amounts in 32-bit INTEGER columns: € 21.474.836,47
CENTS = {"strict": True, "validate": validate.Range(min=0, max=MAX_DB_CENTS)}
OPTIONAL_CENTS = {**CENTS, "allow_none": True, "load_default": None}
OUTCOMES = ["soddisfatto", "non_soddisfatto", "dato_mancante"]


class RegulationOut(Schema):
    id = fields.String()
    code = fields.String(metadata={"example": "ambito-sgm"})
    version = fields.Integer()
    name = fields.String()
    comuni = fields.List(fields.String())
    valid_from = fields.String(metadata={"format": "date"})
    valid_to = fields.String(allow_none=True, metadata={"format": "date"})
    approved_by = fields.String(metadata={"description": "The act that approved it"})
    isee_ceiling_cents = fields.Integer()
    rent_burden_threshold = fields.String(allow_none=True, metadata={"example": "0.30"})
    min_lease_months = fields.Integer()
    residence_required = fields.Boolean()
    excluded_tenures = fields.List(fields.String())
    exclude_eviction_procedure = fields.Boolean()
    exclude_adequate_dwelling = fields.Boolean()
    grant_share = fields.String(metadata={"example": "1"})
    grant_months = fields.Integer()
    grant_cap_cents = fields.Integer()
    paid_to = fields.String(validate=validate.OneOf(["proprietario", "inquilino"]))
    required_documents = fields.List(fields.String())
    ranking = fields.List(fields.String())
    ranking_words = fields.String()
    legal_references = fields.Dict(keys=fields.String(), values=fields.String())
    to_verify = fields.List(
        fields.String(), metadata={"description": "Fields still 'da verificare'"}
    )


class WindowIn(Schema):
    regulation_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    budget_cents = fields.Integer(required=True, **CENTS)


class RentCriterionOut(Schema):
    code = fields.String()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    explanation = fields.String(metadata={"description": "Italian, for operators"})
    reference = fields.String(allow_none=True)
    to_verify = fields.Boolean()


class RentGrantOut(Schema):
    monthly_share_cents = fields.Integer()
    months = fields.Integer()
    uncapped_cents = fields.Integer()
    cap_cents = fields.Integer()
    amount_cents = fields.Integer()
    paid_to = fields.String()
    explanation = fields.String()


class ApplicationFacts(Schema):
    household_size = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1, max=30)
    )
    casa_grade = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1, max=4)
    )
    isee_cents = fields.Integer(**OPTIONAL_CENTS)
    isee_kind = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(["certificato", "stimato"])
    )
    isee_protocol = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=60)
    )
    monthly_rent_cents = fields.Integer(**OPTIONAL_CENTS)
    monthly_net_income_cents = fields.Integer(**OPTIONAL_CENTS)
    resident = fields.Boolean(allow_none=True, load_default=None)
    lease_registered = fields.Boolean(allow_none=True, load_default=None)
    lease_start = fields.Date(allow_none=True, load_default=None)
    tenure = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(["libero", "concordato", "sap", "sat", "riscatto"]),
    )
    eviction_procedure = fields.Boolean(allow_none=True, load_default=None)
    owns_adequate_dwelling = fields.Boolean(allow_none=True, load_default=None)
    documents = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        load_default=list,
        validate=validate.Length(max=30),
    )


class ApplicationIn(ApplicationFacts):
    window_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    application_id = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "The draft a project's fund_application action opened"},
    )


class ApplicationOut(ApplicationFacts):
    id = fields.String()
    referral_id = fields.String()
    comune_istat = fields.String()
    window_id = fields.String(allow_none=True)
    regulation_id = fields.String(allow_none=True)
    action_id = fields.String(allow_none=True)
    state = fields.String(
        validate=validate.OneOf(
            ["bozza", "presentata", "approvata", "non_finanziata", "esclusa", "pagata"]
        )
    )
    lease_start = fields.String(allow_none=True, metadata={"format": "date"})
    criteria = fields.List(fields.Nested(RentCriterionOut))
    eligibility = fields.String(
        allow_none=True, validate=validate.OneOf(["ammissibile", "non_ammissibile", "incompleta"])
    )
    grant = fields.Nested(RentGrantOut, allow_none=True)
    grant_cents = fields.Integer(allow_none=True)
    checked_on = fields.String(allow_none=True, metadata={"format": "date"})
    submitted_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    rank_position = fields.Integer(allow_none=True)
    rank_outcome = fields.String(allow_none=True)
    approved_cents = fields.Integer(allow_none=True)
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    paid_cents = fields.Integer()


class WindowOut(Schema):
    id = fields.String()
    regulation_id = fields.String()
    regulation_name = fields.String()
    title = fields.String()
    opens_on = fields.String(metadata={"format": "date"})
    closes_on = fields.String(metadata={"format": "date"})
    budget_cents = fields.Integer()
    state = fields.String(validate=validate.OneOf(["aperto", "chiuso", "graduatoria", "approvato"]))
    applications = fields.Integer(allow_none=True)
    ranking_state = fields.String(allow_none=True)
    ranking_total = fields.Integer(allow_none=True)
    ranking_done = fields.Integer(allow_none=True)
    funded_count = fields.Integer(allow_none=True)
    funded_cents = fields.Integer(allow_none=True)
    approved_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    committed_cents = fields.Integer(allow_none=True)


class WindowDetailOut(WindowOut):
    ranking_words = fields.String()
    items = fields.List(fields.Nested(ApplicationOut))


class RentPaymentIn(Schema):
    amount_cents = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_DB_CENTS)
    )
    paid_on = fields.Date(required=True)
    paid_to = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(["proprietario", "inquilino"])
    )
    reference = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
