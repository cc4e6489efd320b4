"""The partners service: conventions, subscriptions, and filtered deliveries to partners.

A table of contents: each entrypoint reads its input with a schema, calls one use case and
returns plain JSON. Roles and scope are checked by the use cases (``domain.permissions``)."""

from __future__ import annotations

from pathlib import Path

from abitare_chassis.audit import AuditQuery
from abitare_chassis.handlers import event_handler
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc
from abitare_chassis.schemas import jsonable, load, read_case_keys

from .adapters.models import metadata
from .adapters.queues import PartnerQueues
from .adapters.webhook_dispatcher import WebhookDispatcher, resolve
from .schemas import (
    CaseQuery,
    ConsentInput,
    ConsentWithdrawal,
    ConventionQuery,
    DeliveriesQuery,
    LenderStatusInput,
    LoanQuery,
    PartnerQuery,
    PartnerReferralInput,
    PartnerUpdateInput,
    ReferralWithdrawal,
    ReplayInput,
    SubscribeInput,
    WebhookInput,
    WebhookLogQuery,
    WebhookQuery,
    read_action_request,
    read_changes,
    read_referral_keys,
    read_status_change,
)
from .usecases import catalogue, consents, conventions, lending, referrals, sharing, webhooks


class PartnersService:
    name = "partners"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)
    partner_queues = PartnerQueues()
    dispatcher = WebhookDispatcher()  # sends the webhook messages, its own greenthreads

    @event_handler("intake", "referral_received")
    def handle_intake_referral_received(self, event):
        keys = read_referral_keys(event)  # tolerant schema -> dict or InvalidInput
        sharing.share_event(self.db, event, keys)  # `with db.transaction(causation=event)`

    @event_handler("intake", "case_pseudonymised")
    def handle_intake_case_pseudonymised(self, event):
        keys = read_case_keys(event)  # in the event actor's scope, or InvalidInput (parked)
        sharing.pseudonymise_deliveries(self.db, keys, event)

    @event_handler("intake", "action_requested")
    def handle_intake_action_requested(self, event):
        data = read_action_request(event)  # None: not a partner referral
        if data is not None:
            referrals.request_from_action(self.db, event, data, self.partner_queues)

    @event_handler("intake", "case_opened")
    def handle_intake_case_opened(self, event):
        referrals.share_case_status(self.db, event, read_case_keys(event))

    @event_handler("intake", "case_closed")
    def handle_intake_case_closed(self, event):
        referrals.share_case_status(self.db, event, read_case_keys(event))

    # -- consents ---------------------------------------------------------------------------
    @rpc
    def record_consent(self, actor, payload):
        return jsonable(consents.record_consent(self.db, actor, load(ConsentInput(), payload)))

    @rpc
    def withdraw_consent(self, actor, referral_id, consent_id, payload):
        data = load(
            ConsentWithdrawal(),
            {**(payload or {}), "referral_id": referral_id, "consent_id": consent_id},
        )
        return jsonable(
            consents.withdraw_consent(self.db, actor, data["referral_id"], data["consent_id"], data)
        )

    @rpc
    def list_consents(self, actor, referral_id, purpose=None):
        query = load(CaseQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(consents.list_consents(self.db, actor, **query))

    # -- partner referrals: the agency ------------------------------------------------------
    @rpc
    def create_partner_referral(self, actor, payload):
        data = load(PartnerReferralInput(), payload)
        return jsonable(referrals.create_referral(self.db, actor, data, self.partner_queues))

    @rpc
    def withdraw_partner_referral(self, actor, referral_id, partner_referral_id, reason):
        data = load(
            ReferralWithdrawal(),
            {
                "referral_id": referral_id,
                "partner_referral_id": partner_referral_id,
                "reason": reason,
            },
        )
        return jsonable(referrals.withdraw_referral(self.db, actor, **data))

    @rpc
    def list_partner_referrals(self, actor, referral_id, purpose=None):
        query = load(CaseQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(referrals.list_for_case(self.db, actor, **query))

    @rpc
    def list_partner_offers(self, actor):
        return jsonable(referrals.list_offers(self.db, actor))

    @rpc
    def list_overdue_partner_referrals(self, actor):
        return jsonable(referrals.list_overdue(self.db, actor))

    # -- partner referrals: the partner's API client ----------------------------------------
    @rpc
    def list_own_referrals(self, actor):
        return jsonable(referrals.list_own(self.db, actor))

    @rpc
    def get_own_referral(self, actor, partner_referral_id):
        return jsonable(referrals.get_own(self.db, actor, str(partner_referral_id)))

    @rpc
    def update_own_referral(self, actor, partner_referral_id, payload):
        data = load(PartnerUpdateInput(), payload)
        return jsonable(referrals.update_by_partner(self.db, actor, str(partner_referral_id), data))

    # -- partners and deliveries ------------------------------------------------------------
    @rpc
    def list_partners(self, actor):
        return jsonable(catalogue.list_partners(self.db, actor))

    @rpc
    def get_vocabulary(self, actor):
        return catalogue.get_vocabulary(actor)

    @rpc
    def get_partner(self, actor, partner_code):
        data = load(PartnerQuery(), {"partner_code": partner_code})
        return jsonable(conventions.get_partner(self.db, actor, data["partner_code"]))

    @rpc
    def edit_convention(self, actor, partner_code, convention_code, expected_version, changes):
        query = convention_query(partner_code, convention_code, expected_version)
        return jsonable(
            conventions.edit_convention(self.db, actor, **query, changes=read_changes(changes))
        )

    @rpc
    def set_convention_status(
        self, actor, partner_code, convention_code, expected_version, status, reason
    ):
        query = convention_query(partner_code, convention_code, expected_version)
        change = read_status_change(status, reason)
        return jsonable(conventions.set_status(self.db, actor, **query, **change))

    @rpc
    def subscribe(self, actor, partner_code, event_type):
        data = load(SubscribeInput(), {"partner_code": partner_code, "event_type": event_type})
        return jsonable(catalogue.subscribe(self.db, actor, data, self.partner_queues))

    @rpc
    def issue_delivery_key(self, actor, partner_code):
        data = load(PartnerQuery(), {"partner_code": partner_code})
        return jsonable(catalogue.issue_delivery_key(self.db, actor, data["partner_code"]))

    @rpc
    def get_deliveries(self, actor, referral_id, purpose=None):
        query = load(DeliveriesQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(sharing.get_deliveries(self.db, actor, **query))

    @rpc
    def list_audit(self, actor, referral_id):
        query = load(AuditQuery(), {"referral_id": referral_id})
        return jsonable(sharing.list_audit(self.db, actor, query["referral_id"]))

    @rpc
    def count_deliveries(self, actor):
        return sharing.count_deliveries(self.db, actor)

    @rpc
    def report_lender_status(self, actor, payload):
        data = load(LenderStatusInput(), payload)
        return jsonable(lending.report_lender_status(self.db, actor, data))

    @rpc
    def get_loan(self, actor, loan_ref):
        query = load(LoanQuery(), {"loan_ref": loan_ref})
        return jsonable(lending.get_loan(self.db, actor, query["loan_ref"]))

    @rpc
    def list_webhooks(self, actor, partner_code):
        data = load(PartnerQuery(), {"partner_code": partner_code})
        return jsonable(webhooks.list_endpoints(self.db, actor, data["partner_code"]))

    @rpc
    def register_webhook(self, actor, partner_code, url):
        data = load(WebhookInput(), {"partner_code": partner_code, "url": url})
        return jsonable(
            webhooks.register_endpoint(
                self.db,
                actor,
                data["partner_code"],
                data["url"],
                self.dispatcher.settings,
                resolve,
                self.dispatcher.clock(),
            )
        )

    @rpc
    def rotate_webhook_secret(self, actor, partner_code, endpoint_id):
        data = load(WebhookQuery(), {"partner_code": partner_code, "endpoint_id": endpoint_id})
        return jsonable(webhooks.rotate_secret(self.db, actor, **data, now=self.dispatcher.clock()))

    @rpc
    def enable_webhook(self, actor, partner_code, endpoint_id):
        data = load(WebhookQuery(), {"partner_code": partner_code, "endpoint_id": endpoint_id})
        return jsonable(
            webhooks.enable_endpoint(self.db, actor, **data, now=self.dispatcher.clock())
        )

    @rpc
    def list_webhook_attempts(self, actor, partner_code, endpoint_id, page=1, page_size=50):
        data = load(
            WebhookLogQuery(),
            {
                "partner_code": partner_code,
                "endpoint_id": endpoint_id,
                "page": page,
                "page_size": page_size,
            },
        )
        return jsonable(webhooks.list_attempts(self.db, actor, **data))

    @rpc
    def replay_webhook(self, actor, partner_code, endpoint_id, replay):
        data = load(
            ReplayInput(),
            {**(replay or {}), "partner_code": partner_code, "endpoint_id": endpoint_id},
        )
        return jsonable(webhooks.replay(self.db, actor, **data, now=self.dispatcher.clock()))

    @rpc
    def list_disabled_webhooks(self, actor):
        return jsonable(webhooks.disabled_endpoints(self.db, actor))


def convention_query(partner_code, convention_code, expected_version) -> dict:
    return load(
        ConventionQuery(),
        {
            "partner_code": partner_code,
            "convention_code": convention_code,
            "expected_version": expected_version,
        },
    )
    # -- webhooks (coordinators) ------------------------------------------------------------
