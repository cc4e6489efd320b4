"""The HTTP shapes of the case path (docs/contracts-case.md): requests are checked here (types,
formats, lengths, closed vocabularies); intake owns every rule (which transitions are allowed,
when a reason is required, grades, duplicates)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from .. import labels
from .schemas import ISTAT, MAX_PAGE, NOT_BLANK, ReferralOut

TRIAGE_OUTCOMES = ("presa_in_carico", "richiesta_informazioni", "respinta")
DIARY_KINDS = (
    "colloquio",
    "visita_domiciliare",
    "telefonata",
    "incontro_di_rete",
    "colloquio_congiunto",
    "nota",
    "altro",
)
EVICTION_STAGES = tuple(labels.TABLES["eviction_stage_recorded"])  # intake's, from the contract
PIS_SITUATIONS = (
    "incendio",
    "allagamento",
    "sfratto_eseguito",
    "acqua_interrotta_morosita",
    "assenza_dimora",
    "msna",
)
ACTION_TYPES = (
    "fund_application",
    "temporary_housing",
    "private_market_search",
    "public_housing_application",
    "partner_referral",
    "isee_caf",
    "financial_coaching",
    "cultural_mediation",
    "legal_assistance",
    "other",
)
RESPONSIBLES = ("agency", "comune", "partner")
ACTION_STATUSES = ("da_avviare", "in_corso", "completata", "annullata")
CLOSURE_OUTCOMES = (
    "sap_assegnato",
    "affitto_canone_concordato",
    "affitto_libero_mercato",
    "rientro_in_famiglia",
    "trasferimento",
    "abbandono",
    "altro",
)
PROPOSAL_KINDS = ("validate_project", "temporary_placement", "extend_stay", "early_discharge")
DECISIONS = ("approvata", "respinta", "rinviata")
BOOLEAN_INDICATORS = (
    "rent_burden_over_30",
    "arrears_rent",
    "arrears_mortgage",
    "arrears_utilities",
    "weak_support_network",
    "unstable_income",
    "low_income",
    "legal_proceedings",
    "violence_or_abuse",
    "no_home_to_return",
    "unsafe_dwelling",
    "minors",
    "over_65",
    "disability",
)

TEXT = validate.Length(min=1, max=4000)
SHORT = validate.Length(min=1, max=200)
# Intake's (intake/schemas/cases.py), which checks them again.
PARTNER_CODE = validate.Regexp(r"^[A-Za-z0-9_-]{2,20}$", error="Not a partner code.")
RECORD_ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,36}$", error="Not an id.")


def _text(required=True, validate=TEXT, **kwargs):
    """Free text; required text must not be blank (intake strips it)."""
    rules = [validate, NOT_BLANK] if required else validate
    return fields.String(required=required, validate=rules, allow_none=not required, **kwargs)


# -- requests -----------------------------------------------------------------------------------
class TriageIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(TRIAGE_OUTCOMES))
    reason = _text(
        required=False,
        metadata={"description": "Required by intake for respinta and richiesta_informazioni."},
    )
    duplicates_acknowledged = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Must be true to take a case on when intake finds possible duplicates."
        },
    )


class AssignmentIn(Schema):
    operator_sub = _text(validate=SHORT, metadata={"example": "operator:agenzia"})


class DiaryEntryIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(DIARY_KINDS))
    occurred_at = fields.DateTime(required=True, metadata={"description": "Not in the future."})
    text = _text(validate=validate.Length(min=1, max=10000))
    confidential = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Readable only by the author and the operators assigned to the case."
        },
    )


class InterviewIn(Schema):
    scheduled_at = fields.DateTime(required=True)
    location = _text(validate=SHORT)
    participants = fields.List(
        _text(validate=SHORT), required=True, validate=validate.Length(min=1, max=20)
    )


IndicatorsIn = Schema.from_dict(
    {
        **{name: fields.Boolean(allow_none=True) for name in BOOLEAN_INDICATORS},
        "eviction_stage": fields.String(allow_none=True, validate=validate.OneOf(EVICTION_STAGES)),
        "eviction_date": fields.Date(allow_none=True),
        "documents_expiring_on": fields.Date(allow_none=True),
    },
    name="IndicatorsIn",
)


class AssessmentIn(Schema):
    indicators = fields.Nested(IndicatorsIn, load_default=dict)
    confirmed_grade = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=4)
    )
    override_reason = _text(
        required=False,
        metadata={
            "description": "Required by intake when confirmed_grade differs from the suggestion."
        },
    )
    pis_situation = fields.String(
        allow_none=True,
        validate=validate.OneOf(PIS_SITUATIONS),
        metadata={"description": "A PIS situation is grade 4: confirmed_grade, if given, is 4."},
    )


class ActionIn(Schema):
    id = fields.String(
        allow_none=True, validate=RECORD_ID, metadata={"description": "Omit for a new action."}
    )
    type = fields.String(required=True, validate=validate.OneOf(ACTION_TYPES))
    description = _text(validate=validate.Length(min=1, max=1000))
    responsible = fields.String(required=True, validate=validate.OneOf(RESPONSIBLES))
    partner_code = fields.String(allow_none=True, validate=PARTNER_CODE)
    partner_service = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[a-z_]{2,60}$"),
        metadata={"description": "partner_referral: the partner's service (GET /partner-offers)"},
    )
    due_date = fields.Date(allow_none=True)
    status = fields.String(load_default="da_avviare", validate=validate.OneOf(ACTION_STATUSES))


class ProjectIn(Schema):
    objectives = fields.List(
        _text(validate=validate.Length(min=1, max=1000)),
        load_default=list,
        validate=validate.Length(max=30),
    )
    actions = fields.List(
        fields.Nested(ActionIn), load_default=list, validate=validate.Length(max=50)
    )
    agreed_on = fields.Date(allow_none=True, metadata={"description": "Not in the future."})


class IfMatchHeader(Schema):
    class Meta:
        unknown = EXCLUDE

    if_match = fields.String(
        data_key="If-Match",
        metadata={
            "description": 'The ETag of the project you edited, e.g. `"v3"`. Required (428 '
            "without it); 412 when someone saved a newer version meanwhile."
        },
    )


class ClosureIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(CLOSURE_OUTCOMES))
    notes = _text(required=False)
    restitution_date = fields.Date(
        allow_none=True, metadata={"description": "Not before the referral was received."}
    )


class ReopeningIn(Schema):
    reason = _text()


class MeetingIn(Schema):
    date = fields.Date(required=True)
    location = _text(validate=SHORT)


class ProposalIn(Schema):
    referral_id = fields.String(
        required=True,
        validate=RECORD_ID,
        metadata={"description": "A case in charge, of one of the meeting's comuni."},
    )
    kind = fields.String(required=True, validate=validate.OneOf(PROPOSAL_KINDS))
    notes = _text(required=False)


class DecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    notes = _text(required=False)


class MinutesIn(Schema):
    text = _text(validate=validate.Length(min=1, max=20000))


class FotografiaArgs(Schema):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    comune = fields.String(load_default=None, validate=ISTAT)

    @validates_schema
    def period_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("Must not be before from.", "to")


# -- responses ----------------------------------------------------------------------------------
class CaseStatusOut(Schema):
    id = fields.String()
    comune_istat = fields.String()
    status = fields.String(
        metadata={
            "description": "ricevuta | in_carico | informazioni_richieste | respinta | chiusa"
        }
    )
    received_at = fields.String(metadata={"format": "date-time"})
    updated_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class EvictionCheckOut(Schema):
    execution_date = fields.String(metadata={"format": "date"})
    days_before = fields.Integer()
    late = fields.Boolean(
        metadata={
            "description": "Referred less than 3 months before the "
            "execution: flagged, never refused."
        }
    )
    explanation = fields.String()


class EligibilityOut(Schema):
    served = fields.Boolean()
    served_explanation = fields.String()
    eviction = fields.Nested(EvictionCheckOut, allow_none=True)


class DuplicateOut(Schema):
    match = fields.String(
        metadata={
            "enum": ["codice_fiscale", "known_elsewhere"],
            "description": "codice_fiscale: a referral in the ambito where you triage; "
            "known_elsewhere: one item standing for every match elsewhere, with "
            "no comune, status, date or referral.",
        }
    )
    codice_fiscale = fields.String(allow_none=True)
    comune_istat = fields.String(allow_none=True)
    comune_name = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    received_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    referral_id = fields.String(
        allow_none=True, metadata={"description": "Only when that referral is in your scope."}
    )


class AssignmentOut(Schema):
    assigned_to = fields.String()
    assigned_at = fields.String(metadata={"format": "date-time"})
    assigned_by = fields.String()


class AssignableOperatorOut(Schema):
    operator_sub = fields.String()
    label = fields.String()


class CaseOut(ReferralOut):
    assigned_to = fields.String(allow_none=True)
    triage = fields.Dict(allow_none=True, metadata={"description": "outcome, reason, at, by"})
    eligibility = fields.Nested(EligibilityOut, allow_none=True)
    possible_duplicates = fields.List(
        fields.Nested(DuplicateOut),
        allow_none=True,
        metadata={"description": "Null when not looked for: see duplicates_check."},
    )
    duplicates_check = fields.String(
        metadata={
            "enum": ["checked", "not_allowed", "limited"],
            "description": "not_allowed: your role does not triage; limited: you checked too many "
            "households in the last hour.",
        }
    )
    assignments = fields.List(
        fields.Nested(AssignmentOut),
        metadata={"description": "Every assignment of the case, oldest first."},
    )
    current_grade = fields.Integer(allow_none=True)
    closure = fields.Dict(
        allow_none=True, metadata={"description": "outcome, notes, restitution_date, at, by"}
    )
    requests = fields.List(
        fields.Dict(),
        metadata={
            "description": "The case's requests to other services, oldest first: kind (an "
            "action type or emergency_placement), service, state (richiesta_inviata, "
            "in_lavorazione, risposta_ricevuta, nessuna_disponibilita, ritirata), "
            "requested_at, outcome."
        },
    )
    retention = fields.Dict(
        metadata={
            "description": "pseudonymised_at (the household's identifying data were replaced "
            "when the retention period ended), legal_hold {reason, at, by}, retained_until, "
            "period {purpose, years, valid_from, source, to_verify}"
        }
    )


class DiaryEntryOut(Schema):
    id = fields.String()
    kind = fields.String()
    occurred_at = fields.String(metadata={"format": "date-time"})
    text = fields.String(metadata={"description": "Absent on others' confidential entries."})
    confidential = fields.Boolean()
    author = fields.String()
    author_name = fields.String()
    recorded_at = fields.String(metadata={"format": "date-time"})


class AssessmentOut(Schema):
    suggested_grade = fields.Integer()
    explanation = fields.List(fields.String())
    grade = fields.Integer()
    overridden = fields.Boolean()
    override_reason = fields.String(allow_none=True)
    pis_situation = fields.String(allow_none=True)
    indicators = fields.Dict()
    at = fields.String(metadata={"format": "date-time"})
    by = fields.String()


class ActionOut(Schema):
    id = fields.String()
    type = fields.String()
    description = fields.String()
    responsible = fields.String()
    partner_code = fields.String(allow_none=True)
    due_date = fields.String(allow_none=True, metadata={"format": "date"})
    status = fields.String()


class ProjectOut(Schema):
    version = fields.Integer(metadata={"description": "0 when there is no project yet"})
    objectives = fields.List(fields.String())
    actions = fields.List(fields.Nested(ActionOut))
    agreed_on = fields.String(allow_none=True, metadata={"format": "date"})
    updated_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    updated_by = fields.String(allow_none=True)


class ProposalOut(Schema):
    id = fields.String()
    meeting_id = fields.String()
    referral_id = fields.String()
    head_name = fields.String()
    comune_name = fields.String(allow_none=True)
    kind = fields.String()
    notes = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    decision_notes = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    decided_by = fields.String(allow_none=True)


class MeetingOut(Schema):
    id = fields.String()
    date = fields.String(metadata={"format": "date"})
    location = fields.String(allow_none=True)
    minutes = fields.String(allow_none=True)
    proposals_count = fields.Integer()
    proposals = fields.List(fields.Nested(ProposalOut))


WORKLIST_SECTIONS = (
    "awaiting_triage",
    "overdue_actions",
    "evictions_within_30_days",
    "documents_expiring",
    "proposals_awaiting_commission",
    "awaiting_assignment",
)


class WorklistArgs(Schema):
    comune = fields.String(
        load_default=None, validate=ISTAT, metadata={"description": "Only this comune (ISTAT)."}
    )
    mine = fields.Boolean(
        load_default=False, metadata={"description": "Only the cases assigned to you."}
    )
    section = fields.String(
        load_default=None,
        validate=validate.OneOf(WORKLIST_SECTIONS),
        metadata={"description": "The section `page` is for (the others answer page 1)."},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=10, validate=validate.Range(min=1, max=200))


class WorkItemOut(Schema):
    referral_id = fields.String()
    comune_istat = fields.String()
    comune = fields.String(allow_none=True, metadata={"description": "The comune's name."})
    head_name = fields.String(allow_none=True)
    date = fields.String(allow_none=True, metadata={"format": "date"})
    what = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "awaiting_triage only."})
    eviction_date = fields.String(allow_none=True, metadata={"format": "date"})
    urgent = fields.Boolean(
        metadata={"description": "awaiting_triage: an eviction within 30 days or past."}
    )
    days_late = fields.Integer(metadata={"description": "overdue_actions only."})
    action_id = fields.String()
    proposal_id = fields.String()
    meeting_id = fields.String()


class WorklistOut(Schema):
    """Each section one page, most urgent first: awaiting_triage with an eviction within 30
    days (or past) first by its date, then by received date, oldest first; overdue_actions by
    days late, most first; the others by their date, soonest first."""

    awaiting_triage = fields.List(fields.Nested(WorkItemOut))
    overdue_actions = fields.List(fields.Nested(WorkItemOut))
    evictions_within_30_days = fields.List(fields.Nested(WorkItemOut))
    documents_expiring = fields.List(fields.Nested(WorkItemOut))
    proposals_awaiting_commission = fields.List(fields.Nested(WorkItemOut))
    awaiting_assignment = fields.List(
        fields.Nested(WorkItemOut),
        metadata={"description": "Cases taken on that nobody is assigned to, longest first."},
    )
    totals = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "section -> count"}
    )
    pages = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "section -> page"}
    )
    page_size = fields.Integer()


COUNTS = {"description": "value -> number of referrals"}


class FotografiaOut(Schema):
    date_from = fields.String(metadata={"format": "date"})
    date_to = fields.String(metadata={"format": "date"})
    comune_istat = fields.String(allow_none=True)
    total = fields.Integer()
    by_referring_body = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata=COUNTS)
    by_problem_reported = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata=COUNTS
    )
    by_housing_situation = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata=COUNTS
    )
    by_household_composition = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata=COUNTS
    )
    by_comune = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata=COUNTS)
    by_grade = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata=COUNTS)
    by_outcome = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata=COUNTS)
