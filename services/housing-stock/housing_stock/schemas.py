"""marshmallow at the edge of housing_stock: RPC inputs, and what it reads from
``intake.referral_received.v2`` (only the fields it needs, unknown fields ignored: consumers read
tolerantly, DESIGN.md §5)."""

from __future__ import annotations

from datetime import date

from marshmallow import EXCLUDE, Schema, fields, validate

from abitare_chassis.audit import purpose_field
from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import load

from .errors import ReferralEventInvalid

COUNT = {
    "strict": True,
    "allow_none": True,
    "load_default": None,
    "validate": validate.Range(min=0),
}


# -- RPC inputs -------------------------------------------------------------------------------
class HousingNeedQuery(Schema):
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    purpose = purpose_field()


# -- RPC inputs: the inventory (usecases/dwellings.py) --------------------------------------
ISTAT = validate.Regexp(r"^[0-9]{6}$", error="istat_format")
CODE = {"required": True, "validate": validate.Length(min=1, max=40)}


def _optional(field_class, **kw):
    return field_class(allow_none=True, load_default=None, **kw)


class DwellingQuery(Schema):
    comune_istat = _optional(fields.String, validate=ISTAT)
    tenure = _optional(fields.String)
    state = _optional(fields.String)
    min_bedrooms = _optional(fields.Integer, strict=True, validate=validate.Range(min=0))
    step_free = _optional(fields.Boolean)


class DwellingCode(Schema):
    code = fields.String(**CODE)


class DwellingInput(Schema):
    code = fields.String(**CODE)
    tenure = fields.String(required=True)
    owner = fields.String(required=True, validate=validate.Length(min=1, max=120))
    comune_istat = fields.String(required=True, validate=ISTAT)
    comune_name = _optional(fields.String, validate=validate.Length(max=100))
    address = _optional(fields.String, validate=validate.Length(max=200))
    bedrooms = fields.Integer(required=True, strict=True)
    area_m2 = fields.Integer(required=True, strict=True)
    floor = _optional(fields.Integer, strict=True)
    lift = fields.Boolean(load_default=False)
    step_free = fields.Boolean(load_default=False)
    monthly_rent_cents = fields.Integer(strict=True, load_default=0)
    monthly_charges_cents = fields.Integer(strict=True, load_default=0)
    note = _optional(fields.String, validate=validate.Length(max=300))
    state = _optional(fields.String)


class StateChange(Schema):
    code = fields.String(**CODE)
    state = fields.String(required=True)
    on = fields.Date(required=True)


class HouseholdToHouse(Schema):
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    monthly_net_income_cents = _optional(
        fields.Integer, strict=True, validate=validate.Range(min=0)
    )
    comune_istat = fields.String(required=True, validate=ISTAT)
    needs_step_free = fields.Boolean(load_default=False)
    acceptable_comuni = fields.List(fields.String(validate=ISTAT), load_default=list)


class ProposalQuery(Schema):
    household = fields.Nested(HouseholdToHouse, required=True)
    on = fields.Date(required=True)


class PersonInput(Schema):
    sex = fields.String(required=True, validate=validate.OneOf(["F", "M"]))
    age = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=130))


class PlacementInput(Schema):
    code = fields.String(**CODE)
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    household_size = _optional(fields.Integer, strict=True)
    starts_on = fields.Date(required=True)
    max_end_on = _optional(fields.Date)
    people = _optional(fields.List, cls_or_instance=fields.Nested(PersonInput))


class PlacementEnd(Schema):
    placement_id = fields.Integer(required=True, strict=True)
    ended_on = fields.Date(required=True)
    destination = fields.String(required=True)


class TenancyInput(Schema):
    code = fields.String(**CODE)
    canone_applicato_cents = fields.Integer(required=True, strict=True)
    monthly_services_cents = fields.Integer(strict=True, load_default=0)
    started_on = fields.Date(required=True)
    referral_id = _optional(fields.String, validate=validate.Length(min=1, max=36))


class TenancyEntryInput(Schema):
    tenancy_id = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True)
    on = fields.Date(required=True)
    amount_cents = fields.Integer(required=True, strict=True)


class TenancyDay(Schema):
    tenancy_id = fields.Integer(strict=True, load_default=None)
    on = fields.Date(required=True)


class SapApplicantInput(Schema):
    """What ``domain.sap_access.SapApplicant`` takes; every field optional (missing data are
    reported, not refused)."""

    household_size = _optional(fields.Integer, strict=True)
    citizenship = _optional(fields.String)
    permit_years = _optional(fields.Integer, strict=True)
    regular_work = _optional(fields.Boolean)
    resident_or_working_in_lombardia = _optional(fields.Boolean)
    years_resident_in_lombardia = _optional(fields.Integer, strict=True)
    isee_cents = _optional(fields.Integer, strict=True)
    patrimony_cents = _optional(fields.Integer, strict=True)
    pse = _optional(fields.Decimal, places=2)
    owns_adequate_dwelling = _optional(fields.Boolean)
    sap_decadenza_on = _optional(fields.Date)
    had_sap_decadenza = _optional(fields.Boolean)
    abusive_occupation = _optional(fields.Boolean)


class SapAccessQuery(Schema):
    applicant = fields.Nested(SapApplicantInput, required=True)
    on = fields.Date(required=True)


# -- the consumed event ----------------------------------------------------------------------
class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class HouseholdSchema(_Tolerant):
    size = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1)
    )
    minors = fields.Integer(**COUNT)
    over_65 = fields.Integer(**COUNT)


class ReferralReceivedSchema(_Tolerant):
    referral_id = fields.UUID(required=True)
    comune_istat = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))
    comune_name = fields.String(allow_none=True, load_default=None)
    housing_situation = fields.String(allow_none=True, load_default=None)
    eviction_date = fields.Raw(allow_none=True, load_default=None)  # checked below
    household = fields.Nested(HouseholdSchema, load_default=dict)


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
    data["eviction_date"] = _day(data["eviction_date"])
    return data


def _day(value):
    """A date from ``YYYY-MM-DD`` (a date-time's day is accepted too); a date that cannot be
    read is refused, not dropped: an eviction date must not get lost on the way."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else _bad()
    except ValueError:
        return _bad()


def _bad():
    raise ReferralEventInvalid({"eviction_date": [{"code": "date"}]})
