"""The real partners service for the gateway's tests, without a broker: as
:class:`~gateway_doubles.intake.InProcessIntake`, on a SQLite database migrated as in production
(the demo partners and conventions come from the migrations). Only the methods that use the
database alone can be called (not ``subscribe``, which declares a queue)."""

from __future__ import annotations

from abitare_chassis import migrate
from partners.service import PartnersService

from .intake import InProcessIntake


class InProcessPartners(InProcessIntake):
    service_cls = PartnersService
    unused_providers = ("partner_queues",)

    def create_tables(self) -> None:
        migrate.upgrade(PartnersService.migrations_dir, self.db.url)
