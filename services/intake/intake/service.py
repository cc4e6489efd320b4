"""The intake nameko service: referrals (schede di attivazione) and the case path that follows.

A table of contents: each entrypoint parses its input with a schema, calls one use case and
returns plain JSON. The actor argument arrives verified by the chassis ``rpc`` entrypoint; roles
and scope are checked by the use cases (``domain.permissions``, ``cases.load``).
"""

from __future__ import annotations

import os
from pathlib import Path

from marshmallow import ValidationError
from nameko.timer import timer

from abitare_chassis.audit import AuditQuery
from abitare_chassis.handlers import event_handler
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc
from abitare_chassis.schemas import jsonable, load

from .adapters import reference
from .adapters.events import ACTION_OUTCOME_RECORDED
from .adapters.models import metadata
from .domain import vocabulary
from .errors import ActionOutcomeInvalid
from .schemas.cases import (
    ActionOutcomeEvent,
    AgendaSearch,
    AssessmentInput,
    AssignInput,
    ClosureInput,
    DecisionInput,
    DiaryEntryInput,
    ExpectedVersion,
    FotografiaQuery,
    InterviewInput,
    LegalHoldInput,
    MeetingInput,
    MinutesInput,
    ProjectInput,
    ProposalInput,
    PurposeInput,
    ReopenInput,
    TriageInput,
    WorklistQuery,
)
from .schemas.referrals import (
    HouseholdCheck,
    ListReferralsQuery,
    PageQuery,
    ReferralInput,
    ReferralOutput,
    ReferralPage,
)
from .usecases import (
    anomalies,
    assessment,
    audit,
    closure,
    commission,
    diary,
    fotografia,
    projects,
    referrals,
    retention,
    timeline,
    triage,
    worklist,
)

# How often the scheduled retention run looks for closed cases past their retention (seconds).
RETENTION_INTERVAL = float(os.environ.get("ABITARE_RETENTION_INTERVAL_SECONDS", 6 * 60 * 60))


def _purpose(purpose):
    return load(PurposeInput(), {"purpose": purpose})["purpose"]


class IntakeService:
    name = "intake"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    # -- referrals (issue 2) ----------------------------------------------------------------
    @rpc
    def submit_referral(self, actor, payload):
        data = load(ReferralInput(), payload)
        return ReferralOutput().dump(referrals.submit_referral(self.db, actor, data))

    @rpc
    def get_referral(self, actor, referral_id, purpose=None):
        return ReferralOutput().dump(
            referrals.get_referral(self.db, actor, referral_id, _purpose(purpose))
        )

    @rpc
    def list_referrals(
        self, actor, comune_istat=None, page=1, page_size=50, purpose=None, **criteria
    ):
        """``criteria``: the search of :class:`ListReferralsQuery` (last_name, first_name,
        codice_fiscale, status, grade, assigned_to, received_from, received_to)."""
        given = {"comune_istat": comune_istat, "page": page, "page_size": page_size, **criteria}
        given = {name: value for name, value in given.items() if value is not None}
        query = load(ListReferralsQuery(), given)
        return ReferralPage().dump(
            referrals.list_referrals(self.db, actor, **query, purpose=_purpose(purpose))
        )

    @rpc
    def check_household(self, actor, household):
        """Warnings about the codici fiscali of a household about to be sent (nothing stored)."""
        data = load(HouseholdCheck(), {"household": household})
        return jsonable(anomalies.check_household(data["household"]))

    @rpc
    def list_anomalies(self, actor, page=1, page_size=50, purpose=None):
        """The open cases' members whose codice fiscale contradicts them (coordinators)."""
        query = load(PageQuery(), {"page": page, "page_size": page_size})
        return jsonable(
            anomalies.list_anomalies(self.db, actor, **query, purpose=_purpose(purpose))
        )

    @rpc
    def list_comuni(self, actor):
        return reference.comuni_list()

    @rpc
    def get_vocabulary(self, actor):
        """Codes and Italian labels for the referral form (beyond the issue-2 contract)."""
        return vocabulary.as_options()

    # -- the case file and triage -----------------------------------------------------------
    @rpc
    def get_case(self, actor, referral_id, purpose=None):
        return jsonable(triage.get_case(self.db, actor, referral_id, _purpose(purpose)))

    @rpc
    def get_case_status(self, actor, referral_id):
        return jsonable(triage.get_case_status(self.db, actor, referral_id))

    @rpc
    def check_eligibility(self, actor, referral_id, purpose=None):
        return jsonable(triage.check_eligibility(self.db, actor, referral_id, _purpose(purpose)))

    @rpc
    def find_possible_duplicates(self, actor, referral_id, purpose=None):
        return jsonable(
            triage.find_possible_duplicates(self.db, actor, referral_id, _purpose(purpose))
        )

    @rpc
    def triage_referral(self, actor, referral_id, payload, purpose=None):
        data = load(TriageInput(), payload)
        return jsonable(
            triage.triage_referral(self.db, actor, referral_id, data, _purpose(purpose))
        )

    @rpc
    def assign_case(self, actor, referral_id, assignee, purpose=None):
        """``assignee``: ``{operator_sub, role, comuni}`` from the gateway's identity store."""
        data = load(AssignInput(), assignee)
        return jsonable(
            triage.assign_case(
                self.db,
                actor,
                referral_id,
                {"sub": data["operator_sub"], "role": data["role"], "comuni": data["comuni"]},
                _purpose(purpose),
            )
        )

    # -- diary and joint interviews ---------------------------------------------------------
    @rpc
    def add_diary_entry(self, actor, referral_id, payload):
        data = load(DiaryEntryInput(), payload)
        return jsonable(diary.add_diary_entry(self.db, actor, referral_id, data))

    @rpc
    def schedule_interview(self, actor, referral_id, payload):
        data = load(InterviewInput(), payload)
        return jsonable(diary.schedule_interview(self.db, actor, referral_id, data))

    @rpc
    def list_diary(self, actor, referral_id, purpose=None):
        return jsonable(diary.list_diary(self.db, actor, referral_id, _purpose(purpose)))

    # -- the household's timeline (issue 8) -------------------------------------------------
    @rpc
    def get_timeline(self, actor, referral_id, purpose=None):
        return jsonable(timeline.get_timeline(self.db, actor, referral_id, _purpose(purpose)))

    # -- assessment -------------------------------------------------------------------------
    @rpc
    def record_assessment(self, actor, referral_id, payload):
        data = load(AssessmentInput(), payload)
        return jsonable(assessment.record_assessment(self.db, actor, referral_id, data))

    @rpc
    def list_assessments(self, actor, referral_id, purpose=None):
        return jsonable(assessment.list_assessments(self.db, actor, referral_id, _purpose(purpose)))

    # -- individual project -----------------------------------------------------------------
    @rpc
    def get_project(self, actor, referral_id, purpose=None):
        return jsonable(projects.get_project(self.db, actor, referral_id, _purpose(purpose)))

    @rpc
    def save_project(self, actor, referral_id, expected_version, payload):
        version = load(ExpectedVersion(), {"expected_version": expected_version})
        data = load(ProjectInput(), payload)
        return jsonable(
            projects.save_project(self.db, actor, referral_id, version["expected_version"], data)
        )

    @rpc
    def list_project_versions(self, actor, referral_id, purpose=None):
        return jsonable(
            projects.list_project_versions(self.db, actor, referral_id, _purpose(purpose))
        )

    @event_handler("funds", ACTION_OUTCOME_RECORDED)
    def handle_funds_action_outcome_recorded(self, event):
        self._action_outcome("funds", event)

    @event_handler("housing_stock", ACTION_OUTCOME_RECORDED)
    def handle_housing_stock_action_outcome_recorded(self, event):
        self._action_outcome("housing_stock", event)

    @event_handler("partners", ACTION_OUTCOME_RECORDED)
    def handle_partners_action_outcome_recorded(self, event):
        self._action_outcome("partners", event)

    def _action_outcome(self, service, event):
        try:
            data = ActionOutcomeEvent().load(event.data if isinstance(event.data, dict) else {})
        except ValidationError as exc:
            raise ActionOutcomeInvalid(exc.messages) from None
        data["recorded_at"] = jsonable(data["recorded_at"]) or event.time
        data["comune_istat"] = data["comune_istat"] or event.tenant
        with self.db.transaction(causation=event) as tx:
            projects.apply_action_outcome(tx, event.actor, service, data)

    # -- commission -------------------------------------------------------------------------
    @rpc
    def create_meeting(self, actor, payload):
        return jsonable(commission.create_meeting(self.db, actor, load(MeetingInput(), payload)))

    @rpc
    def add_proposal(self, actor, meeting_id, payload):
        data = load(ProposalInput(), payload)
        return jsonable(commission.add_proposal(self.db, actor, meeting_id, data))

    @rpc
    def agenda_candidates(self, actor, meeting_id, text=None, purpose=None):
        """Cases to put on a meeting's agenda, by name or codice fiscale (coordinators)."""
        query = load(AgendaSearch(), {"text": text})
        return jsonable(
            commission.agenda_candidates(
                self.db, actor, meeting_id, query["text"] or "", _purpose(purpose)
            )
        )

    @rpc
    def decide_proposal(self, actor, proposal_id, payload):
        data = load(DecisionInput(), payload)
        return jsonable(commission.decide_proposal(self.db, actor, proposal_id, data))

    @rpc
    def record_minutes(self, actor, meeting_id, text):
        data = load(MinutesInput(), {"text": text})
        return jsonable(commission.record_minutes(self.db, actor, meeting_id, data["text"]))

    @rpc
    def get_meeting(self, actor, meeting_id, purpose=None):
        return jsonable(commission.get_meeting(self.db, actor, meeting_id, _purpose(purpose)))

    @rpc
    def list_meetings(self, actor, purpose=None):
        return jsonable(commission.list_meetings(self.db, actor, _purpose(purpose)))

    # -- closure ----------------------------------------------------------------------------
    @rpc
    def close_case(self, actor, referral_id, payload, purpose=None):
        data = load(ClosureInput(), payload)
        return jsonable(closure.close_case(self.db, actor, referral_id, data, _purpose(purpose)))

    @rpc
    def reopen_case(self, actor, referral_id, reason):
        data = load(ReopenInput(), {"reason": reason})
        return jsonable(closure.reopen_case(self.db, actor, referral_id, data["reason"]))

    # -- retention (GDPR art. 5(1)(e), 17) --------------------------------------------------
    @rpc
    def set_legal_hold(self, actor, referral_id, reason):
        data = load(LegalHoldInput(), {"reason": reason})
        return jsonable(retention.set_legal_hold(self.db, actor, referral_id, data["reason"]))

    @rpc
    def lift_legal_hold(self, actor, referral_id):
        return jsonable(retention.lift_legal_hold(self.db, actor, referral_id))

    @rpc
    def run_retention(self, actor):
        """On demand (coordinators, for their comuni): the same job as the scheduled one."""
        return retention.run_retention(self.db, actor)

    @timer(interval=RETENTION_INTERVAL)
    def scheduled_retention(self):
        retention.run_retention(self.db, retention.scheduled_actor())

    # -- overviews and audit ----------------------------------------------------------------
    @rpc
    def get_worklist(self, actor, purpose=None, **query):
        """``query``: :class:`WorklistQuery` (comune_istat, mine, pages, page_size)."""
        return jsonable(
            worklist.get_worklist(self.db, actor, _purpose(purpose), **load(WorklistQuery(), query))
        )

    @rpc
    def get_fotografia(self, actor, date_from, date_to, comune_istat=None):
        query = load(
            FotografiaQuery(),
            {"date_from": date_from, "date_to": date_to, "comune_istat": comune_istat},
        )
        return jsonable(fotografia.get_fotografia(self.db, actor, **query))

    @rpc
    def list_audit(self, actor, referral_id, purpose=None, export=False):
        query = load(
            AuditQuery(), {"referral_id": referral_id, "purpose": purpose, "export": export}
        )
        return jsonable(audit.list_audit(self.db, actor, **query))
