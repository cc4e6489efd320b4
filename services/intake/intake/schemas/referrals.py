"""The shapes intake accepts and returns (marshmallow 4, on the chassis ``Schema``). Bad input
becomes :class:`~abitare_chassis.errors.InvalidInput` with coded errors by field path
(``household.0.codice_fiscale: [{"code": "codice_fiscale_checksum"}]``); unknown fields are
refused. Every validator here refuses with a code (``error=`` or :func:`field_error`)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from abitare_chassis.schemas import Schema, field_error

from ..adapters import reference
from ..domain import clock, codice_fiscale, household, lifecycle
from ..domain.vocabulary import HOUSING_SITUATIONS, PROBLEMS_REPORTED, REFERRING_BODIES, RELATIONS

MAX_PAGE_SIZE = 200
MAX_CENTS = 100_000_000  # one million euro a month
MAX_PAGE = 100_000  # a larger offset overflowed the database's integer
DEFAULT_PAGE_SIZE = 50
FUTURE_TOLERANCE = timedelta(minutes=2)  # clocks of the comuni's systems drift a little
OLDEST_YEAR = 2000
ISTAT_FORMAT = validate.Regexp(r"^[0-9]{6}$", error="istat_format")
PHONE_FORMAT = validate.Regexp(r"^\+?[0-9][0-9 ./-]{4,38}$", error="phone_format")


# -- fields ---------------------------------------------------------------------------------
class Text(fields.String):
    """A string without surrounding whitespace; blank optional text counts as absent."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and not self.required:
            return None
        return text

    def _validate(self, value):
        if value is not None:  # blank optional text became None: no length or format to check
            super()._validate(value)


class CodiceFiscale(fields.String):
    """A person's codice fiscale, checksum-checked, returned uppercase."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return codice_fiscale.normalize(value)
        except codice_fiscale.InvalidCodiceFiscale as exc:
            raise field_error(exc.code, **exc.params) from None


class Cents(fields.Integer):
    """An amount of euro cents: a whole number, never negative, never a float, at most
    ``MAX_CENTS`` (a monthly amount of a household; also what every service's column holds)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=validate.Range(min=0, max=MAX_CENTS), **kwargs)


class UtcDateTime(fields.DateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class DateOrDateTime(fields.Field):
    """An ISO date-time, or a date (read as midnight in Milan); a date-time without offset is
    Milan time. Returned as an aware datetime in UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            if isinstance(value, str) and len(value.strip()) == 10:
                day = fields.Date()._deserialize(value.strip(), attr, data, **kwargs)
                moment = datetime.combine(day, time(0), tzinfo=clock.LOCAL_TIMEZONE)
            else:
                moment = fields.DateTime()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            raise field_error("invalid_datetime") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.LOCAL_TIMEZONE)
        return moment.astimezone(UTC)


def not_in_future(moment: datetime) -> None:
    if moment > clock.now() + FUTURE_TOLERANCE:
        raise field_error("not_in_future")
    if moment.year < OLDEST_YEAR:
        raise field_error("too_old", min_year=OLDEST_YEAR)


def known_comune(value: str) -> None:
    try:
        ISTAT_FORMAT(value)
    except ValidationError:
        raise field_error("istat_format") from None
    if not reference.is_known(value):
        raise field_error("istat_unknown")


# -- input ----------------------------------------------------------------------------------
class MemberInput(Schema):
    codice_fiscale = CodiceFiscale(required=True)
    first_name = Text(required=True, validate=validate.Length(min=1, max=100))
    last_name = Text(required=True, validate=validate.Length(min=1, max=100))
    birth_date = fields.Date(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(list(RELATIONS)))

    @post_load
    def make_member(self, data, **kwargs):
        return household.Member(**data)


class ReferralInput(Schema):
    comune_istat = fields.String(required=True, validate=known_comune)
    referring_body = fields.String(required=True, validate=validate.OneOf(list(REFERRING_BODIES)))
    referring_body_name = Text(load_default=None, validate=validate.Length(max=200))
    problem_reported = fields.String(
        required=True, validate=validate.OneOf(list(PROBLEMS_REPORTED))
    )
    housing_situation = fields.String(
        required=True, validate=validate.OneOf(list(HOUSING_SITUATIONS))
    )
    description = Text(load_default=None, validate=validate.Length(max=4000))
    eviction_date = fields.Date(load_default=None)
    monthly_net_income_cents = Cents(load_default=None)
    monthly_rent_cents = Cents(load_default=None)
    contact_phone = Text(load_default=None, validate=PHONE_FORMAT)
    idempotency_key = Text(load_default=None, validate=validate.Length(max=100))
    received_at = DateOrDateTime(load_default=None, validate=not_in_future)
    household = fields.List(
        fields.Nested(MemberInput),
        required=True,
        validate=validate.Length(min=1, max=household.MAX_MEMBERS),
    )

    @validates_schema(skip_on_field_errors=False)
    def household_rules(self, data, **kwargs):
        members = data.get("household")
        # Run the rules only on a household that parsed cleanly (marshmallow may hand us the
        # raw items of a list that had errors).
        if members and all(isinstance(m, household.Member) for m in members):
            received = data.get("received_at") or clock.now()
            errors = household.problems(members, clock.local_date(received))
            if errors:
                raise ValidationError(errors)


class HouseholdCheck(Schema):
    """The members of a referral about to be sent, to warn before it is stored."""

    household = fields.List(
        fields.Nested(MemberInput),
        required=True,
        validate=validate.Length(min=1, max=household.MAX_MEMBERS),
    )


class PageQuery(Schema):
    page = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(
        strict=True,
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
    )


class ListReferralsQuery(PageQuery):
    """One page of the scoped list, narrowed by any of the search criteria (all must hold).
    Names match from their start on any member of the household (``household.search_key``);
    the codice fiscale exactly (case-insensitive); the period is of received days in Milan."""

    comune_istat = fields.String(load_default=None, validate=ISTAT_FORMAT)
    last_name = Text(load_default=None, validate=validate.Length(max=100))
    first_name = Text(load_default=None, validate=validate.Length(max=100))
    codice_fiscale = CodiceFiscale(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(list(lifecycle.STATUSES)))
    grade = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1, max=4))
    assigned_to = Text(load_default=None, validate=validate.Length(max=200))
    received_from = fields.Date(load_default=None)
    received_to = fields.Date(load_default=None)

    @validates_schema
    def ordered(self, data, **kwargs):
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise field_error("date_range_order", "received_from", after="received_to")

    @post_load
    def name_keys(self, data, **kwargs):
        for name in ("last_name", "first_name"):
            data[name] = household.search_key(data[name]) or None
        return data


# -- output ---------------------------------------------------------------------------------
class MemberOutput(Schema):
    codice_fiscale = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    birth_date = fields.Date()
    relation = fields.String()
    # ``[{code, severity, ...details}]``: what in the code contradicts the name or birth date
    codice_fiscale_warnings = fields.List(fields.Dict())


class ReferralOutput(Schema):
    id = fields.String()
    comune_istat = fields.String()
    comune_name = fields.String()
    received_at = UtcDateTime()
    status = fields.String()
    referring_body = fields.String()
    referring_body_name = fields.String()
    problem_reported = fields.String()
    housing_situation = fields.String()
    description = fields.String()
    eviction_date = fields.Date()
    monthly_net_income_cents = fields.Integer()
    monthly_rent_cents = fields.Integer()
    contact_phone = fields.String()
    household = fields.List(fields.Nested(MemberOutput))
    household_size = fields.Integer()
    minors = fields.Integer()
    over_65 = fields.Integer()
    submitted_by = fields.String()


class ReferralSummary(Schema):
    id = fields.String()
    comune_istat = fields.String()
    comune_name = fields.String()
    received_at = UtcDateTime()
    status = fields.String()
    referring_body = fields.String()
    problem_reported = fields.String()
    housing_situation = fields.String()
    household_size = fields.Integer()
    current_grade = fields.Integer(allow_none=True)
    assigned_to = fields.String(allow_none=True)
    head_name = fields.String()


class ReferralPage(Schema):
    items = fields.List(fields.Nested(ReferralSummary))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
