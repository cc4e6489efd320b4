"""``/api/v1/cases/{id}/funds/isee``: a household's ISEE aid, for operators. The certified
ISEEs (INPS attestazioni) and the agency's estimates ("stimato", never a certified ISEE), with
the one that applies on a day; record a certified ISEE; compute and keep an estimate. Bad or
impossible figures are a problem+json (``certified_isee_invalid``, ``isee_input_invalid``,
``certified_isee_duplicate``) and nothing is stored."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import fundswork
from .access import checked_id, operator_actor_or_404
from .funds_schemas import (
    CertifiedIseeIn,
    CertifiedIseeOut,
    IseeEstimateIn,
    IseeEstimateOut,
    IseeListArgs,
    IseeListOut,
)
from .referrals import jsonable

blp = Blueprint(
    "case_funds",
    __name__,
    url_prefix="/api/v1/cases",
    description="A case's funds: ISEE aid (certified ISEEs and estimates), for operators",
)


@blp.before_request
def authenticate():
    operator_actor_or_404()


@blp.route("/<case_id>/funds/isee")
class Isee(MethodView):
    @blp.arguments(IseeListArgs, location="query")
    @blp.response(200, IseeListOut)
    def get(self, args, case_id):
        """The household's certified ISEEs and estimates, newest first, and the ISEE that
        applies on ``on`` (today by default): a certified ISEE valid that day, else the latest
        estimate, labelled as such"""
        on = args["on"].isoformat() if args.get("on") else None
        return fundswork.list_isee(operator_actor_or_404(), checked_id(case_id, "case"), on=on)

    @blp.arguments(CertifiedIseeIn)
    @blp.response(201, CertifiedIseeOut)
    def post(self, payload, case_id):
        """Record a certified ISEE (INPS attestazione) with its DSU protocol number and expiry"""
        return fundswork.record_certified_isee(
            operator_actor_or_404(), checked_id(case_id, "case"), jsonable(payload)
        )


@blp.route("/<case_id>/funds/isee/estimates")
class IseeEstimates(MethodView):
    @blp.arguments(IseeEstimateIn)
    @blp.response(201, IseeEstimateOut)
    def post(self, payload, case_id):
        """Estimate ISE and ISEE from the DSU figures (domain_rules §1.8) with every
        intermediate value and the parameters used (source, "da verificare"), and keep it"""
        return fundswork.estimate_isee(
            operator_actor_or_404(), checked_id(case_id, "case"), jsonable(payload)
        )
