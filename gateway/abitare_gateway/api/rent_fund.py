"""``/api/v1/funds/rent-fund/…``: the Fondo Affitto di Ambito's regulations and windows (bandi)
with their ranking, approval and payments (coordinators; operators read), and
``/api/v1/cases/{id}/funds/applications``: a case's applications (operators file them).

An application filed twice with the same ``Idempotency-Key`` is one application. Bad input is a
422 problem+json and changes nothing; a step that does not fit the window's state is a 409
``rent_fund_conflict`` whose ``reason`` says why (``window_not_open``, ``window_state``...)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import fundswork
from .access import checked_id, operator_actor_or_404
from .referrals import jsonable
from .rent_fund_schemas import (
    ApplicationIn,
    ApplicationOut,
    RegulationOut,
    RentPaymentIn,
    WindowDetailOut,
    WindowIn,
    WindowOut,
)
from .schemas import IdempotencyHeader

blp = Blueprint(
    "rent_fund",
    __name__,
    url_prefix="/api/v1/funds/rent-fund",
    description="Fondo Affitto di Ambito: regulations, windows, ranking, approval, payments",
)
cases = Blueprint(
    "case_rent_fund",
    __name__,
    url_prefix="/api/v1/cases",
    description="A case's Fondo Affitto applications",
)


@blp.before_request
@cases.before_request
def authenticate():
    operator_actor_or_404()


@blp.route("/regulations")
class Regulations(MethodView):
    @blp.response(200, RegulationOut(many=True))
    def get(self):
        """The regulations covering your comuni, each version with its legal references"""
        return fundswork.list_regulations(operator_actor_or_404())


@blp.route("/windows")
class Windows(MethodView):
    @blp.response(200, WindowOut(many=True))
    def get(self):
        """The windows (bandi) of your comuni's regulations, newest first"""
        return fundswork.list_windows(operator_actor_or_404())

    @blp.arguments(WindowIn)
    @blp.response(201, WindowOut)
    @blp.alt_response(403, description="Only coordinators open windows")
    def post(self, payload):
        """Open a window of a regulation, with its dates and budget"""
        return fundswork.open_window(operator_actor_or_404(), jsonable(payload))


@blp.route("/windows/<window_id>")
class Window(MethodView):
    @blp.response(200, WindowDetailOut)
    @blp.alt_response(404, description="No such window in your comuni")
    def get(self, window_id):
        """A window with its applications in ranking order (coordinators)"""
        return fundswork.get_window(operator_actor_or_404(), checked_id(window_id, "window"))


def _step(window_id: str, step: str):
    return fundswork.window_step(operator_actor_or_404(), checked_id(window_id, "window"), step)


@blp.route("/windows/<window_id>/closure")
class WindowClosure(MethodView):
    @blp.response(200, WindowOut)
    @blp.alt_response(409, description="The window is not open")
    def post(self, window_id):
        """Close an open window: no more applications"""
        return _step(window_id, "closure")


@blp.route("/windows/<window_id>/ranking")
class WindowRanking(MethodView):
    @blp.response(200, WindowOut)
    @blp.alt_response(409, description="The window is open or already approved")
    def post(self, window_id):
        """Rank a closed window by its regulation's rule: who is funded until the budget ends"""
        return _step(window_id, "ranking")


@blp.route("/windows/<window_id>/approval")
class WindowApproval(MethodView):
    @blp.response(200, WindowOut)
    @blp.alt_response(409, description="The window is not ranked")
    def post(self, window_id):
        """Approve the ranking: funded applications approved, the others not funded/excluded"""
        return _step(window_id, "approval")


@blp.route("/applications/<application_id>/payments")
class Payments(MethodView):
    @blp.arguments(IdempotencyHeader, location="headers")
    @blp.arguments(RentPaymentIn)
    @blp.response(201, ApplicationOut)
    @blp.alt_response(409, description="The application is not approved")
    def post(self, headers, payload, application_id):
        """Record a payment (erogato) of an approved application, never above what is left

        A retry with the same `Idempotency-Key` header records the payment once.
        """
        actor = operator_actor_or_404()
        data = jsonable(payload)
        if headers.get("idempotency_key"):
            data["idempotency_key"] = headers["idempotency_key"]
        return fundswork.record_payment(actor, checked_id(application_id, "application"), data), 201


@cases.route("/<case_id>/funds/applications")
class CaseApplications(MethodView):
    @cases.response(200, ApplicationOut(many=True))
    def get(self, case_id):
        """The case's Fondo Affitto applications (drafts included), newest first"""
        return fundswork.list_applications(operator_actor_or_404(), checked_id(case_id, "case"))

    @cases.arguments(IdempotencyHeader, location="headers")
    @cases.arguments(ApplicationIn)
    @cases.response(201, ApplicationOut)
    @cases.alt_response(409, description="The window is not open")
    def post(self, headers, payload, case_id):
        """File the household's application to an open window

        Every criterion is checked and explained; the grant is computed. A retry with the same
        `Idempotency-Key` header returns the first application.
        """
        actor = operator_actor_or_404()
        data = jsonable(payload)
        if headers.get("idempotency_key"):
            data["idempotency_key"] = headers["idempotency_key"]
        if data.get("application_id"):
            data["application_id"] = checked_id(data["application_id"], "application")
        return fundswork.file_application(actor, checked_id(case_id, "case"), data), 201
