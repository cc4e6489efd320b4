"""``/api/v1/cases/<id>/funds/guarantee``: the landlord guarantee fund of a case (fondo di
garanzia, funds' ``domain.guarantee``): enrol a canone concordato contract, file the landlord's
claim, pay or refuse it, the tenant's repayment plan and its instalments; and
``/api/v1/funds/guarantee/exposure``, what the running covers could still cost the fund.

Operators read, enrol and file claims; coordinators also pay, refuse, set plans, mark
instalments and read the exposure (funds says 403 otherwise). Comuni's systems get 404. A refused
enrolment is a 422 with ``code`` ``guarantee_entry_condition_not_met`` and the reasons in
``details.reasons`` (Italian, one per condition).
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from .. import guarantee_fund
from ..errors import Problem
from .access import checked_id, operator_actor_or_404
from .referrals import jsonable
from .schemas import IdempotencyHeader

blp = Blueprint(
    "funds_guarantee",
    __name__,
    url_prefix="/api/v1",
    description="The landlord guarantee fund of a case (fondo di garanzia), for operators",
)
DOCUMENTS = [
    "contratto_registrato",
    "prospetto_morosita",
    "verbale_rilascio",
    "fattura_legale_quietanzata",
]
MAX_DB_CENTS = 2_147_483_647  # funds keeps amounts in 32-bit INTEGER columns: € 21.474.836,47
CENTS = {"strict": True, "validate": validate.Range(min=0, max=MAX_DB_CENTS)}


def _date(description: str | None = None, **kwargs):
    return fields.Date(metadata={"description": description} if description else {}, **kwargs)


# -- answers ----------------------------------------------------------------------------------
class GuaranteeParameterOut(Schema):
    name = fields.String(metadata={"example": "guarantee_cover_months_of_rent"})
    value = fields.String(metadata={"example": "18"})
    valid_from = fields.String(metadata={"format": "date"})
    valid_to = fields.String(allow_none=True, metadata={"format": "date"})
    source = fields.String()
    to_verify = fields.Boolean(metadata={"description": "Da verificare: a secondary source"})


class InstalmentOut(Schema):
    number = fields.Integer()
    due_on = fields.String(metadata={"format": "date"})
    amount_cents = fields.Integer()
    status = fields.String(validate=validate.OneOf(["due", "paid", "missed"]))
    marked_on = fields.String(allow_none=True, metadata={"format": "date"})


class ClaimOut(Schema):
    id = fields.String()
    cover_id = fields.String()
    referral_id = fields.String()
    comune_istat = fields.String()
    arrears_from = fields.String(metadata={"format": "date"})
    dwelling_recovered_on = fields.String(metadata={"format": "date"})
    filed_on = fields.String(metadata={"format": "date"})
    unpaid_rent_cents = fields.Integer()
    legal_costs_cents = fields.Integer()
    recovered_cents = fields.Integer()
    deposit_kept_cents = fields.Integer()
    documents = fields.List(fields.String())
    owed_cents = fields.Integer(metadata={"description": "unpaid + legal - recovered - deposit"})
    cap_cents = fields.Integer()
    payable_cents = fields.Integer(metadata={"description": "min(owed, cap)"})
    explanation = fields.List(fields.String(), metadata={"description": "Italian, step by step"})
    status = fields.String(validate=validate.OneOf(["filed", "paid", "refused"]))
    filed_at = fields.String(metadata={"format": "date-time"})
    filed_by = fields.String()
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    decided_by = fields.String(allow_none=True)
    paid_cents = fields.Integer(allow_none=True)
    paid_on = fields.String(allow_none=True, metadata={"format": "date"})
    refusal_reason = fields.String(allow_none=True)
    instalments = fields.List(fields.Nested(InstalmentOut))


class CoverOut(Schema):
    id = fields.String()
    referral_id = fields.String()
    comune_istat = fields.String()
    landlord_name = fields.String(
        allow_none=True, metadata={"description": "None once pseudonymised"}
    )
    dwelling_address = fields.String(allow_none=True)
    monthly_rent_cents = fields.Integer()
    start_date = fields.String(metadata={"format": "date"})
    duration_months = fields.Integer()
    ends_on = fields.String(metadata={"format": "date", "description": "Inclusive"})
    attestazione = fields.Boolean()
    gross_annual_income_cents = fields.Integer(allow_none=True)
    eligible = fields.Boolean()
    rent_to_gross_income = fields.String(allow_none=True, metadata={"example": "0.2571"})
    cover_cap_cents = fields.Integer()
    paid_cents = fields.Integer()
    remaining_cents = fields.Integer()
    reasons = fields.List(fields.String(), metadata={"description": "Italian, per condition"})
    parameters = fields.List(fields.Nested(GuaranteeParameterOut))
    to_verify = fields.Boolean()
    created_at = fields.String(metadata={"format": "date-time"})
    created_by = fields.String()
    pseudonymised_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    claims = fields.List(fields.Nested(ClaimOut))


class GuaranteeOut(Schema):
    referral_id = fields.String()
    covers = fields.List(fields.Nested(CoverOut), metadata={"description": "Newest first"})


class ExposureOut(Schema):
    on = fields.String(metadata={"format": "date"})
    active_covers = fields.Integer()
    exposure_cents = fields.Integer(metadata={"description": "Sum of caps less paid"})


# -- requests ---------------------------------------------------------------------------------
class EnrolmentIn(Schema):
    landlord_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    dwelling_address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    monthly_rent_cents = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=10**9),
        metadata={"description": "Charges excluded"},
    )
    start_date = _date("The contract's start: the terms in force that day apply", required=True)
    duration_months = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=240)
    )
    attestazione = fields.Boolean(
        required=True, metadata={"description": "Attestazione di rispondenza on file"}
    )
    gross_annual_income_cents = fields.Integer(required=True, **CENTS)
    idempotency_key = fields.String(validate=validate.Length(min=1, max=100))


class ClaimIn(Schema):
    arrears_from = _date("The first unpaid month", required=True)
    dwelling_recovered_on = _date("The verbale di rilascio", allow_none=True)
    filed_on = _date("Default: today", allow_none=True)
    unpaid_rent_cents = fields.Integer(required=True, **CENTS)
    legal_costs_cents = fields.Integer(required=True, **CENTS)
    recovered_cents = fields.Integer(required=True, **CENTS)
    deposit_kept_cents = fields.Integer(required=True, **CENTS)
    documents = fields.List(fields.String(validate=validate.OneOf(DOCUMENTS)), required=True)
    idempotency_key = fields.String(validate=validate.Length(min=1, max=100))


class GuaranteePaymentIn(Schema):
    paid_on = _date("Default: today", allow_none=True)


class RefusalIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class PlanIn(Schema):
    months = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=240),
        metadata={"description": "At least the terms' minimum (12, da verificare)"},
    )
    first_due_on = _date(required=True)


class InstalmentMarkIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["paid", "missed"]))
    on = _date("Default: today", allow_none=True)


class ExposureQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    on = _date("Default: today")


@blp.before_request
def authenticate():
    operator_actor_or_404()


def _case(case_id: str) -> str:
    return checked_id(case_id, "case")


def _keyed(headers: dict, body: dict) -> dict:
    """The ``Idempotency-Key`` header as the body's ``idempotency_key`` (they must agree)."""
    header_key = headers.get("idempotency_key")
    if header_key:
        if body.get("idempotency_key") not in (None, header_key):
            raise Problem(
                422,
                "The request has invalid fields.",
                errors={"idempotency_key": ["Differs from the Idempotency-Key header."]},
            )
        body["idempotency_key"] = header_key
    return jsonable(body)


@blp.route("/cases/<case_id>/funds/guarantee")
class Guarantee(MethodView):
    @blp.response(200, GuaranteeOut)
    @blp.alt_response(404, description="No funds file of this case in your comuni")
    def get(self, case_id):
        """The case's guarantee covers, each with its claims and repayment plans

        Every read is audited by funds.
        """
        return guarantee_fund.get_guarantee(operator_actor_or_404(), _case(case_id))


@blp.route("/cases/<case_id>/funds/guarantee/covers")
class Covers(MethodView):
    @blp.arguments(IdempotencyHeader, location="headers")
    @blp.arguments(EnrolmentIn)
    @blp.response(201, CoverOut)
    @blp.alt_response(422, description="Entry conditions not met (details.reasons), bad fields")
    @blp.alt_response(404, description="No funds file of this case in your comuni")
    def post(self, headers, body, case_id):
        """Enrol a canone concordato contract in the guarantee fund

        Rent at most 30% of the tenant's gross annual income and the attestazione di
        rispondenza on file (figures da verificare). A retry with the same `Idempotency-Key`
        returns the cover enrolled the first time.
        """
        cover = guarantee_fund.enrol(operator_actor_or_404(), _case(case_id), _keyed(headers, body))
        return cover, 201


@blp.route("/cases/<case_id>/funds/guarantee/covers/<cover_id>/claims")
class Claims(MethodView):
    @blp.arguments(IdempotencyHeader, location="headers")
    @blp.arguments(ClaimIn)
    @blp.response(201, ClaimOut)
    @blp.alt_response(422, description="The claim cannot be filed (field errors), nothing stored")
    @blp.alt_response(404, description="No such cover on this case")
    def post(self, headers, body, case_id, cover_id):
        """File a landlord's claim on a cover

        Only after the dwelling is recovered, with the full eviction file; the fund pays what
        was not recovered, less the deposit kept, up to 18 monthly rents.
        """
        claim = guarantee_fund.file_claim(
            operator_actor_or_404(),
            _case(case_id),
            checked_id(cover_id, "cover"),
            _keyed(headers, body),
        )
        return claim, 201


def _claim(claim_id: str) -> str:
    return checked_id(claim_id, "claim")


@blp.route("/cases/<case_id>/funds/guarantee/claims/<claim_id>/payment")
class Payment(MethodView):
    @blp.arguments(GuaranteePaymentIn)
    @blp.response(200, ClaimOut)
    @blp.alt_response(403, description="Only coordinators pay claims")
    @blp.alt_response(409, description="The claim is paid or refused already")
    def post(self, body, case_id, claim_id):
        """Pay a filed claim (within what the cover may still pay)"""
        return guarantee_fund.pay_claim(
            operator_actor_or_404(), _case(case_id), _claim(claim_id), jsonable(body).get("paid_on")
        )


@blp.route("/cases/<case_id>/funds/guarantee/claims/<claim_id>/refusal")
class Refusal(MethodView):
    @blp.arguments(RefusalIn)
    @blp.response(200, ClaimOut)
    @blp.alt_response(403, description="Only coordinators refuse claims")
    @blp.alt_response(409, description="The claim is paid or refused already")
    def post(self, body, case_id, claim_id):
        """Refuse a filed claim, with the reason"""
        return guarantee_fund.refuse_claim(
            operator_actor_or_404(), _case(case_id), _claim(claim_id), body["reason"]
        )


@blp.route("/cases/<case_id>/funds/guarantee/claims/<claim_id>/repayment-plan")
class RepaymentPlan(MethodView):
    @blp.arguments(PlanIn)
    @blp.response(201, ClaimOut)
    @blp.alt_response(403, description="Only coordinators set repayment plans")
    @blp.alt_response(422, description="Too short, the claim is not paid, or it has a plan")
    def post(self, body, case_id, claim_id):
        """The tenant's plan to repay the fund: equal monthly instalments"""
        claim = guarantee_fund.create_plan(
            operator_actor_or_404(), _case(case_id), _claim(claim_id), jsonable(body)
        )
        return claim, 201


@blp.route("/cases/<case_id>/funds/guarantee/claims/<claim_id>/instalments/<int:number>")
class Instalment(MethodView):
    @blp.arguments(InstalmentMarkIn)
    @blp.response(200, ClaimOut)
    @blp.alt_response(403, description="Only coordinators mark instalments")
    @blp.alt_response(422, description="Not in the plan, or paid already")
    def put(self, body, case_id, claim_id, number):
        """Mark an instalment paid or missed"""
        mark = {**jsonable(body), "number": number}
        return guarantee_fund.mark_instalment(
            operator_actor_or_404(), _case(case_id), _claim(claim_id), mark
        )


@blp.route("/funds/guarantee/exposure")
class Exposure(MethodView):
    @blp.arguments(ExposureQuery, location="query")
    @blp.response(200, ExposureOut)
    @blp.alt_response(403, description="Only coordinators read the exposure")
    def get(self, args):
        """The fund's exposure in your comuni: what the running covers could still pay"""
        return guarantee_fund.exposure(operator_actor_or_404(), jsonable(args).get("on"))
