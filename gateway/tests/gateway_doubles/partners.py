"""The real partners service for the gateway's tests, without a broker: ``PartnersService`` on
a SQLite database migrated (and so seeded with the demo partners and conventions) as in
production. Its webhook dispatcher is not running: only its settings and clock are injected (the
URL checks are the real ones, with 127.0.0.1 and localhost allowed as in development); partner
queues are named, not declared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from abitare_chassis import migrate
from abitare_chassis.actor import Actor
from partners.domain.conventions import agency_today
from partners.service import PartnersService
from partners.usecases import consents, referrals
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

    def send(self, case_id: str, comune: str, partner: str, service: str) -> str:
        """Send the household of case ``case_id`` to ``partner`` for ``service`` as the agency
        does (its consent recorded first); the partner referral's id."""
        operator = Actor(sub="operator:agenzia", role="agency_operator", comuni=(comune,))
        today = agency_today()
        keys = {"referral_id": case_id, "comune_istat": comune, "partner_code": partner}
        consents.record_consent(
            self.db,
            operator,
            {
                **keys,
                "service": service,
                "categories": ["contatti"],
                "given_by": "Maria Rossi",
                "given_on": today,
                "valid_until": today + timedelta(days=365),
            },
        )
        sent = referrals.create_referral(
            self.db,
            operator,
            {
                **keys,
                "service": service,
                "note": None,
                "household": {},
                "contact": {},
                "economics": {},
            },
        )
        return sent["id"]
