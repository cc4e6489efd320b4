"""``/api/v1/cases/<id>``: the case file that follows a referral (presa in carico): triage,
assignment, diary, joint interviews, assessments, eligibility, duplicates, closure, reopening.

A case has the id of its referral. Operators only: a comune's system gets 404 here.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import assignees, casework
from .access import checked_id, operator_actor_or_404
from .case_schemas import (
    AssessmentIn,
    AssessmentOut,
    AssignableOperatorOut,
    AssignmentIn,
    CaseOut,
    ClosureIn,
    DiaryEntryIn,
    DiaryEntryOut,
    DuplicateOut,
    EligibilityOut,
    InterviewIn,
    ReopeningIn,
    TriageIn,
)
from .referrals import jsonable

blp = Blueprint(
    "cases",
    __name__,
    url_prefix="/api/v1/cases",
    description="Case files (presa in carico), for operators",
)


@blp.before_request
def authenticate():
    operator_actor_or_404()


def _id(case_id: str) -> str:
    return checked_id(case_id, "case")


@blp.route("/<case_id>")
class Case(MethodView):
    @blp.response(200, CaseOut)
    @blp.alt_response(404, description="No such case in your comuni")
    def get(self, case_id):
        """Read a case file

        The referral with its status, assignment, triage, eligibility, possible duplicates,
        current grade and closure. Every read is audited by intake.
        """
        return casework.get_case(operator_actor_or_404(), _id(case_id))


@blp.route("/<case_id>/triage")
class Triage(MethodView):
    @blp.arguments(TriageIn)
    @blp.response(200, CaseOut)
    @blp.alt_response(
        409,
        description="Not in a state that can be triaged, or possible duplicates not acknowledged",
    )
    @blp.alt_response(403, description="Your role may not triage")
    def post(self, decision, case_id):
        """Triage a referral: take it on, ask for information, or decline it"""
        return casework.triage_referral(operator_actor_or_404(), _id(case_id), decision)


@blp.route("/<case_id>/assignment")
class Assignment(MethodView):
    @blp.arguments(AssignmentIn)
    @blp.response(200, CaseOut)
    @blp.alt_response(403, description="Only coordinators assign cases")
    def post(self, body, case_id):
        """Assign the case to an operator"""
        return casework.assign_case(
            operator_actor_or_404(), _id(case_id), assignees.assignee(body["operator_sub"])
        )


@blp.route("/<case_id>/assignable-operators")
class AssignableOperators(MethodView):
    @blp.response(200, AssignableOperatorOut(many=True))
    @blp.alt_response(404, description="No such case in your comuni")
    def get(self, case_id):
        """The operators the case can be assigned to
        Active agency operators and coordinators whose comuni include the case's comune.
        """
        case = casework.get_case(operator_actor_or_404(), _id(case_id))
        return [
            {"operator_sub": sub, "label": label}
            for sub, label in assignees.options(case["comune_istat"])
        ]


@blp.route("/<case_id>/diary")
class Diary(MethodView):
    @blp.response(200, DiaryEntryOut(many=True))
    def get(self, case_id):
        """The case diary

        Others' confidential entries come without their text.
        """
        return casework.list_diary(operator_actor_or_404(), _id(case_id))

    @blp.arguments(DiaryEntryIn)
    @blp.response(201, DiaryEntryOut)
    def post(self, entry, case_id):
        """Append a diary entry (the diary is append-only)"""
        return casework.add_diary_entry(operator_actor_or_404(), _id(case_id), jsonable(entry))


@blp.route("/<case_id>/interviews")
class Interviews(MethodView):
    @blp.arguments(InterviewIn)
    @blp.response(201, DiaryEntryOut)
    def post(self, interview, case_id):
        """Schedule a joint interview (colloquio congiunto) with the comune's social worker"""
        return casework.schedule_interview(
            operator_actor_or_404(), _id(case_id), jsonable(interview)
        )


@blp.route("/<case_id>/assessments")
class Assessments(MethodView):
    @blp.response(200, AssessmentOut(many=True))
    def get(self, case_id):
        """The assessments of the case, newest first"""
        return casework.list_assessments(operator_actor_or_404(), _id(case_id))

    @blp.arguments(AssessmentIn)
    @blp.response(201, AssessmentOut)
    @blp.alt_response(403, description="Your role may not assess")
    def post(self, assessment, case_id):
        """Record an assessment: intake suggests the grade (1-4) and explains why

        Confirm it (`confirmed_grade` null or equal) or override it with `override_reason`.
        """
        return casework.record_assessment(
            operator_actor_or_404(), _id(case_id), jsonable(assessment)
        )


@blp.route("/<case_id>/eligibility")
class Eligibility(MethodView):
    @blp.response(200, EligibilityOut)
    def get(self, case_id):
        """Is the comune served, and did an eviction arrive late (less than 3 months before)?"""
        return casework.check_eligibility(operator_actor_or_404(), _id(case_id))


@blp.route("/<case_id>/duplicates")
class Duplicates(MethodView):
    @blp.response(200, DuplicateOut(many=True))
    def get(self, case_id):
        """Other referrals sharing a member's codice fiscale"""
        return casework.find_possible_duplicates(operator_actor_or_404(), _id(case_id))


@blp.route("/<case_id>/closure")
class Closure(MethodView):
    @blp.arguments(ClosureIn)
    @blp.response(200, CaseOut)
    @blp.alt_response(409, description="The case is not in charge")
    def post(self, closure, case_id):
        """Close the case with its outcome"""
        return casework.close_case(operator_actor_or_404(), _id(case_id), jsonable(closure))


@blp.route("/<case_id>/reopening")
class Reopening(MethodView):
    @blp.arguments(ReopeningIn)
    @blp.response(200, CaseOut)
    @blp.alt_response(409, description="The case is not closed")
    def post(self, body, case_id):
        """Reopen a closed case"""
        return casework.reopen_case(operator_actor_or_404(), _id(case_id), body["reason"])
