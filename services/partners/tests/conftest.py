"""Fixtures of the partners tests: referral events fed straight into the broker, as intake would,
built from the contract's example payload (infra/contracts/examples/)."""

import pytest

from abitare_chassis.testing.consumer import EventFeed

REFERRALS = EventFeed(
    "intake.referral_received.v1", id_field="referral_id", tenant_field="comune_istat"
)


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
