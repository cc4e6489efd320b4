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
from .schemas import (
    DeliveriesQuery,
    LenderStatusInput,
    LoanQuery,
    PartnerQuery,
    SubscribeInput,
    read_referral_keys,
)
from .usecases import catalogue, lending, sharing


class PartnersService:
    name = "partners"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)
    partner_queues = PartnerQueues()

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

    @rpc
    def report_lender_status(self, actor, payload):
        data = load(LenderStatusInput(), payload)
        return jsonable(lending.report_lender_status(self.db, actor, data))

    @rpc
    def get_loan(self, actor, loan_ref):
        query = load(LoanQuery(), {"loan_ref": loan_ref})
        return jsonable(lending.get_loan(self.db, actor, query["loan_ref"]))
