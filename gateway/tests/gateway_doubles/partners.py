"""The real partners service for the gateway's tests, without a broker: ``PartnersService`` on
a SQLite database migrated (and so seeded with the demo partners) as in production. Its
webhook dispatcher is not running: only its settings and clock are injected (the URL checks are
the real ones, with 127.0.0.1 and localhost allowed as in development)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from abitare_chassis import migrate
from partners.service import PartnersService
from partners.usecases.webhooks import WebhookSettings

from .intake import InProcessIntake


class InProcessPartners(InProcessIntake):
    service_cls = PartnersService

    def dependencies(self) -> dict:
        dispatcher = SimpleNamespace(
            settings=WebhookSettings(allowed_hosts=("127.0.0.1", "localhost")),
            clock=lambda: datetime.now(UTC),
        )
        return {"partner_queues": lambda code: f"partner.{code.lower()}", "dispatcher": dispatcher}

    def create_tables(self):
        migrate.upgrade(PartnersService.migrations_dir, self.db.url)
