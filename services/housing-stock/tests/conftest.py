"""Fixtures of the housing_stock tests: referral events fed straight into the broker, as intake
would, built from the contract's example payload (infra/contracts/examples/)."""

import pytest

from abitare_chassis.database import Db
from abitare_chassis.envelope import sign_envelope
from abitare_chassis.migrate import upgrade
from abitare_chassis.testing.consumer import EventFeed

REFERRAL_RECEIVED = "intake.referral_received.v2"


class VersionedFeed(EventFeed):
    """The chassis feed builds ``.v1`` envelopes published with the bare event name. A later
    major travels under routing key ``<event>.v<major>`` (nameko's event type) with envelope
    type ``<service>.<event>.v<major>``. (Drop this when the chassis feed takes the major.)"""

    def __init__(self, event_type: str, **kwargs):
        super().__init__(event_type, **kwargs)
        self.type = event_type
        self.event = event_type.split(".", 1)[1]  # "referral_received.v2"

    def envelope(self, data=None, signed: bool = True) -> dict:
        envelope = super().envelope(data, signed=False)
        envelope["type"] = self.type
        return sign_envelope(envelope) if signed else envelope


REFERRALS = VersionedFeed(REFERRAL_RECEIVED, id_field="referral_id", tenant_field="comune_istat")


@pytest.fixture
def broker(service_runner):
    return REFERRALS.broker(service_runner.amqp_uri)


@pytest.fixture
def make_referral():
    return REFERRALS.data


@pytest.fixture
def make_envelope():
    return REFERRALS.envelope


PSEUDONYMISED = EventFeed(
    "intake.case_pseudonymised.v1", id_field="referral_id", tenant_field="comune_istat"
)


@pytest.fixture
def pseudonymised_notice():
    """``pseudonymised_notice(referral_id)``: the signed ``intake.case_pseudonymised.v1`` of
    that case, as intake would publish it (publish it with ``broker.publish(envelope,
    "case_pseudonymised")``)."""
    return lambda referral_id: PSEUDONYMISED.envelope(PSEUDONYMISED.data(referral_id=referral_id))


@pytest.fixture
def sap_family():
    """A household of 3 (PSE 2,04) with ISEE € 9.800 and patrimonial values € 25.000 that meets
    every SAP access requirement (R.R. 4/2017 art. 7)."""
    from decimal import Decimal

    from housing_stock.domain.sap_access import ITALIAN_OR_EU, SapApplicant

    return SapApplicant(
        household_size=3,
        citizenship=ITALIAN_OR_EU,
        resident_or_working_in_lombardia=True,
        isee_cents=980_000,
        patrimony_cents=2_500_000,
        pse=Decimal("2.04"),
        owns_adequate_dwelling=False,
        had_sap_decadenza=False,
        abusive_occupation=False,
    )


@pytest.fixture
def db(db_url):
    """The service's database, migrated (with the demo stock of migration 0005), without a
    broker; a test module may define its own (``test_housing_stock_needs`` binds a handler)."""
    from housing_stock.adapters.models import metadata
    from housing_stock.service import HousingStockService

    upgrade(HousingStockService.migrations_dir, db_url)
    database = Db("housing_stock", db_url, metadata)
    yield database
    database.dispose()
