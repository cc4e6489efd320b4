"""The HTTP shapes of the partner API (``/api/v1/partner/...``): what a partner's system sends
and reads. The gateway checks the shape; the rules (the loan's state machine, the products'
dated limits, the partner's convention) are the partners service's."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_LOAN_CENTS = 100_000_000  # the shape's bound; the products' limits are the service's
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
REFERENCE = validate.Regexp(REFERENCE_PATTERN, error="1-64 letters, digits, '.', '_' or '-'.")
PRODUCTS = ("microcredito", "anticipazione_sociale")
STATUSES = (
    "approved",
    "disbursed",
    "instalment_paid",
    "instalment_missed",
    "rescheduled",
    "repaid",
    "written_off",
)


def _cents(description: str, **kwargs) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_LOAN_CENTS),
        metadata={"description": f"{description} Euro cents (integer), positive."},
        **kwargs,
    )


def _count(description: str, maximum: int, **kwargs) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=maximum),
        metadata={"description": description},
        **kwargs,
    )


class LenderStatusIn(Schema):
    status_id = fields.String(
        required=True,
        validate=REFERENCE,
        metadata={
            "description": "The partner's own id of this status report: a retry with the same "
            "id changes nothing and answers as the first time."
        },
    )
    loan_ref = fields.String(
        required=True, validate=REFERENCE, metadata={"description": "The partner's loan reference."}
    )
    partner_referral_id = fields.String(
        required=True,
        validate=REFERENCE,
        metadata={"description": "The referral (sent to this partner) the loan answers."},
    )
    product = fields.String(required=True, validate=validate.OneOf(PRODUCTS))
    status = fields.String(
        required=True,
        validate=validate.OneOf(STATUSES),
        metadata={
            "description": "approved and rescheduled carry the plan (instalments, "
            "instalment_cents, first_due_on; approved also amount_cents); instalment_paid and "
            "instalment_missed name the instalment_number."
        },
    )
    occurred_on = fields.Date(required=True, metadata={"description": "When it happened."})
    amount_cents = _cents(
        "approved: the amount lent; disbursed: the amount paid out (default: as approved); "
        "instalment_paid: the amount paid (default: the plan's instalment).",
        load_default=None,
    )
    instalments = _count("Monthly instalments of the plan.", 600, load_default=None)
    instalment_cents = _cents("The amount of each instalment.", load_default=None)
    first_due_on = fields.Date(load_default=None, metadata={"description": "First due date."})
    instalment_number = _count("The instalment (1 = the plan's first).", 600, load_default=None)
    allowances = _count(
        "anticipazione_sociale: the monthly allowances (CIGS, CIG in deroga, solidarietà) "
        "the advance covers.",
        24,
        load_default=None,
    )


class LenderStatusOut(Schema):
    status_id = fields.String()
    status = fields.String()
    occurred_on = fields.String(metadata={"format": "date"})
    amount_cents = fields.Integer(allow_none=True)
    instalments = fields.Integer(allow_none=True)
    instalment_cents = fields.Integer(allow_none=True)
    first_due_on = fields.String(allow_none=True, metadata={"format": "date"})
    instalment_number = fields.Integer(allow_none=True)
    allowances = fields.Integer(allow_none=True)
    state_after = fields.String(metadata={"description": "The loan's state after this status."})
    reported_at = fields.String(metadata={"format": "date-time"})


class LoanOut(Schema):
    loan_ref = fields.String()
    partner_referral_id = fields.String()
    product = fields.String()
    state = fields.String(metadata={"description": "approved, disbursed, repaid or written_off."})
    amount_cents = fields.Integer()
    disbursed_cents = fields.Integer()
    repaid_cents = fields.Integer()
    outstanding_cents = fields.Integer()
    instalments = fields.Integer()
    instalment_cents = fields.Integer()
    first_due_on = fields.String(metadata={"format": "date"})
    plan = fields.Integer(metadata={"description": "1 at approval, + 1 at each rescheduling."})
    paid_instalments = fields.List(fields.Integer())
    missed_instalments = fields.List(fields.Integer())
    history = fields.List(fields.Nested(LenderStatusOut), metadata={"description": "Oldest first."})
