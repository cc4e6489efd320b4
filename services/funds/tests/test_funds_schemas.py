"""Reading the referral event (intake.referral_received.v2) tolerantly, and the RPC inputs
(unit: no broker, no database)."""

from types import SimpleNamespace

import pytest

from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import load
from funds.errors import ReferralEventInvalid
from funds.schemas import FundsFileQuery, read_referral

REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"


def event(data, tenant="015195", time="2025-03-10T09:30:00.000Z"):
    return SimpleNamespace(id="e1", data=data, tenant=tenant, time=time)


def test_unknown_fields_are_ignored_and_optional_ones_default():
    referral = read_referral(
        event(
            {
                "referral_id": REFERRAL_ID,
                "comune_istat": "015195",
                "future_field": {"x": 1},
                "household": {"size": 3, "novelty": True},
            }
        )
    )
    assert referral["referral_id"] == REFERRAL_ID
    assert referral["household"]["size"] == 3
    assert referral["economics"] == {}
    assert referral["received_at"].isoformat() == "2025-03-10T09:30:00+00:00"


def test_an_unknown_household_size_stays_unknown():
    referral = read_referral(
        event({"referral_id": REFERRAL_ID, "comune_istat": "015195", "household": {"size": None}})
    )
    assert referral["household"]["size"] is None


@pytest.mark.parametrize(
    "data",
    [
        {"comune_istat": "015195"},
        {"referral_id": "not-a-uuid", "comune_istat": "015195"},
        {"referral_id": REFERRAL_ID, "comune_istat": "15195"},
        {
            "referral_id": REFERRAL_ID,
            "comune_istat": "015195",
            "economics": {"monthly_rent_cents": "450"},
        },
        {
            "referral_id": REFERRAL_ID,
            "comune_istat": "015195",
            "economics": {"monthly_rent_cents": 4.5},
        },
    ],
)
def test_unusable_events_are_refused(data):
    with pytest.raises(ReferralEventInvalid):
        read_referral(event(data))


def test_the_comune_must_be_the_event_tenant():
    with pytest.raises(ReferralEventInvalid) as error:
        read_referral(event({"referral_id": REFERRAL_ID, "comune_istat": "015146"}))
    assert error.value.errors == {"comune_istat": [{"code": "tenant_mismatch", "tenant": "015195"}]}
    assert error.value.code == "funds_referral_event_invalid"


def test_a_naive_received_at_is_taken_as_utc_and_a_bad_one_falls_back_to_the_event_time():
    naive = read_referral(
        event(
            {
                "referral_id": REFERRAL_ID,
                "comune_istat": "015195",
                "received_at": "2024-12-31T23:30:00",
            }
        )
    )
    assert naive["received_at"].isoformat() == "2024-12-31T23:30:00+00:00"
    bad = read_referral(
        event({"referral_id": REFERRAL_ID, "comune_istat": "015195", "received_at": "ieri"})
    )
    assert bad["received_at"].isoformat() == "2025-03-10T09:30:00+00:00"


@pytest.mark.parametrize("referral_id", [None, 42, "", "x" * 37])
def test_a_malformed_referral_id_is_invalid_input(referral_id):
    with pytest.raises(InvalidInput) as error:
        load(FundsFileQuery(), {"referral_id": referral_id})
    assert list(error.value.errors) == ["referral_id"]
