"""The HTTP shapes of /api/v1 (marshmallow 4); the OpenAPI document is generated from them.

The gateway checks the shape (types, formats, lengths, codice fiscale checksum, ISTAT format);
the rules (which comuni exist, one head of household, ...) are intake's.
"""

from __future__ import annotations

from marshmallow import (
    EXCLUDE,
    INCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from .. import labels
from ..validators import codice_fiscale_error

ISTAT = validate.Regexp(r"^[0-9]{6}$", error="Must be a 6-digit ISTAT code.")
MAX_CENTS = 100_000_000  # as intake's: a monthly amount, one million euro
MAX_PAGE = 100_000  # as intake's: an offset past it overflowed the database (502)


class Contains(validate.Regexp):
    """A pattern found anywhere in the value, as JSON Schema's ``pattern`` means it."""

    def __call__(self, value):
        if self.regex.search(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# One character that is not whitespace in Python (intake strips text) nor in JSON Schema's
# regular expressions, spelled out so that both dialects read the same set.
NOT_BLANK = Contains(
    r"[^\t\n\x0b\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
    r"\u205f\u3000\ufeff]",
    error="Must not be blank.",
)
# The same as intake's (intake/schemas/referrals.py), which checks it again.
PHONE = validate.Regexp(r"^\+?[0-9][0-9 ./-]{4,38}$", error="Not a valid phone number.")
ISO_DATE_OR_DATETIME = validate.Regexp(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?)?$",
    error="Must be an ISO date or date-time.",
)


def one_of(table: dict) -> validate.OneOf:
    """A closed vocabulary of intake's (infra/contracts/vocabulary.json): an enum in the
    OpenAPI document, the same codes intake accepts."""
    return validate.OneOf(list(table))


def _codice_fiscale(value: str) -> None:
    error = codice_fiscale_error(value, italian=False)
    if error:
        raise ValidationError(error)


class Cents(fields.Integer):
    def __init__(self, **kwargs):
        super().__init__(
            strict=True,
            validate=validate.Range(min=0, max=MAX_CENTS),
            allow_none=True,
            metadata={"description": "Euro cents (integer)."},
            **kwargs,
        )


# -- requests -------------------------------------------------------------------------------
class MemberIn(Schema):
    codice_fiscale = fields.String(
        required=True,
        validate=_codice_fiscale,
        metadata={
            "example": "RSSMRA80A01F205X",
            "pattern": "^[A-Za-z0-9]{16}$",
            "description": "A person's codice fiscale with a valid check character; distinct "
            "within the household.",
        },
    )
    first_name = fields.String(required=True, validate=[validate.Length(min=1, max=100), NOT_BLANK])
    last_name = fields.String(required=True, validate=[validate.Length(min=1, max=100), NOT_BLANK])
    birth_date = fields.Date(
        required=True,
        metadata={"description": "Not after the day the referral is received, not before 1900."},
    )
    relation = fields.String(
        required=True,
        validate=one_of(labels.RELATION),
        metadata={
            "description": f"Exactly one member is {labels.HEAD_OF_HOUSEHOLD}.",
            "example": labels.HEAD_OF_HOUSEHOLD,
        },
    )


class ReferralIn(Schema):
    comune_istat = fields.String(
        required=True,
        validate=ISTAT,
        metadata={"example": "015195", "description": "One of your comuni (403 otherwise)."},
    )
    referring_body = fields.String(required=True, validate=one_of(labels.REFERRING_BODY))
    referring_body_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    problem_reported = fields.String(
        required=True,
        validate=one_of(labels.PROBLEM_REPORTED),
        metadata={"example": "sfratto_esecutivo"},
    )
    housing_situation = fields.String(
        required=True,
        validate=one_of(labels.HOUSING_SITUATION),
        metadata={"example": "sfratto_in_corso"},
    )
    description = fields.String(allow_none=True, validate=validate.Length(max=4000))
    eviction_date = fields.Date(allow_none=True)
    received_at = fields.String(
        allow_none=True,
        validate=[validate.Length(max=40), ISO_DATE_OR_DATETIME],
        metadata={
            "description": "When the comune received or wrote the scheda "
            "(ISO date or date-time, not in the future); default: now. Lets a comune "
            "send the date on its scheda and historical referrals be imported.",
            "example": "2025-04-14",
        },
    )
    monthly_net_income_cents = Cents()
    monthly_rent_cents = Cents()
    contact_phone = fields.String(allow_none=True, validate=[validate.Length(max=40), PHONE])
    idempotency_key = fields.String(
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "Same client + same key returns the first referral. "
            "The Idempotency-Key header sets it too; if both are sent, "
            "they are equal."
        },
    )
    household = fields.List(
        fields.Nested(MemberIn), required=True, validate=validate.Length(min=1, max=20)
    )


class IdempotencyHeader(Schema):
    class Meta:
        unknown = EXCLUDE

    idempotency_key = fields.String(
        data_key="Idempotency-Key", validate=validate.Length(min=1, max=100)
    )


class ReferralListArgs(Schema):
    """The search: every criterion given must hold. Each search is a read of the personal data
    it lists, audited like any other."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))
    comune = fields.String(
        load_default=None,
        validate=ISTAT,
        metadata={"description": "Only this comune (ISTAT code)."},
    )
    last_name = fields.String(
        validate=[validate.Length(min=1, max=100), NOT_BLANK],
        metadata={
            "description": "Surname of any household member, from its start; case, accents, "
            "spaces and apostrophes are ignored (\"d'ang\" finds D'Angelo)."
        },
    )
    first_name = fields.String(
        validate=[validate.Length(min=1, max=100), NOT_BLANK],
        metadata={"description": "First name of any household member, as last_name."},
    )
    codice_fiscale = fields.String(
        validate=_codice_fiscale,
        metadata={
            "pattern": "^[A-Za-z0-9]{16}$",
            "description": "Codice fiscale of any household member, exactly (any case); "
            "with a valid check character.",
        },
    )
    status = fields.String(validate=one_of(labels.REFERRAL_STATUS))
    grade = fields.Integer(
        validate=validate.Range(min=1, max=4),
        metadata={"description": "Current grade of the case (operators only)."},
    )
    assigned_to = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "The operator the case is assigned to (their actor id, e.g. "
            "operator:anna; operators only)."
        },
    )
    received_from = fields.Date(metadata={"description": "Received on or after this day (Milan)."})
    received_to = fields.Date(
        metadata={
            "description": "Received on or before this day (Milan), not before received_from."
        }
    )

    @validates_schema
    def ordered(self, data, **kwargs):
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise ValidationError("Must not precede received_from.", "received_to")


class TokenRequest(Schema):
    class Meta:
        unknown = EXCLUDE

    grant_type = fields.String(
        validate=validate.Equal("client_credentials"),
        metadata={"description": "Optional; client_credentials."},
    )
    client_id = fields.String(validate=validate.Length(max=64))
    client_secret = fields.String(validate=validate.Length(max=200))


# -- responses ------------------------------------------------------------------------------
class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_in = fields.Integer(metadata={"example": 3600})


class CodiceFiscaleWarningOut(Schema):
    code = fields.String(
        metadata={
            "description": "codice_fiscale_birth_date_mismatch | codice_fiscale_name_mismatch"
        }
    )
    severity = fields.String(metadata={"description": "warning | notice (the softer)"})
    encoded = fields.String(metadata={"description": "what the code encodes"})
    declared = fields.String(allow_none=True, metadata={"description": "the birth date given"})
    expected = fields.String(allow_none=True, metadata={"description": "the letters expected"})


class MemberOut(Schema):
    codice_fiscale = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    birth_date = fields.String(metadata={"format": "date"})
    relation = fields.String()
    codice_fiscale_warnings = fields.List(
        fields.Nested(CodiceFiscaleWarningOut),
        metadata={
            "description": "A valid codice fiscale that contradicts the member's birth date "
            "(warning) or name (notice): stored, flagged for the coordinator"
        },
    )


class ReferralOut(Schema):
    id = fields.String()
    comune_istat = fields.String()
    comune_name = fields.String()
    received_at = fields.String(metadata={"format": "date-time"})
    status = fields.String(metadata={"example": "ricevuta"})
    referring_body = fields.String()
    referring_body_name = fields.String(allow_none=True)
    problem_reported = fields.String()
    housing_situation = fields.String()
    description = fields.String(allow_none=True)
    eviction_date = fields.String(allow_none=True, metadata={"format": "date"})
    monthly_net_income_cents = fields.Integer(allow_none=True)
    monthly_rent_cents = fields.Integer(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    household = fields.List(fields.Nested(MemberOut))
    household_size = fields.Integer()
    minors = fields.Integer()
    over_65 = fields.Integer()
    submitted_by = fields.String()


class ReferralSummaryOut(Schema):
    id = fields.String()
    comune_istat = fields.String()
    comune_name = fields.String()
    received_at = fields.String(metadata={"format": "date-time"})
    status = fields.String()
    referring_body = fields.String()
    problem_reported = fields.String()
    housing_situation = fields.String()
    household_size = fields.Integer()
    current_grade = fields.Integer(
        allow_none=True, metadata={"description": "Operators only (absent for comuni)."}
    )
    assigned_to = fields.String(
        allow_none=True, metadata={"description": "Operators only (absent for comuni)."}
    )
    head_name = fields.String()


class ReferralPageOut(Schema):
    items = fields.List(fields.Nested(ReferralSummaryOut))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class ComuneOut(Schema):
    istat = fields.String(metadata={"example": "015195"})
    name = fields.String(metadata={"example": "San Giuliano Milanese"})


class AffordabilityOut(Schema):
    monthly_rent_cents = fields.Integer(allow_none=True)
    monthly_net_income_cents = fields.Integer(allow_none=True)
    rent_to_income_ratio = fields.String(allow_none=True, metadata={"example": "0.4500"})
    threshold = fields.String(metadata={"example": "0.30"})
    outcome = fields.String(
        metadata={"description": "sostenibile | non_sostenibile | non_valutabile"}
    )
    explanation = fields.String()


class FundsFileOut(Schema):
    referral_id = fields.String()
    comune_istat = fields.String()
    opened_at = fields.String(metadata={"format": "date-time"})
    affordability = fields.Nested(AffordabilityOut)


class HousingNeedOut(Schema):
    referral_id = fields.String()
    comune_istat = fields.String()
    comune_name = fields.String()
    household_size = fields.Integer()
    minors = fields.Integer()
    over_65 = fields.Integer()
    housing_situation = fields.String()
    eviction_date = fields.String(allow_none=True, metadata={"format": "date"})
    recorded_at = fields.String(metadata={"format": "date-time"})


class DeliveryOut(Schema):
    partner_code = fields.String()
    partner_name = fields.String()
    event_type = fields.String()
    event_id = fields.String()
    fields_ = fields.Raw(
        data_key="fields",
        attribute="fields",
        metadata={"description": "What the partner received, as its convention allows."},
    )
    queued_at = fields.String(metadata={"format": "date-time"})


SECTION_STATUS = validate.OneOf(("disponibile", "in_attesa", "non_disponibile"))
STATUS_DESCRIPTION = (
    "disponibile: the service answered (data); in_attesa: no record yet; "
    "non_disponibile: the service is down, slow or failed"
)


def _section(name: str, data_field) -> type[Schema]:
    return Schema.from_dict(
        {
            "status": fields.String(
                validate=SECTION_STATUS, metadata={"description": STATUS_DESCRIPTION}
            ),
            "data": data_field,
        },
        name=name,
    )


class OverviewOut(Schema):
    referral_id = fields.String()
    referral = fields.Nested(
        _section("ReferralSection", fields.Nested(ReferralOut, allow_none=True))
    )
    funds_file = fields.Nested(
        _section("FundsFileSection", fields.Nested(FundsFileOut, allow_none=True))
    )
    housing_need = fields.Nested(
        _section("HousingNeedSection", fields.Nested(HousingNeedOut, allow_none=True))
    )
    partner_deliveries = fields.Nested(
        _section(
            "PartnerDeliveriesSection", fields.List(fields.Nested(DeliveryOut), allow_none=True)
        )
    )


class FieldErrorOut(Schema):
    """One field's error: its ``code``, the code's params (``min``, ``max``...) and ``message``."""

    class Meta:
        unknown = INCLUDE  # the code's params

    code = fields.String(metadata={"example": "codice_fiscale_checksum"})
    message = fields.String(metadata={"example": "Invalid codice fiscale checksum."})


class ProblemOut(Schema):
    """RFC 9457 problem details (``application/problem+json``), with the error's ``code`` and
    ``details`` (its params); extension members may follow (RFC 9457 section 3.2)."""

    class Meta:
        unknown = INCLUDE  # extension members

    type = fields.String(metadata={"example": "urn:abitare:problem:invalid-input"})
    title = fields.String(metadata={"example": "Unprocessable Content"})
    status = fields.Integer(metadata={"example": 422})
    code = fields.String(
        metadata={"description": "The error's code (stable, for programs)", "example": "not_found"}
    )
    detail = fields.String()
    details = fields.Dict(
        keys=fields.String(), metadata={"description": "The code's params, e.g. the id not found"}
    )
    instance = fields.String(metadata={"example": "/api/v1/referrals"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(FieldErrorOut)),
        metadata={
            "description": "422 only: coded errors by field path",
            "example": {
                "household.0.codice_fiscale": [
                    {
                        "code": "codice_fiscale_checksum",
                        "message": "Invalid codice fiscale checksum.",
                    }
                ]
            },
        },
    )
