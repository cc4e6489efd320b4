"""The partners service: conventions, subscriptions, and filtered deliveries to partners."""
from __future__ import annotations

from pathlib import Path

from abitare_chassis.handlers import event_handler
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc

from . import catalogue, sharing
from .models import metadata
from .queues import PartnerQueues
from .schemas import read_referral_keys


class PartnersService:
    name = "partners"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)
    partner_queues = PartnerQueues()

    @event_handler("intake", "referral_received")
    def handle_intake_referral_received(self, event):
        keys = read_referral_keys(event)
        with self.db.transaction(causation=event) as tx:
            sharing.share_event(tx, event, keys)

    @rpc
    def list_partners(self, actor):
        with self.db.session() as session:
            return catalogue.list_partners(session)

    @rpc
    def subscribe(self, actor, partner_code, event_type):
        with self.db.session() as session:
            request = catalogue.check_subscription(session, actor, partner_code, event_type)
        # The queue first: once the subscription commits, every delivery has somewhere to go.
        queue = self.partner_queues(request["partner_code"])
        with self.db.transaction() as tx:
            result = catalogue.subscribe(tx.session, actor, request)
        return {**result, "queue": queue}

    @rpc
    def get_deliveries(self, actor, referral_id):
        with self.db.session() as session:
            return sharing.get_deliveries(session, actor, referral_id)

    @rpc
    def count_deliveries(self, actor):
        with self.db.session() as session:
            return sharing.count_deliveries(session, actor)
