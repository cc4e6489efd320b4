"""``/api/v1/commission``: the Commissione's meetings, their agenda of proposals, decisions and
minutes. Intake lets only coordinators run it (others: 403); comuni's systems get 404."""

from __future__ import annotations

from urllib.parse import quote

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import casework
from .access import checked_id, operator_actor_or_404
from .case_schemas import DecisionIn, MeetingIn, MeetingOut, MinutesIn, ProposalIn, ProposalOut
from .referrals import jsonable

blp = Blueprint(
    "commission",
    __name__,
    url_prefix="/api/v1/commission",
    description="The Commissione: meetings, proposals, decisions, minutes",
)

LOCATION = {"Location": {"description": "The new meeting", "schema": {"type": "string"}}}


@blp.before_request
def authenticate():
    operator_actor_or_404()


@blp.route("/meetings")
class Meetings(MethodView):
    @blp.response(200, MeetingOut(many=True))
    def get(self):
        """List the meetings, newest first"""
        return casework.list_meetings(operator_actor_or_404())

    @blp.arguments(MeetingIn)
    @blp.response(201, MeetingOut, headers=LOCATION)
    @blp.alt_response(403, description="Only coordinators run the commission")
    def post(self, meeting):
        """Convene a meeting"""
        created = casework.create_meeting(operator_actor_or_404(), jsonable(meeting))
        return (
            created,
            201,
            {"Location": f"{blp.url_prefix}/meetings/{quote(str(created['id']), safe='')}"},
        )


@blp.route("/meetings/<meeting_id>")
class Meeting(MethodView):
    @blp.response(200, MeetingOut)
    def get(self, meeting_id):
        """A meeting with its agenda of proposals"""
        return casework.get_meeting(operator_actor_or_404(), checked_id(meeting_id, "meeting"))


@blp.route("/meetings/<meeting_id>/proposals")
class Proposals(MethodView):
    @blp.arguments(ProposalIn)
    @blp.response(201, ProposalOut)
    def post(self, proposal, meeting_id):
        """Put a case on the agenda (validate a project, a temporary placement, ...)"""
        return casework.add_proposal(
            operator_actor_or_404(), checked_id(meeting_id, "meeting"), jsonable(proposal)
        )


@blp.route("/proposals/<proposal_id>/decision")
class Decision(MethodView):
    @blp.arguments(DecisionIn)
    @blp.response(200, ProposalOut)
    @blp.alt_response(409, description="Already decided")
    def post(self, decision, proposal_id):
        """Decide a proposal: approvata, respinta or rinviata"""
        return casework.decide_proposal(
            operator_actor_or_404(), checked_id(proposal_id, "proposal"), decision
        )


@blp.route("/meetings/<meeting_id>/minutes")
class Minutes(MethodView):
    @blp.arguments(MinutesIn)
    @blp.response(200, MeetingOut)
    def put(self, body, meeting_id):
        """Record the minutes (verbale) of a meeting"""
        return casework.record_minutes(
            operator_actor_or_404(), checked_id(meeting_id, "meeting"), body["text"]
        )
