"""``/api/v1/cases/{id}/consents`` and ``/api/v1/cases/{id}/partner-referrals``: a case's
consents to share data with partners and its referrals to partners (operators);
``/api/v1/partner/referrals``: the partner's own referrals (partner clients only).

A refused referral is a problem+json ``partner_referral_refused`` whose field error says why
(``consent_missing``, ``convention_expired``, ``service_not_offered``, ``comune_not_covered``...);
nothing changes and nothing leaves the agency.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import backend, partnerwork
from ..auth import partner_actor
from .access import checked_id, operator_actor_or_404
from .partner_referral_schemas import (
    ConsentIn,
    ConsentOut,
    ConsentWithdrawalIn,
    PartnerReferralIn,
    PartnerReferralOut,
    PartnerUpdateIn,
    PartnerViewOut,
    WithdrawalIn,
)
from .referrals import jsonable

blp = Blueprint(
    "partner_referrals",
    __name__,
    url_prefix="/api/v1/cases",
    description="A case's consents and referrals to partners, for operators",
)
inbox = Blueprint(
    "partner_inbox",
    __name__,
    url_prefix="/api/v1/partner",
    description="For partners' systems: the referrals sent to the partner, and its answers",
)


@blp.before_request
def authenticate():
    operator_actor_or_404()


@inbox.before_request
def authenticate_partner():
    partner_actor()


def _case(actor, case_id):
    return partnerwork.read_case(actor, checked_id(case_id, "case"))


@blp.route("/<case_id>/consents")
class Consents(MethodView):
    @blp.response(200, ConsentOut(many=True))
    def get(self, case_id):
        """The household's consents to share data with partners, newest first"""
        actor = operator_actor_or_404()
        _case(actor, case_id)  # another comune's case, or none: 404
        return partnerwork.list_consents(actor, checked_id(case_id, "case"))

    @blp.arguments(ConsentIn)
    @blp.response(201, ConsentOut)
    def post(self, payload, case_id):
        """Record a consent given by a member for one partner and one service"""
        actor = operator_actor_or_404()
        return partnerwork.record_consent(actor, _case(actor, case_id), jsonable(payload))


@blp.route("/<case_id>/consents/<consent_id>/withdrawal")
class ConsentWithdrawal(MethodView):
    @blp.arguments(ConsentWithdrawalIn)
    @blp.response(200, ConsentOut)
    def post(self, payload, case_id, consent_id):
        """Record that the household withdrew a consent (from that day nothing more is sent)"""
        actor = operator_actor_or_404()
        case = _case(actor, case_id)  # another comune's case, or none: 404
        return partnerwork.withdraw_consent(
            actor, case["id"], checked_id(consent_id, "consent"), jsonable(payload)
        )


@blp.route("/<case_id>/partner-referrals")
class PartnerReferrals(MethodView):
    @blp.response(200, PartnerReferralOut(many=True))
    def get(self, case_id):
        """The case's referrals to partners, with their history"""
        actor = operator_actor_or_404()
        _case(actor, case_id)  # another comune's case, or none: 404
        return partnerwork.list_referrals(actor, checked_id(case_id, "case"))

    @blp.arguments(PartnerReferralIn)
    @blp.response(201, PartnerReferralOut)
    def post(self, payload, case_id):
        """Send the household to a partner for one of its services ("Invia a un partner")"""
        actor = operator_actor_or_404()
        return partnerwork.send_referral(actor, _case(actor, case_id), payload)


@blp.route("/<case_id>/partner-referrals/<partner_referral_id>/withdrawal")
class PartnerReferralWithdrawal(MethodView):
    @blp.arguments(WithdrawalIn)
    @blp.response(200, PartnerReferralOut)
    def post(self, payload, case_id, partner_referral_id):
        """Withdraw a referral not yet ended; the partner is told"""
        actor = operator_actor_or_404()
        case = _case(actor, case_id)  # another comune's case, or none: 404
        return partnerwork.withdraw_referral(
            actor, case["id"], checked_id(partner_referral_id, "referral"), payload["reason"]
        )


@inbox.route("/referrals")
class OwnReferrals(MethodView):
    @inbox.response(200, PartnerViewOut(many=True))
    def get(self):
        """The referrals sent to this partner, newest first (only its convention's fields)"""
        return backend.rpc().call("partners", "list_own_referrals", partner_actor())


@inbox.route("/referrals/<partner_referral_id>")
class OwnReferral(MethodView):
    @inbox.response(200, PartnerViewOut)
    def get(self, partner_referral_id):
        """One referral sent to this partner; another partner's is 404"""
        return backend.rpc().call(
            "partners",
            "get_own_referral",
            partner_actor(),
            checked_id(partner_referral_id, "referral"),
        )


@inbox.route("/referrals/<partner_referral_id>/status")
class OwnReferralStatus(MethodView):
    @inbox.arguments(PartnerUpdateIn)
    @inbox.response(200, PartnerViewOut)
    def post(self, payload, partner_referral_id):
        """Accept, decline (with a reason) or post an outcome of the referral's service; an
        update the state does not allow, or an outcome of another service, changes nothing"""
        return backend.rpc().call(
            "partners",
            "update_own_referral",
            partner_actor(),
            checked_id(partner_referral_id, "referral"),
            payload,
        )
