"""The shapes the case-path methods accept (marshmallow 4; unknown fields refused); what they
return is made plain JSON by the chassis ``jsonable``."""

from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate, validates_schema

from abitare_chassis.schemas import Schema, field_error

from ..domain import clock, commission, grading, lifecycle, project
from ..domain.vocabulary import DIARY_KINDS
from .referrals import ISTAT_FORMAT, MAX_PAGE, MAX_PAGE_SIZE, DateOrDateTime, Text, not_in_future

WORKLIST_SECTIONS = (
    "awaiting_triage",
    "overdue_actions",
    "evictions_within_30_days",
    "documents_expiring",
    "proposals_awaiting_commission",
    "awaiting_assignment",
)
WORKLIST_PAGE_SIZE = 10

ACTOR_SUB = validate.Length(min=1, max=200)
PARTNER_CODE = validate.Regexp(r"^[A-Za-z0-9_-]{2,20}$", error="partner_code_format")


class Strict(Schema):
    """Refuse unknown fields (the marshmallow default, stated); errors are codes (chassis)."""


class TriageInput(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(list(lifecycle.TRIAGE_OUTCOMES)))
    reason = Text(load_default=None, validate=validate.Length(max=4000))
    duplicates_acknowledged = fields.Boolean(load_default=False)

    @validates_schema
    def reason_when_needed(self, data, **kwargs):
        if data["outcome"] in lifecycle.TRIAGE_NEEDS_REASON and not data.get("reason"):
            raise field_error("reason_required", "reason", outcome=data["outcome"])


class AssignInput(Strict):
    """The assignee as the gateway's identity store knows it: its id, role and comuni."""

    operator_sub = Text(required=True, validate=ACTOR_SUB)
    role = fields.String(required=True, validate=validate.Length(min=1, max=30))
    comuni = fields.List(
        fields.String(validate=ISTAT_FORMAT), required=True, validate=validate.Length(max=200)
    )


class DiaryEntryInput(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(list(DIARY_KINDS)))
    occurred_at = DateOrDateTime(required=True, validate=not_in_future)
    text = Text(required=True, validate=validate.Length(min=1, max=10000))
    confidential = fields.Boolean(load_default=False)


class InterviewInput(Strict):
    scheduled_at = DateOrDateTime(required=True)
    location = Text(required=True, validate=validate.Length(min=1, max=200))
    participants = fields.List(
        Text(required=True, validate=validate.Length(min=1, max=200)),
        required=True,
        validate=validate.Length(min=1, max=20),
    )


IndicatorsInput = Strict.from_dict(
    {
        "eviction_stage": fields.String(
            load_default=None, allow_none=True, validate=validate.OneOf(grading.EVICTION_STAGES)
        ),
        "eviction_date": fields.Date(load_default=None, allow_none=True),
        "documents_expiring_on": fields.Date(load_default=None, allow_none=True),
        **{
            name: fields.Boolean(load_default=None, allow_none=True)
            for name in grading.BOOLEAN_INDICATORS
        },
    },
    name="IndicatorsInput",
)


class AssessmentInput(Strict):
    indicators = fields.Nested(IndicatorsInput, load_default=dict)
    confirmed_grade = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1, max=4)
    )
    override_reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    pis_situation = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(list(grading.PIS_SITUATIONS))
    )


class ActionInput(Strict):
    id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=36))
    type = fields.String(required=True, validate=validate.OneOf(list(project.ACTION_TYPES)))
    description = Text(required=True, validate=validate.Length(min=1, max=2000))
    responsible = fields.String(required=True, validate=validate.OneOf(list(project.RESPONSIBLE)))
    partner_code = fields.String(load_default=None, allow_none=True, validate=PARTNER_CODE)
    # partner_referral: the partner's service (partners' domain/offers.py code); partners checks
    # that the partner's convention offers it
    partner_service = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^[a-z_]{2,60}$")
    )
    due_date = fields.Date(load_default=None, allow_none=True)
    status = fields.String(
        load_default="da_avviare", validate=validate.OneOf(list(project.ACTION_STATUSES))
    )


class ProjectInput(Strict):
    objectives = fields.List(
        Text(required=True, validate=validate.Length(min=1, max=1000)),
        load_default=list,
        validate=validate.Length(max=30),
    )
    actions = fields.List(
        fields.Nested(ActionInput), load_default=list, validate=validate.Length(max=50)
    )
    agreed_on = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def agreed_not_in_future(self, data, **kwargs):
        if data.get("agreed_on") and data["agreed_on"] > clock.local_date(clock.now()):
            raise field_error("not_in_future", "agreed_on")


class ExpectedVersion(Strict):
    expected_version = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))


class MeetingInput(Strict):
    date = fields.Date(required=True)
    location = Text(required=True, validate=validate.Length(min=1, max=200))
    # The comuni the meeting is for (default: all of the coordinator's).
    comuni = fields.List(
        fields.String(validate=ISTAT_FORMAT),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
    )


class ProposalInput(Strict):
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    kind = fields.String(required=True, validate=validate.OneOf(list(commission.PROPOSAL_KINDS)))
    notes = Text(load_default=None, validate=validate.Length(max=4000))


class AgendaSearch(Strict):
    """What the coordinator typed to find a household for the agenda (name or codice fiscale)."""

    text = Text(load_default="", allow_none=True, validate=validate.Length(max=100))


class DecisionInput(Strict):
    decision = fields.String(required=True, validate=validate.OneOf(list(commission.DECISIONS)))
    notes = Text(load_default=None, validate=validate.Length(max=4000))


class MinutesInput(Strict):
    text = Text(required=True, validate=validate.Length(min=1, max=50000))


class ClosureInput(Strict):
    outcome = fields.String(
        required=True, validate=validate.OneOf(list(lifecycle.CLOSURE_OUTCOMES))
    )
    notes = Text(load_default=None, validate=validate.Length(max=4000))
    restitution_date = fields.Date(load_default=None, allow_none=True)


class ReopenInput(Strict):
    reason = Text(required=True, validate=validate.Length(min=1, max=4000))


class LegalHoldInput(Strict):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))


class FotografiaQuery(Strict):
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    comune_istat = fields.String(load_default=None, allow_none=True, validate=ISTAT_FORMAT)

    @validates_schema
    def ordered(self, data, **kwargs):
        if data["date_from"] > data["date_to"]:
            raise field_error("date_range_order", "date_from", after="date_to")


class WorklistQuery(Strict):
    """Which page of each worklist section (``pages``: section -> page), how many a page, and
    the filters: one comune in scope, only the cases assigned to the caller."""

    comune_istat = fields.String(load_default=None, allow_none=True, validate=ISTAT_FORMAT)
    mine = fields.Boolean(load_default=False)
    pages = fields.Dict(
        keys=fields.String(validate=validate.OneOf(WORKLIST_SECTIONS)),
        values=fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_PAGE)),
        load_default=dict,
    )
    page_size = fields.Integer(
        strict=True,
        load_default=WORKLIST_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
    )


class PurposeInput(Strict):
    purpose = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ReferralId(Strict):
    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class ActionOutcomeEvent(Schema):
    """``<service>.action_outcome_recorded.v1`` data, read tolerantly (unknown fields ignored).
    Without ``action_id`` (a partner referral sent from the case) ``partner_code`` and
    ``partner_referral_id`` are required: the answer is the case's diary entry only."""

    class Meta:
        unknown = EXCLUDE

    referral_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    action_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    status = fields.String(required=True, validate=validate.OneOf(project.OUTCOME_STATUSES))
    outcome = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    comune_istat = fields.String(load_default=None, allow_none=True, validate=ISTAT_FORMAT)
    recorded_at = fields.AwareDateTime(load_default=None, allow_none=True)
    # partners: who answered and in which words (the diary entry)
    partner_code = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=20)
    )
    service_label = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    outcome_label = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    partner_referral_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=36)
    )

    @validates_schema
    def names_an_action_or_a_partner_referral(self, data, **kwargs):
        if data.get("action_id") is None:
            for name in ("partner_code", "partner_referral_id"):
                if not data.get(name):
                    raise field_error("required", name)
