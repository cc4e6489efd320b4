"""Unit tests of the convention rules."""

from datetime import UTC, date, datetime

from partners.domain.conventions import (
    EVENT_TYPE_NOT_IN_CONVENTION,
    NO_CONVENTION_IN_FORCE,
    PARTNER_INACTIVE,
    Convention,
    agency_today,
    convention_in_force,
    subscription_refusal,
)

REFERRAL = "intake.referral_received.v1"
OLD = Convention("FWA", (REFERRAL,), ("referral_id",), date(2023, 1, 1), date(2023, 12, 31))
CURRENT = Convention("FWA", (REFERRAL,), ("referral_id", "household.size"), date(2024, 1, 1), None)
FUTURE = Convention("FWA", ("other.event.v1",), (), date(2030, 1, 1), None)


def test_the_convention_in_force_is_picked_by_date():
    conventions = [OLD, CURRENT, FUTURE]
    assert convention_in_force(conventions, date(2023, 12, 31)) is OLD
    assert convention_in_force(conventions, date(2024, 1, 1)) is CURRENT
    assert convention_in_force(conventions, date(2030, 1, 1)) is FUTURE
    assert convention_in_force(conventions, date(2022, 12, 31)) is None


def test_subscription_needs_an_active_partner_and_a_convention_allowing_the_event():
    assert subscription_refusal(True, [CURRENT], REFERRAL, date(2025, 1, 1)) is None
    assert subscription_refusal(False, [CURRENT], REFERRAL, date(2025, 1, 1)) == {
        "code": PARTNER_INACTIVE
    }
    assert subscription_refusal(True, [CURRENT], REFERRAL, date(2022, 12, 31)) == {
        "code": NO_CONVENTION_IN_FORCE,
        "on": "2022-12-31",
    }
    assert subscription_refusal(True, [CURRENT], "intake.other.v1", date(2025, 1, 1)) == {
        "code": EVENT_TYPE_NOT_IN_CONVENTION,
        "event_type": "intake.other.v1",
        "allowed": [REFERRAL],
    }
    assert (
        subscription_refusal(True, [CURRENT, FUTURE], REFERRAL, date(2030, 6, 1))["code"]
        == EVENT_TYPE_NOT_IN_CONVENTION
    )


def test_today_is_the_day_in_milan():
    assert agency_today(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)) == date(2025, 1, 1)
