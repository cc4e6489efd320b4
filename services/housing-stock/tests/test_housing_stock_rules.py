"""Unit tests of the housing rules, of the tolerant event reading (intake.referral_received.v2) and
of the RPC inputs: no broker, no database."""

from datetime import date
from types import SimpleNamespace

import pytest

from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import load
from housing_stock.domain.rooms import minimum_bedrooms
from housing_stock.errors import ReferralEventInvalid
from housing_stock.schemas import HousingNeedQuery, read_referral

REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"


@pytest.mark.parametrize("size, bedrooms", [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (9, 3)])
def test_minimum_bedrooms_by_household_size(size, bedrooms):
    assert minimum_bedrooms(size) == bedrooms


@pytest.mark.parametrize("size", [None, 0, -2])
def test_unknown_size_suggests_nothing(size):
    assert minimum_bedrooms(size) is None


def event(data, tenant="015195"):
    return SimpleNamespace(id="e1", data=data, tenant=tenant, time="2025-03-10T09:30:00Z")


def test_unknown_fields_are_ignored_and_optional_ones_default():
    referral = read_referral(
        event(
            {
                "referral_id": REFERRAL_ID,
                "comune_istat": "015195",
                "eviction_date": "2025-06-30",
                "surprise": [1, 2],
                "household": {"size": 4, "minors": 2, "pets": 1},
            }
        )
    )
    assert referral["eviction_date"] == date(2025, 6, 30)
    assert referral["household"] == {"size": 4, "minors": 2, "over_65": None}
    assert referral["comune_name"] is None and referral["housing_situation"] is None


def test_an_unknown_household_size_suggests_no_bedrooms():
    referral = read_referral(
        event({"referral_id": REFERRAL_ID, "comune_istat": "015195", "household": {"size": None}})
    )
    assert referral["household"]["size"] is None
    assert minimum_bedrooms(referral["household"]["size"]) is None


@pytest.mark.parametrize(
    "data",
    [
        {"comune_istat": "015195"},
        {"referral_id": REFERRAL_ID, "comune_istat": "Milano"},
        {"referral_id": REFERRAL_ID, "comune_istat": "015195", "eviction_date": "30/06/2025"},
        {"referral_id": REFERRAL_ID, "comune_istat": "015195", "eviction_date": 20250630},
        {"referral_id": REFERRAL_ID, "comune_istat": "015195", "household": {"minors": -1}},
    ],
)
def test_unusable_events_are_refused(data):
    with pytest.raises(ReferralEventInvalid):
        read_referral(event(data))


def test_the_comune_must_be_the_event_tenant():
    with pytest.raises(ReferralEventInvalid) as error:
        read_referral(event({"referral_id": REFERRAL_ID, "comune_istat": "015146"}))
    assert error.value.errors == {"comune_istat": [{"code": "tenant_mismatch", "tenant": "015195"}]}
    assert error.value.code == "housing_referral_event_invalid"


def test_an_eviction_date_time_keeps_its_day():
    referral = read_referral(
        event(
            {
                "referral_id": REFERRAL_ID,
                "comune_istat": "015195",
                "eviction_date": "2025-06-30T00:00:00",
            }
        )
    )
    assert referral["eviction_date"] == date(2025, 6, 30)


@pytest.mark.parametrize("referral_id", [None, 42, "", "x" * 37])
def test_a_malformed_referral_id_is_invalid_input(referral_id):
    with pytest.raises(InvalidInput) as error:
        load(HousingNeedQuery(), {"referral_id": referral_id})
    assert list(error.value.errors) == ["referral_id"]
