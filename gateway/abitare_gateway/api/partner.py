"""``/api/v1/partner/...``: the partner API, for partner clients only (a partner's own system;
see :func:`abitare_gateway.auth.partner_actor`). Every other actor gets 403 here, and a partner
client gets 404 everywhere else.

- ``POST /api/v1/partner/lender-status``: a lending partner (FWA) reports the status of a loan
  it granted to a household the agency sent to it. **The agency never becomes the lender**: it
  records, checks and republishes what the partner reports.
- ``GET /api/v1/partner/loans/{loan_ref}``: that loan with its history, for the partner that
  reported it.
"""

from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import backend
from ..auth import partner_actor
from ..errors import Problem
from .partner_schemas import REFERENCE_PATTERN, LenderStatusIn, LoanOut
from .referrals import jsonable

blp = Blueprint(
    "partner_lending",
    __name__,
    url_prefix="/api/v1/partner",
    description="For partners' systems: the loans a lending partner reports",
)
LOAN_REF = re.compile(REFERENCE_PATTERN)


@blp.before_request
def authenticate():
    partner_actor()


@blp.route("/lender-status")
class LenderStatus(MethodView):
    @blp.arguments(LenderStatusIn)
    @blp.response(201, LoanOut)
    @blp.alt_response(200, schema=LoanOut, description="A retry: the status was already there")
    def post(self, payload):
        """Report a loan's status (approved, disbursed, instalment paid or missed,
        rescheduled, repaid, written off). Only a partner whose convention offers the product
        may report; a report the loan's state does not allow changes nothing (problem+json with
        its `code`). A retry with the same `status_id` answers 200 with the loan as it is."""
        loan = backend.rpc().call(
            "partners", "report_lender_status", partner_actor(), jsonable(payload)
        )
        return loan, (200 if loan.pop("replayed", False) else 201)


@blp.route("/loans/<loan_ref>")
class Loan(MethodView):
    @blp.response(200, LoanOut)
    def get(self, loan_ref):
        """A loan this partner reported, with every status it reported (oldest first)"""
        if not LOAN_REF.match(loan_ref):
            raise Problem(404, code="loan_not_found")
        return backend.rpc().call("partners", "get_loan", partner_actor(), loan_ref)
