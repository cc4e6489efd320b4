"""The real partners service for the gateway's tests, without a broker: as
:class:`~gateway_doubles.intake.InProcessIntake`, on a SQLite database migrated as in production
(the demo partners and conventions come from the migrations). Only the methods that use the
database alone can be called (not ``subscribe``, which declares a queue)."""

from __future__ import annotations

from datetime import timedelta

from abitare_chassis import migrate
from abitare_chassis.actor import Actor
from partners.domain.conventions import agency_today
from partners.service import PartnersService
from partners.usecases import consents, referrals

from .intake import InProcessIntake


class InProcessPartners(InProcessIntake):
    service_cls = PartnersService
    unused_providers = ("partner_queues",)

    def create_tables(self) -> None:
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
