"""The housing_stock service: records the housing need of every referral received.

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
from .schemas import HousingNeedQuery, read_referral
from .usecases import needs


class HousingStockService:
    name = "housing_stock"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    @event_handler("intake", "referral_received.v2")
    def handle_intake_referral_received(self, event):
        referral = read_referral(event)  # tolerant schema -> dict or InvalidInput
        needs.record_housing_need(self.db, referral, event)  # opens its own transaction

    @event_handler("intake", "case_pseudonymised")
    def handle_intake_case_pseudonymised(self, event):
        keys = read_case_keys(event)  # in the event actor's scope, or InvalidInput (parked)
        needs.pseudonymise_housing_need(self.db, keys, event)

    @rpc
    def get_housing_need(self, actor, referral_id, purpose=None):
        query = load(HousingNeedQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(needs.get_housing_need(self.db, actor, **query))

    @rpc
    def list_audit(self, actor, referral_id):
        query = load(AuditQuery(), {"referral_id": referral_id})
        return jsonable(needs.list_audit(self.db, actor, query["referral_id"]))

    @rpc
    def count_needs(self, actor):
        return needs.count_needs(self.db, actor)
