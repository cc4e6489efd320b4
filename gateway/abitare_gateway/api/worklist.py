"""``/api/v1/worklist``: what needs the operator now, within their comuni. Operators only."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import casework
from .access import operator_actor_or_404
from .case_schemas import WorklistArgs, WorklistOut

blp = Blueprint(
    "worklist", __name__, url_prefix="/api/v1/worklist", description="The operator's worklist"
)


@blp.before_request
def authenticate():
    operator_actor_or_404()


@blp.route("")
class Worklist(MethodView):
    @blp.arguments(WorklistArgs, location="query")
    @blp.response(200, WorklistOut)
    def get(self, args):
        """Referrals awaiting triage, overdue actions, evictions within 30 days, documents
        expiring within 30 days, proposals awaiting the commission: one page of each, with
        each section's count"""
        return casework.get_worklist(
            operator_actor_or_404(),
            comune_istat=args["comune"],
            mine=args["mine"],
            pages={args["section"]: args["page"]} if args["section"] else {},
            page_size=args["page_size"],
        )
