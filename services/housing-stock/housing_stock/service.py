"""The housing_stock service: records the housing need of every referral received."""
from __future__ import annotations

from pathlib import Path

from abitare_chassis.handlers import event_handler
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc

from . import needs
from .models import metadata
from .schemas import read_referral


class HousingStockService:
    name = "housing_stock"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    @event_handler("intake", "referral_received")
    def handle_intake_referral_received(self, event):
        referral = read_referral(event)
        with self.db.transaction(causation=event) as tx:
            needs.record_housing_need(tx.session, referral, source_event_id=event.id)

    @rpc
    def get_housing_need(self, actor, referral_id):
        with self.db.session() as session:
            return needs.get_housing_need(session, actor, referral_id)

    @rpc
    def count_needs(self, actor):
        with self.db.session() as session:
            return needs.count_needs(session, actor)
