"""The funds service: opens a funds file for every referral received and answers about it.

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
from .schemas import (
    CertifiedIseeIn,
    FundsFileQuery,
    IseeEstimateIn,
    IseeQuery,
    read_referral,
)
from .usecases import files, isee


class FundsService:
    name = "funds"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    @event_handler("intake", "referral_received.v2")
    def handle_intake_referral_received(self, event):
        referral = read_referral(event)  # tolerant schema -> dict or InvalidInput
        files.open_funds_file(self.db, referral, event)  # `with db.transaction(causation=event)`

    @event_handler("intake", "case_pseudonymised")
    def handle_intake_case_pseudonymised(self, event):
        keys = read_case_keys(event)  # in the event actor's scope, or InvalidInput (parked)
        files.pseudonymise_funds_file(self.db, keys, event)

    @rpc
    def get_funds_file(self, actor, referral_id, purpose=None):
        query = load(FundsFileQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(files.get_funds_file(self.db, actor, **query))

    @rpc
    def list_audit(self, actor, referral_id):
        query = load(AuditQuery(), {"referral_id": referral_id})
        return jsonable(files.list_audit(self.db, actor, query["referral_id"]))

    @rpc
    def count_files(self, actor):
        return files.count_files(self.db, actor)

    # -- isee: the ISEE aid ---------------------------------------------------------------------
    @rpc
    def list_isee(self, actor, referral_id, on=None, purpose=None):
        """The household's certified ISEEs and estimates, and the one applying on ``on``."""
        query = load(IseeQuery(), {"referral_id": referral_id, "on": on, "purpose": purpose})
        return jsonable(isee.list_isee(self.db, actor, **query))

    @rpc
    def record_certified_isee(self, actor, referral_id, payload):
        query = load(IseeQuery(), {"referral_id": referral_id})
        data = load(CertifiedIseeIn(), payload)
        return jsonable(isee.record_certified_isee(self.db, actor, query["referral_id"], data))

    @rpc
    def estimate_isee(self, actor, referral_id, payload):
        query = load(IseeQuery(), {"referral_id": referral_id})
        data = load(IseeEstimateIn(), payload)
        return jsonable(isee.estimate_and_store(self.db, actor, query["referral_id"], data))
