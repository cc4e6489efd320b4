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
    DeliveriesQuery,
    PartnerQuery,
    ReplayInput,
    SubscribeInput,
    WebhookInput,
    WebhookLogQuery,
    WebhookQuery,
    read_referral_keys,
)
from .usecases import catalogue, sharing, webhooks


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

    @rpc
    def list_partners(self, actor):
        return jsonable(catalogue.list_partners(self.db, actor))

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

    # -- webhooks (coordinators) ------------------------------------------------------------
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
