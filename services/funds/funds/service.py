"""The funds service: opens a funds file for every referral received and answers about it."""
from __future__ import annotations

from pathlib import Path

from abitare_chassis.handlers import event_handler
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc

from . import files
from .models import metadata
from .schemas import read_referral


class FundsService:
    name = "funds"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    @event_handler("intake", "referral_received")
    def handle_intake_referral_received(self, event):
        referral = read_referral(event)
        with self.db.transaction(causation=event) as tx:
            files.open_funds_file(tx.session, referral, source_event_id=event.id)

    @rpc
    def get_funds_file(self, actor, referral_id):
        with self.db.session() as session:
            return files.get_funds_file(session, actor, referral_id)

    @rpc
    def count_files(self, actor):
        with self.db.session() as session:
            return files.count_files(session, actor)
