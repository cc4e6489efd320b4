"""The real funds service for the gateway's tests, without a broker: ``FundsService`` on a
SQLite database migrated (and so seeded with the demo Fondo Affitto regulation) as in
production."""

from __future__ import annotations

from abitare_chassis import migrate
from funds.service import FundsService

from .intake import InProcessIntake


class InProcessFunds(InProcessIntake):
    service_cls = FundsService

    def create_tables(self):
        migrate.upgrade(FundsService.migrations_dir, self.db.url)
